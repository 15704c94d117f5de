/** @module adapters/testing/mock-anthropic — a local mock of the Anthropic Messages API (JSON and SSE, text and tool_use). */
import type { ServerResponse } from 'node:http';
import { sendBody, sendEvents, startMockServer, type MockReply, type MockServer, type RecordedRequest } from './mock-server.js';

let counter = 0;
const nextId = (prefix: string): string => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`;

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** The non-streaming Messages API response for a reply. */
export function anthropicMessage(model: string, reply: MockReply): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (reply.text) content.push({ type: 'text', text: reply.text.join('') });
  for (const call of reply.toolCalls ?? []) content.push({ type: 'tool_use', id: call.id ?? nextId('toolu'), name: call.name, input: call.input });
  return {
    id: nextId('msg'), type: 'message', role: 'assistant', model, content,
    stop_reason: reply.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 34 },
  };
}

/** The SSE events of a streamed Messages API response: text deltas, then tool_use blocks as input_json_delta. */
export function anthropicEvents(model: string, reply: MockReply): string[] {
  const events = [sse('message_start', { message: { ...anthropicMessage(model, {}), content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } })];
  let index = 0;
  if (reply.text) {
    events.push(sse('content_block_start', { index, content_block: { type: 'text', text: '' } }), sse('ping', {}));
    for (const text of reply.text) events.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text } }));
    events.push(sse('content_block_stop', { index }));
    index++;
  }
  for (const call of reply.toolCalls ?? []) {
    events.push(sse('content_block_start', { index, content_block: { type: 'tool_use', id: call.id ?? nextId('toolu'), name: call.name, input: {} } }));
    for (const partial_json of call.chunks ?? [JSON.stringify(call.input)]) {
      events.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
    }
    events.push(sse('content_block_stop', { index }));
    index++;
  }
  const stop_reason = reply.toolCalls?.length ? 'tool_use' : 'end_turn';
  events.push(sse('message_delta', { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: 34 } }), sse('message_stop', {}));
  return events;
}

async function writeAnthropic(req: RecordedRequest, reply: MockReply, res: ServerResponse): Promise<void> {
  if (reply.raw) return sendBody(res, reply.status ?? 200, reply.raw.contentType, reply.raw.body, reply);
  if (req.method !== 'POST' || !req.path.startsWith('/v1/messages')) {
    return sendBody(res, 404, 'application/json', JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: req.path } }), reply);
  }
  const model = typeof req.json?.model === 'string' ? req.json.model : 'claude-mock';
  if (req.json?.stream === true) return sendEvents(res, anthropicEvents(model, reply), reply);
  return sendBody(res, reply.status ?? 200, 'application/json', JSON.stringify(anthropicMessage(model, reply)), reply);
}

/**
 * Start a mock Anthropic Messages API on 127.0.0.1:0 (POST /v1/messages, `stream: true` answers with SSE).
 *
 * @example
 * const mock = await startMockAnthropic();
 * mock.enqueue({ text: ['my key is AKIA', 'IOSFODNN7EXAMPLE'] });
 * const client = new Anthropic({ baseURL: mock.url, apiKey: 'test' });
 */
export function startMockAnthropic(defaultReply?: MockReply): Promise<MockServer> {
  return startMockServer(writeAnthropic, defaultReply);
}
