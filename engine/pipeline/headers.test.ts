/** @module pipeline/headers.test — normalization, framing after a rewrite, credentials, TLS target rules, LLM facts. */
import { describe, it, expect } from 'vitest';
import { injectCredentials, normalizeHeaders, reframe, validateCredentials } from './headers.js';
import { assertSecureTarget, isLoopback, resolveTls } from './tls.js';
import { detectApi, extractFacts } from './llm.js';

describe('framing', () => {
  it('never leaves both content-length and transfer-encoding; drops content-encoding when decoded', () => {
    const h = { 'Content-Length': '10', 'Transfer-Encoding': 'chunked', 'Content-Encoding': 'gzip', 'X-A': 'b' };
    expect(reframe(h, { decoded: true, length: 42 })).toEqual({ 'content-length': '42', 'x-a': 'b' });
    expect(reframe(h, { decoded: false })).toEqual({ 'content-encoding': 'gzip', 'x-a': 'b' });
  });
  it('merges repeated names from raw pairs', () => {
    expect(normalizeHeaders([['Set-Cookie', 'a'], ['set-cookie', 'b']])).toEqual({ 'set-cookie': ['a', 'b'] });
  });
});

describe('credentials held by Sluice', () => {
  const creds = validateCredentials({ 'API.example.com': { 'X-Api-Key': 'held-key' }, '127.0.0.1:9000': { authorization: 'Bearer held' } });
  it('strips what the app sent and injects the held credential for that host only', () => {
    expect(injectCredentials({ authorization: 'Bearer app', 'x-api-key': 'app' }, 'api.example.com', creds)).toEqual({ 'x-api-key': 'held-key' });
    expect(injectCredentials({ 'x-api-key': 'app' }, '127.0.0.1:9000', creds)).toEqual({ authorization: 'Bearer held' });
    expect(injectCredentials({ 'x-api-key': 'app' }, 'other.example.com', creds)).toEqual({ 'x-api-key': 'app' });
  });
  it('rejects empty credentials at construction', () => {
    expect(() => validateCredentials({ h: { 'x-api-key': '' } })).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INVALID_OPTIONS' }));
  });
});

describe('outbound TLS rules', () => {
  const tls = resolveTls(undefined);
  it('allows https anywhere and http only to loopback or listed hosts', () => {
    expect(() => assertSecureTarget('https:', 'api.anthropic.com', tls)).not.toThrow();
    expect(() => assertSecureTarget('http:', '127.0.0.1', tls)).not.toThrow();
    expect(() => assertSecureTarget('http:', 'api.anthropic.com', tls)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INSECURE_TARGET' }));
    expect(() => assertSecureTarget('http:', 'svc.internal', resolveTls({ insecureHosts: ['svc.internal'] }))).not.toThrow();
    expect(tls.minVersion).toBe('TLSv1.2');
  });
  it('knows loopback names', () => {
    expect([isLoopback('localhost'), isLoopback('[::1]'), isLoopback('127.8.0.1'), isLoopback('128.0.0.1')]).toEqual([true, true, true, false]);
  });
  it('validates options', () => {
    expect(() => resolveTls({ minVersion: 'TLSv1.1' as 'TLSv1.2' })).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INVALID_OPTIONS' }));
  });
});

describe('LLM facts', () => {
  it('detects the API by path', () => {
    expect([detectApi('/v1/messages?beta=true'), detectApi('/v1/chat/completions'), detectApi('/v1/responses'), detectApi('/api/x')])
      .toEqual(['anthropic-messages', 'openai-chat', 'openai-responses', null]);
  });
  it('extracts model, tools and response tool calls for each shape', () => {
    expect(extractFacts('anthropic-messages', 'request', { model: 'claude', stream: true, tools: [{ name: 'run_sql' }] }))
      .toEqual({ provider: 'anthropic', model: 'claude', stream: true, tools: ['run_sql'], tool_calls: [] });
    expect(extractFacts('anthropic-messages', 'response', { content: [{ type: 'tool_use', id: 't1', name: 'run_sql', input: { q: 1 } }] }).tool_calls)
      .toEqual([{ id: 't1', name: 'run_sql', input: { q: 1 } }]);
    expect(extractFacts('openai-chat', 'response', { choices: [{ message: { tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{"a":2}' } }] } }] }).tool_calls)
      .toEqual([{ id: 'c', name: 'f', input: { a: 2 } }]);
    expect(extractFacts('openai-responses', 'response', { output: [{ type: 'function_call', call_id: 'x', name: 'g', arguments: 'oops' }] }).tool_calls)
      .toEqual([{ id: 'x', name: 'g', input: { _raw: 'oops' } }]);
    expect(extractFacts('openai-chat', 'request', { tools: [{ type: 'function', function: { name: 'h' } }] }).tools).toEqual(['h']);
  });
});
