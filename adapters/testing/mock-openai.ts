/** @module adapters/testing/mock-openai — a local mock of OpenAI chat completions (JSON and SSE, content and tool_calls). */
import type { ServerResponse } from 'node:http';
import { sendBody, sendEvents, startMockServer, type MockReply, type MockServer, type RecordedRequest } from './mock-server.js';

let counter = 0;
const nextId = (prefix: string): string => `${prefix}-${(++counter).toString(36).padStart(6, '0')}`;
const CREATED = 1_700_000_000;

/** The non-streaming chat.completion response for a reply. */
export function openaiCompletion(model: string, reply: MockReply): Record<string, unknown> {
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? nextId('call'), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input) },
  }));
  const message: Record<string, unknown> = { role: 'assistant', content: reply.text ? reply.text.join('') : null, refusal: null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return {
    id: nextId('chatcmpl'), object: 'chat.completion', created: CREATED, model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toolCalls.length ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 },
  };
}

/** The SSE events of a streamed chat completion: content deltas, then tool_calls deltas, then `[DONE]`. */
export function openaiEvents(model: string, reply: MockReply): string[] {
  const id = nextId('chatcmpl');
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta, logprobs: null, finish_reason }] })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' })];
  for (const content of reply.text ?? []) events.push(chunk({ content }));
  (reply.toolCalls ?? []).forEach((call, index) => {
    events.push(chunk({ tool_calls: [{ index, id: call.id ?? nextId('call'), type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const args of call.chunks ?? [JSON.stringify(call.input)]) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: args } }] }));
    }
  });
  events.push(chunk({}, reply.toolCalls?.length ? 'tool_calls' : 'stop'), 'data: [DONE]\n\n');
  return events;
}

async function writeOpenai(req: RecordedRequest, reply: MockReply, res: ServerResponse): Promise<void> {
  if (reply.raw) return sendBody(res, reply.status ?? 200, reply.raw.contentType, reply.raw.body, reply);
  if (req.method !== 'POST' || !req.path.startsWith('/v1/chat/completions')) {
    return sendBody(res, 404, 'application/json', JSON.stringify({ error: { message: req.path, type: 'invalid_request_error' } }), reply);
  }
  const model = typeof req.json?.model === 'string' ? req.json.model : 'gpt-mock';
  if (req.json?.stream === true) return sendEvents(res, openaiEvents(model, reply), reply);
  return sendBody(res, reply.status ?? 200, 'application/json', JSON.stringify(openaiCompletion(model, reply)), reply);
}

/**
 * Start a mock OpenAI chat completions API on 127.0.0.1:0 (POST /v1/chat/completions; `stream: true` answers with SSE).
 *
 * @example
 * const mock = await startMockOpenai();
 * mock.enqueue({ toolCalls: [{ name: 'run_sql', input: { query: 'DROP TABLE users' } }] });
 * const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'test' });
 */
export function startMockOpenai(defaultReply?: MockReply): Promise<MockServer> {
  return startMockServer(writeOpenai, defaultReply);
}
