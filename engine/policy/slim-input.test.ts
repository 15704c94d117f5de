/** @module policy/slim-input.test — pruning keeps JSON semantics; decisions on pruned inputs equal full-input decisions. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from './build.js';
import type { PolicyEngine } from './engine.js';
import { loadPolicy } from './load-policy.js';
import { builtinPolicyDir, packageRoot } from './paths.js';
import { FIXTURE_ROOT, opaAvailable } from './rego-fixture.js';
import { DecisionReader } from './decision-reader.js';
import { toPolicyError } from './decision.js';
import { parseArtifact } from './load.js';
import { prepareRuntime, type PolicyRuntime } from './runtime.js';
import { createInputSlimmer } from './slim-input.js';
import type { PolicyInput } from './types.js';

const SHAPE = { keys: { a: { keys: { b: true } }, list: { keys: {}, items: { keys: { x: true } } }, c: { keys: {} } } } as const;

describe('createInputSlimmer', () => {
  const slim = createInputSlimmer(SHAPE);
  const json = (value: unknown) => JSON.stringify(slim(value));

  it('keeps only the keys the shape names, and every element of an iterated array', () => {
    const input = { a: { b: { deep: [1] }, drop: 1 }, list: [{ x: 1, y: 2 }, 3, null, [4]], c: { z: 1 }, other: 'x' };
    expect(json(input)).toBe('{"a":{"b":{"deep":[1]}},"list":[{"x":1},3,null,[4]],"c":{}}');
  });

  it('passes through whatever JSON.stringify would not read as plain own properties', () => {
    const date = new Date(0);
    class Box {
      constructor(readonly b = 1, readonly hidden = 2) {}
    }
    expect(json({ a: date })).toBe(JSON.stringify({ a: date }));
    expect(json({ a: new Box() })).toBe('{"a":{"b":1,"hidden":2}}');
    expect(json({ a: [1, { b: 2 }] })).toBe('{"a":[1,{"b":2}]}'); // an array where an object is expected
    expect(json({ list: { x: 1, y: 2 } })).toBe('{"list":{"x":1,"y":2}}'); // an object where an array is iterated
    expect(json({ a: { toJSON: () => 'j' } })).toBe('{"a":"j"}');
    expect(json('scalar')).toBe('"scalar"');
  });

  it('drops undefined, functions and symbols the way JSON.stringify does', () => {
    const input = { a: { b: undefined }, c: () => 1, list: [undefined, () => 1] };
    expect(json(input)).toBe(JSON.stringify({ a: {}, list: [null, null] }));
  });

  it('keeps the whole input for the shape `true` and for a shape naming __proto__', () => {
    const input = { a: 1, z: 2 };
    expect(createInputSlimmer(true)(input)).toBe(input);
    expect(createInputSlimmer({ keys: { ['__proto__']: true } })(input)).toBe(input);
  });
});

const examplesDir = join(packageRoot(), 'rules', 'examples');
const examples = readdirSync(examplesDir)
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
const mutatedInput = fc
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

describe.skipIf(!opaAvailable)('decide() on the pruned input equals the full-input decision (needs OPA)', () => {
  let engine: PolicyEngine;
  let reference: PolicyRuntime;
  beforeAll(async () => {
    const { out } = await buildBundle({ dir: builtinPolicyDir(), cacheDir: join(FIXTURE_ROOT, 'cache') });
    engine = await loadPolicy(out, { validateInput: false });
    reference = await prepareRuntime(parseArtifact(readFileSync(out), out), { memory: { initialPages: 8, maxPages: 1024 } });
  });

  const full = (input: unknown) => JSON.stringify(engine.decideJson(JSON.stringify(input)));
  const pruned = (input: unknown) => JSON.stringify(engine.decide(input as PolicyInput));
  /** The decision as the engine made it before pruning and the context API: one opa_eval of the full JSON. */
  const singleCall = (input: unknown) => {
    try {
      return JSON.stringify(new DecisionReader().read(reference.instance.evaluate(JSON.stringify(input), reference.entrypointId)));
    } catch (err) {
      return toPolicyError(err).code;
    }
  };
  const outcome = (decision: string) => (JSON.parse(decision) as { error?: { code: string } }).error?.code ?? decision;

  it('for every example input', () => {
    expect(examples.length).toBeGreaterThan(5);
    for (const input of examples) {
      expect(pruned(input)).toBe(full(input));
      expect(full(input)).toBe(singleCall(input));
    }
  });

  it('for randomized inputs (any JSON type at every path the rules read or skip)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(mutatedInput, (input) => {
        const decision = full(input);
        const { allow, approval, status, error } = JSON.parse(decision) as Record<string, any>;
        seen.add(`${allow} ${approval ? 'held' : ''} ${status ?? ''} ${error?.code ?? ''}`);
        expect(pruned(input)).toBe(decision);
        expect(outcome(decision)).toBe(singleCall(input).startsWith('SLUICE_ERR') ? singleCall(input) : decision);
      }),
      { numRuns: 400 },
    );
    expect(seen.size).toBeGreaterThan(3); // allows, denies, holds and failures all occurred
  });
});
