/** @module policy/slim-input.test — pruning keeps JSON semantics; decisions on pruned inputs equal full-input decisions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from './build.js';
import type { PolicyEngine } from './engine.js';
import { loadPolicy } from './load-policy.js';
import { builtinPolicyDir } from './paths.js';
import { FIXTURE_ROOT, opaAvailable } from './rego-fixture.js';
import { DecisionReader } from './decision-reader.js';
import { toPolicyError } from './decision.js';
import { parseArtifact } from './load.js';
import { prepareRuntime, type PolicyRuntime } from './runtime.js';
import { createInputSlimmer } from './slim-input.js';
import { examples, mutatedInput } from './input-fixture.js';
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
