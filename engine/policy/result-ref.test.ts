/** @module policy/result-ref.test — results found by address in wasm memory, and the decisions kept per address. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from './build.js';
import { DataValueDecisions } from './decision-reader.js';
import { parseArtifact } from './load.js';
import { builtinPolicyDir, packageRoot } from './paths.js';
import { compileFixture, FIXTURE_ROOT, opaAvailable, regoDecision } from './rego-fixture.js';
import { resultValueAddress } from './result-ref.js';
import { prepareRuntime, type PolicyRuntime } from './runtime.js';

const MEMORY = { initialPages: 8, maxPages: 1024 };
const example = (name: string) => readFileSync(join(packageRoot(), 'rules', 'examples', `${name}.json`), 'utf8');

async function runtimeOf(bundle: string): Promise<PolicyRuntime> {
  return prepareRuntime(parseArtifact(readFileSync(bundle), bundle), { memory: MEMORY });
}

describe('resultValueAddress', () => {
  it('finds nothing in memory that does not hold a one-element result set', () => {
    const view = Buffer.alloc(4096);
    expect(resultValueAddress(view, 0)).toBe(0);
    expect(resultValueAddress(view, 100)).toBe(0); // type tag 0
    view[100] = 7; // a set whose length is 0
    expect(resultValueAddress(view, 100)).toBe(0);
    view.writeUInt32LE(1, 112); // length 1, but buckets point outside memory
    view.writeUInt32LE(1, 108);
    view.writeUInt32LE(1 << 30, 104);
    expect(resultValueAddress(view, 100)).toBe(0);
    expect(resultValueAddress(view, 4095)).toBe(0);
  });
});

describe.skipIf(!opaAvailable)('evaluateToDataValue on real OPA modules (needs OPA)', () => {
  let builtin: PolicyRuntime;
  beforeAll(async () => {
    builtin = await runtimeOf((await buildBundle({ dir: builtinPolicyDir(), cacheDir: join(FIXTURE_ROOT, 'cache') })).out);
  });

  it('finds the built-in default decision in the data document, and reads computed decisions from memory', () => {
    const { instance, entrypointId } = builtin;
    const clean = example('clean-request');
    const address = instance.evaluateToDataValue(clean, entrypointId);
    expect(address).toBeGreaterThan(0); // the layout check passed: the fast path is live for this OPA version
    expect(instance.evaluateToDataValue(example('pii-response'), entrypointId)).toBe(address); // same data value
    const dumped = instance.dumpResult().toString('utf8', instance.resultStart, instance.resultEnd);
    expect(dumped).toBe(instance.evaluate(clean, entrypointId));
    // A hold builds a new object (object.union): not in the data document, read from memory as opa_eval dumps it.
    const held = example('drop-table-tool-call');
    expect(instance.evaluateToDataValue(held, entrypointId)).toBe(0);
    const read = JSON.stringify(instance.resultValue);
    expect(read).toBe(JSON.stringify((JSON.parse(instance.evaluate(held, entrypointId)) as { result: unknown }[])[0]!.result));
    expect(read).toContain('DROP TABLE'); // not a leftover of an earlier evaluation
  });

  it('dumps results built during evaluation, even when they equal a data value', async () => {
    const runtime = await runtimeOf(await compileFixture({ 'p.rego': `package sluice\n\ndecision := ${regoDecision()}\n` }));
    expect(runtime.instance.evaluateToDataValue('{}', runtime.entrypointId)).toBe(0);
  });

  it('DataValueDecisions: a fresh decision first, then one frozen decision per address; a new instance starts afresh', () => {
    const { instance, entrypointId } = builtin;
    const decisions = new DataValueDecisions();
    const address = instance.evaluateToDataValue(example('clean-request'), entrypointId);
    const first = decisions.read(instance, address);
    expect(Object.isFrozen(first)).toBe(false);
    const second = decisions.read(instance, address);
    expect(Object.isFrozen(second)).toBe(true);
    expect(second).toEqual(first);
    expect(decisions.read(instance, address)).toBe(second);
    const renewed = builtin.withData({ config: { ...(parseArtifact(readFileSync(builtin.artifact.origin)).data!.config as object), decision: { ...first, record: false } } });
    const other = renewed.instance.evaluateToDataValue(example('clean-request'), renewed.entrypointId);
    expect(other).toBeGreaterThan(0);
    expect(decisions.read(renewed.instance, other).record).toBe(false);
  });
});
