/** @module adapters/testing/mocks.test — the real SDK clients talk to the mocks directly (no Sluice). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMockAnthropic } from './mock-anthropic.js';
import { startMockOpenai } from './mock-openai.js';
import type { MockServer } from './mock-server.js';

describe('mock Anthropic Messages API with the real @anthropic-ai/sdk', () => {
  let mock: MockServer;
  let client: Anthropic;
  beforeAll(async () => {
    mock = await startMockAnthropic();
    client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers a non-streaming message and records the request', async () => {
    mock.enqueue({ text: ['hello ', 'world'] });
    const msg = await client.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi there' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'hello world' }]);
    const last = mock.requests.at(-1)!;
    expect(last.json.messages[0].content).toBe('hi there');
    // this SDK version sends the key as a bearer token; older ones used x-api-key
    expect(last.headers['x-api-key'] ?? last.headers.authorization).toMatch(/sk-ant-test$/);
  });

  it('streams text deltas and a tool_use block built from input_json_delta', async () => {
    mock.enqueue({ text: ['a', 'b'], toolCalls: [{ name: 'run_sql', input: { query: 'DROP TABLE users' }, chunks: ['{"query": "DROP', ' TABLE users"}'] }] });
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'go' }] });
    const final = await stream.finalMessage();
    expect(final.content[0]).toEqual({ type: 'text', text: 'ab' });
    expect(final.content[1]).toMatchObject({ type: 'tool_use', name: 'run_sql', input: { query: 'DROP TABLE users' } });
    expect(final.stop_reason).toBe('tool_use');
  });
});

describe('mock OpenAI chat completions with the real openai client', () => {
  let mock: MockServer;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockOpenai();
    client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers a non-streaming completion with tool_calls', async () => {
    mock.enqueue({ toolCalls: [{ id: 'call_1', name: 'run_sql', input: { query: 'SELECT 1' } }] });
    const res = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'q' }] });
    expect(res.choices[0]!.message.tool_calls![0]).toMatchObject({ id: 'call_1', function: { name: 'run_sql', arguments: '{"query":"SELECT 1"}' } });
    expect(mock.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams content and tool_calls deltas', async () => {
    mock.enqueue({ text: ['x', 'y'], toolCalls: [{ name: 'run_sql', input: { q: 1 }, chunks: ['{"q"', ':1}'] }] });
    const stream = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'q' }] });
    let text = '';
    let args = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    }
    expect(text).toBe('xy');
    expect(JSON.parse(args)).toEqual({ q: 1 });
  });
});
