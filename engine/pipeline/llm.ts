/** @module pipeline/llm — which model API an exchange speaks, and the LLM facts of Anthropic Messages and OpenAI chat/responses bodies. */
import type { LlmFactsInput, ToolCallFact } from './types.js';
import type { StreamLlmFacts } from './seams.js';

/** The model APIs Sluice recognises by path. */
export type LlmApi = 'anthropic-messages' | 'openai-chat' | 'openai-responses';

const PROVIDER: Record<LlmApi, string> = { 'anthropic-messages': 'anthropic', 'openai-chat': 'openai', 'openai-responses': 'openai' };

/**
 * The model API of a request path (query string ignored), or null.
 *
 * @example
 * detectApi('/v1/messages?beta=true'); // 'anthropic-messages'
 */
export function detectApi(path: string): LlmApi | null {
  const p = path.split('?', 1)[0]!;
  if (p.endsWith('/v1/messages')) return 'anthropic-messages';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  if (p.endsWith('/v1/responses')) return 'openai-responses';
  return null;
}

/** The provider name of an API. */
export const providerOf = (api: LlmApi): string => PROVIDER[api];

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {});

/**
 * A tool-call fact, its id first when it has one (a string). Two plain literals rather than a spread of `{ id }` then
 * `name` and `input`: on Node 20 (V8 11.3) a spread followed by a new key costs ~0.9 µs per object and floods the
 * young-generation GC.
 *
 * @example
 * toolCall('toolu_1', 'run_sql', { query: 'select 1' }); // { id: 'toolu_1', name: 'run_sql', input: { … } }
 */
export function toolCall(id: unknown, name: string, input: unknown): ToolCallFact {
  return typeof id === 'string' ? { id, name, input } : { name, input };
}

function parseArgs(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? {};
  try { return JSON.parse(text); } catch { return { _raw: text }; }
}

function toolNames(api: LlmApi, body: Record<string, any>): string[] {
  return arr(body.tools).map((t) => {
    const tool = obj(t);
    return str(tool.name) ?? str(obj(tool.function).name) ?? str(tool.type) ?? '';
  }).filter(Boolean);
}

/** Tool calls the model made, from a (non-streamed) response body. */
function responseToolCalls(api: LlmApi, body: Record<string, any>): ToolCallFact[] {
  if (api === 'anthropic-messages') {
    return arr(body.content).map(obj).filter((b) => b.type === 'tool_use' || b.type === 'server_tool_use')
      .map((b) => toolCall(b.id, str(b.name) ?? '', b.input ?? {}));
  }
  if (api === 'openai-chat') {
    return arr(body.choices).flatMap((c) => arr(obj(obj(c).message).tool_calls)).map(obj)
      .map((t) => toolCall(t.id, str(obj(t.function).name) ?? '', parseArgs(obj(t.function).arguments)));
  }
  return arr(body.output).map(obj).filter((o) => o.type === 'function_call')
    .map((o) => toolCall(o.call_id ?? o.id, str(o.name) ?? '', parseArgs(o.arguments)));
}

/**
 * LLM facts of a parsed request or response body. Request tool calls are empty: the calls in the
 * conversation history were decided when the model made them (response and tool_call phases).
 *
 * @example
 * extractFacts('anthropic-messages', 'request', { model: 'claude-x', tools: [{ name: 'run_sql' }] });
 */
export function extractFacts(api: LlmApi, direction: 'request' | 'response', body: unknown): LlmFactsInput {
  const b = obj(body);
  return {
    provider: providerOf(api),
    model: str(b.model),
    stream: b.stream === true,
    tools: direction === 'request' ? toolNames(api, b) : [],
    tool_calls: direction === 'response' ? responseToolCalls(api, b) : [],
  };
}

/**
 * Policy facts from the stream area's extracted facts (ids and names normalised, `stream` defaulting to false).
 *
 * @example
 * toPolicyLlm(inspection.facts!, 'anthropic-messages');
 */
export function toPolicyLlm(facts: StreamLlmFacts, api: LlmApi): LlmFactsInput {
  return {
    provider: facts.provider === 'unknown' ? providerOf(api) : facts.provider,
    model: facts.model,
    stream: facts.stream === true,
    tools: facts.tools,
    tool_calls: facts.tool_calls.map((c) => toolCall(c.id, c.name ?? '', c.input)),
  };
}
