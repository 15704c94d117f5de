/** @module audit/sse-text — rebuilds the final text and tool inputs of a recorded (masked) SSE stream. */
import type { AuditSseEvent } from './types.js';

/** The reconstructed content of a stream: concatenated text deltas and tool-call inputs. */
export interface StreamContent {
  text: string;
  tools: Array<{ name: string; input: string }>;
  events: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parse(data: string): Json | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null ? (value as Json) : null;
  } catch {
    return null;
  }
}

/**
 * Concatenate the masked deltas of an Anthropic Messages, OpenAI Chat Completions or OpenAI Responses
 * stream into the text the caller saw, plus each tool call's accumulated input.
 *
 * @example
 * reconstructStream([{ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}' }]);
 * // { text: 'Hi', tools: [], events: 1 }
 */
export function reconstructStream(events: AuditSseEvent[]): StreamContent {
  let text = '';
  const tools = new Map<string, { name: string; input: string }>();
  const tool = (key: string, name?: string) => {
    let entry = tools.get(key);
    if (!entry) tools.set(key, (entry = { name: name ?? '', input: '' }));
    if (name) entry.name = name;
    return entry;
  };
  for (const event of events) {
    const data = parse(event.data);
    if (!data) continue;
    const type = String(data.type ?? event.event ?? '');
    // Anthropic Messages
    if (type === 'content_block_start' && data.content_block?.type === 'tool_use') tool(`a${data.index}`, data.content_block.name);
    if (type === 'content_block_delta') {
      if (data.delta?.type === 'text_delta') text += String(data.delta.text ?? '');
      if (data.delta?.type === 'input_json_delta') tool(`a${data.index}`).input += String(data.delta.partial_json ?? '');
    }
    // OpenAI Responses
    if (type === 'response.output_text.delta') text += String(data.delta ?? '');
    if (type === 'response.output_item.added' && data.item?.type === 'function_call') tool(`r${data.output_index}`, data.item.name);
    if (type === 'response.function_call_arguments.delta') tool(`r${data.output_index}`).input += String(data.delta ?? '');
    // OpenAI Chat Completions
    if (Array.isArray(data.choices)) {
      for (const choice of data.choices as Json[]) {
        if (typeof choice.delta?.content === 'string') text += choice.delta.content;
        for (const call of (choice.delta?.tool_calls ?? []) as Json[]) {
          const entry = tool(`c${choice.index ?? 0}.${call.index ?? 0}`, call.function?.name);
          entry.input += String(call.function?.arguments ?? '');
        }
      }
    }
  }
  return { text, tools: [...tools.values()], events: events.length };
}
