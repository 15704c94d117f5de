/** @module policy/input-fixture — test helper: the example inputs, and random inputs built from them (fast-check). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { packageRoot } from './paths.js';

const examplesDir = join(packageRoot(), 'rules', 'examples');
/** Every input in rules/examples. */
export const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(examplesDir, f), 'utf8')) as Record<string, unknown>);

/** Mostly one of the given values the rules look for, sometimes any JSON value (wrong types included). */
const field = <T>(...values: T[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 6 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });
const text = field('DROP TABLE t', 'rm -rf /', 'delete from t', 'delete from t where a', 'kubectl\tdelete x', 'ls', '');
const toolCall = fc.record({
  id: fc.string(),
  name: field('run', 'sql'),
  input: fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), text, { maxKeys: 3 }), fc.array(text, { maxLength: 2 }), text),
});
const finding = fc.record(
  { detector: field('email', 'private-key', 'aws-access-key-id'), category: field('pii', 'secret'), path: field('/x'), count: field(1) },
  { requiredKeys: [] },
);

/** An example with random replacements (any JSON type) at the paths the rules read and the paths they skip. */
export const mutatedInput = fc
  .record({
    base: fc.constantFrom(...examples),
    phase: field('request', 'response', 'tool_call'),
    adapter: field('express', 'fastify', 'undici'),
    authenticated: field(true, false),
    method: field('DELETE', 'GET', 'POST'),
    host: field('api.openai.com', 'api.anthropic.com', 'internal.example'),
    path: field('/api/orders/1', '/admin/x', '/v1/messages'),
    provider: field('anthropic', 'vllm'),
    llm: field('keep', null),
    toolCalls: fc.array(toolCall, { maxLength: 3 }),
    findings: fc.oneof({ arbitrary: fc.array(finding, { maxLength: 3 }), weight: 6 }, { arbitrary: fc.jsonValue(), weight: 1 }),
    bytes: field(0, 4096, 262144, 262145, 999999),
    extra: fc.jsonValue({ maxDepth: 2 }),
  })
  .map((r) => {
    const base = structuredClone(r.base) as Record<string, any>;
    base.phase = r.phase;
    base.adapter = r.adapter;
    base.identity = { ...base.identity, authenticated: r.authenticated, claims: { extra: r.extra } };
    base.http = { ...base.http, method: r.method, host: r.host, path: r.path, headers: { x: r.extra } };
    base.llm = r.llm === 'keep' ? { ...base.llm, provider: r.provider, tool_calls: r.toolCalls } : r.llm;
    base.findings = r.findings;
    base.body = { ...base.body, bytes: r.bytes };
    return base;
  });
