/** @module adapters/undici.e2e.test — the real @anthropic-ai/sdk and openai clients through sluiceDispatcher to the local mocks. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { sluiceDispatcher } from './undici.js';
import { startMockAnthropic } from './testing/mock-anthropic.js';
import { startMockOpenai } from './testing/mock-openai.js';
import type { MockServer } from './testing/mock-server.js';
import { SAMPLES, sluiceCause, testSluice } from './testing/sluice-fixture.js';
import type { Sluice } from '../engine/index.js';

let sluice: Sluice;
let anthropicMock: MockServer;
let openaiMock: MockServer;
let dispatcher: Dispatcher;
let anthropic: Anthropic;
let openai: OpenAI;

beforeAll(async () => {
  [anthropicMock, openaiMock] = await Promise.all([startMockAnthropic(), startMockOpenai()]);
  const host = (url: string): string => new URL(url).host;
  sluice = await testSluice({
    credentials: { [host(anthropicMock.url)]: { 'x-api-key': 'held-anthropic-key' }, [host(openaiMock.url)]: { authorization: 'Bearer held-openai-key' } },
  });
  dispatcher = sluiceDispatcher({ sluice });
  // The applications hold no real provider key: Sluice strips what they send and injects its own.
  anthropic = new Anthropic({ baseURL: anthropicMock.url, apiKey: 'app-has-no-key', maxRetries: 0, fetchOptions: { dispatcher } as never });
  openai = new OpenAI({ baseURL: `${openaiMock.url}/v1`, apiKey: 'app-has-no-key', maxRetries: 0, fetchOptions: { dispatcher } as never });
}, 60_000);

afterAll(async () => {
  await Promise.all([anthropicMock.close(), openaiMock.close(), dispatcher.close(), sluice.close()]);
});

const ask = (content: string) => ({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user' as const, content }] });

describe('@anthropic-ai/sdk through sluiceDispatcher', () => {
  it('masks secrets in the prompt, swaps in the held credential, masks the response', async () => {
    anthropicMock.enqueue({ text: [`here is the token ${SAMPLES.slack} again`] });
    const msg = await anthropic.messages.create(ask(`my slack token is ${SAMPLES.slack}, mail ${SAMPLES.email}`));
    const seen = anthropicMock.requests.at(-1)!;
    expect(seen.json.messages[0].content).toBe('my slack token is [REDACTED:slack-bot-token], mail [REDACTED:email]');
    expect(seen.raw.toString()).not.toContain(SAMPLES.slack);
    expect(seen.headers['x-api-key']).toBe('held-anthropic-key');
    expect(seen.headers.authorization).toBeUndefined();
    expect(msg.content[0]).toEqual({ type: 'text', text: 'here is the token [REDACTED:slack-bot-token] again' });
  });

  it('denies a prompt carrying a cloud credential: the SDK rejects and the mock never sees it', async () => {
    const before = anthropicMock.requests.length;
    const err = await anthropic.messages.create(ask(`deploy with ${SAMPLES.aws}`)).catch((e: unknown) => e);
    expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_DENIED');
    expect(sluiceCause(err)?.message).toContain('aws-access-key-id');
    expect(anthropicMock.requests.length).toBe(before);
  });

  it('blocks a dangerous tool call in a non-streamed response (approval required, none configured)', async () => {
    anthropicMock.enqueue({ toolCalls: [{ name: 'run_sql', input: { query: 'DROP TABLE users' } }] });
    const err = await anthropic.messages.create(ask('clean up the db')).catch((e: unknown) => e);
    expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_DENIED');
    expect(String(sluiceCause(err)?.message)).toContain('DROP TABLE');
  });

  it('decodes a gzip response, masks it and drops content-encoding', async () => {
    anthropicMock.enqueue({ text: [`ssn ${SAMPLES.ssn}`], encoding: 'gzip' });
    const { data, response } = await anthropic.messages.create(ask('who?')).withResponse();
    expect(data.content[0]).toEqual({ type: 'text', text: 'ssn [REDACTED:us-ssn]' });
    expect(response.headers.get('content-encoding')).toBeNull();
  });

  it('masks a secret split across SSE text deltas', async () => {
    const half = SAMPLES.slack.length >> 1;
    anthropicMock.enqueue({ text: ['token: ', SAMPLES.slack.slice(0, half), SAMPLES.slack.slice(half), ' done'] });
    const final = await anthropic.messages.stream(ask('stream it')).finalMessage();
    expect(final.content[0]).toEqual({ type: 'text', text: 'token: [REDACTED:slack-bot-token] done' });
  });

  it('refuses a dangerous streamed tool_use built from input_json_delta', async () => {
    anthropicMock.enqueue({ text: ['ok'], toolCalls: [{ name: 'run_sql', input: { query: 'DROP TABLE users' }, chunks: ['{"query": "DROP', ' TABLE users"}'] }] });
    const final = await anthropic.messages.stream(ask('drop it')).finalMessage();
    expect(final.content.some((b) => b.type === 'tool_use')).toBe(false);
    const refusal = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(refusal).toContain('blocked the tool call run_sql');
  });
});

describe('openai through sluiceDispatcher', () => {
  it('masks prompts and non-streamed completions, with the held bearer credential', async () => {
    openaiMock.enqueue({ text: [`mail me at ${SAMPLES.email}`] });
    const res = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: `ssn ${SAMPLES.ssn}` }] });
    const seen = openaiMock.requests.at(-1)!;
    expect(seen.json.messages[0].content).toBe('ssn [REDACTED:us-ssn]');
    expect(seen.headers.authorization).toBe('Bearer held-openai-key');
    expect(res.choices[0]!.message.content).toBe('mail me at [REDACTED:email]');
  });

  it('blocks a dangerous tool call in a completion', async () => {
    openaiMock.enqueue({ toolCalls: [{ name: 'shell', input: { cmd: 'rm -rf /' } }] });
    const err = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'tidy' }] }).catch((e: unknown) => e);
    expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_DENIED');
  });

  it('refuses a dangerous streamed tool call assembled from tool_calls deltas', async () => {
    openaiMock.enqueue({ toolCalls: [{ name: 'run_sql', input: { q: 'DROP TABLE users' }, chunks: ['{"q":"DROP', ' TABLE users"}'] }] });
    const stream = await openai.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'go' }] });
    let args = '';
    let text = '';
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.map((t) => t.function?.arguments ?? '').join('') ?? '';
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(args).not.toContain('DROP');
    expect(text).toContain('blocked the tool call run_sql');
  });

  it('masks a secret split across streamed content deltas', async () => {
    const cut = 9;
    openaiMock.enqueue({ text: ['key ', SAMPLES.slack.slice(0, cut), SAMPLES.slack.slice(cut), '.'] });
    const stream = await openai.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'go' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('key [REDACTED:slack-bot-token].');
  });
});

describe('fetch with the dispatcher', () => {
  it('refuses plain http to a non-loopback host before any connection', async () => {
    const err = await undiciFetch('http://api.example.com/v1/messages', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, dispatcher }).catch((e: unknown) => e);
    expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_INSECURE_TARGET');
  });

  it('answers malformed JSON with SLUICE_ERR_JSON_SYNTAX and forwards nothing', async () => {
    const before = anthropicMock.requests.length;
    const err = await undiciFetch(`${anthropicMock.url}/v1/messages`, { method: 'POST', body: '{"model": ', headers: { 'content-type': 'application/json' }, dispatcher }).catch((e: unknown) => e);
    expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_JSON_SYNTAX');
    expect(anthropicMock.requests.length).toBe(before);
  });
});
