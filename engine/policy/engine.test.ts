/** @module policy/engine.test — decide(): evaluation, fail-closed decisions per failure kind, fail-open counting, setData. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import { buildBundle } from './build.js';
import type { PolicyEngine } from './engine.js';
import type { PolicyInstance } from './evaluate.js';
import { loadPolicy } from './load-policy.js';
import { builtinPolicyDir, packageRoot } from './paths.js';
import { compileFixture, FIXTURE_ROOT, opaAvailable, regoDecision } from './rego-fixture.js';
import type { PolicyInput } from './types.js';
import { stubPolicyWasm } from './wasm-fixture.js';

const examplesDir = join(packageRoot(), 'rules', 'examples');
const example = (name: string) => JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8')) as PolicyInput;
const INPUT = example('clean-request');

async function fixtureEngine(rego: string, options: Parameters<typeof loadPolicy>[1] = {}): Promise<PolicyEngine> {
  return loadPolicy(await compileFixture({ 'p.rego': `package sluice\n\n${rego}\n` }), options);
}

describe.skipIf(!opaAvailable)('the built-in policy, compiled and evaluated in-process (needs OPA)', () => {
  let engine: PolicyEngine;
  beforeAll(async () => {
    const { out } = await buildBundle({ dir: builtinPolicyDir(), cacheDir: join(FIXTURE_ROOT, 'cache') });
    engine = await loadPolicy(out);
  });

  it('has a sample input for every rule, each with the expected outcome', () => {
    const outcomes = Object.fromEntries(
      readdirSync(examplesDir).map((file) => {
        const d = engine.decide(example(file.replace(/\.json$/, '')));
        expect(d.error).toBeUndefined();
        return [file, { allow: d.allow, status: d.status, approval: d.approval?.reason ?? null }];
      }),
    );
    expect(outcomes).toEqual({
      'clean-request.json': { allow: true, status: undefined, approval: null },
      'pii-response.json': { allow: true, status: undefined, approval: null },
      'aws-key-to-anthropic.json': { allow: false, status: 403, approval: null },
      'unauthenticated-api.json': { allow: false, status: 401, approval: null },
      'large-prompt.json': { allow: true, status: undefined, approval: 'prompt of 1048576 bytes exceeds 262144 bytes' },
      'drop-table-tool-call.json': { allow: true, status: undefined, approval: "tool call run_sql matches destructive pattern 'DROP TABLE'" },
      'http-delete.json': { allow: true, status: undefined, approval: 'destructive HTTP operation DELETE /api/orders/42' },
    });
  });

  it('masks every detector by default and names the approver group and timeout from data', () => {
    expect(engine.decide(example('pii-response')).mask).toEqual({ detectors: ['*'], paths: [] });
    expect(engine.decide(example('http-delete')).approval).toEqual({
      reason: 'destructive HTTP operation DELETE /api/orders/42',
      approvers: ['sluice-approvers'],
      timeout_s: 300,
      kind: 'once',
    });
  });

  it('returns frozen decisions, reused for identical results (from the second sighting)', () => {
    engine.decide(INPUT);
    const a = engine.decide(INPUT);
    const b = engine.decide({ ...INPUT, body: { bytes: 10, truncated: false } });
    expect(b).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.mask.detectors)).toBe(true);
  });

  it('reads results correctly before and after a large input grows the wasm memory', () => {
    engine.decide(INPUT);
    const before = engine.decide(INPUT);
    const bulky = { ...INPUT, http: { ...INPUT.http, headers: { 'x-bulk': 'b'.repeat(2 << 20) } } };
    expect(engine.decide(bulky)).toBe(before);
    // A field the policy reads (so it is written into wasm memory) larger than the memory: it has to grow.
    const memoryBytes = () => (engine as unknown as { runtime: { instance: PolicyInstance } }).runtime.instance.memoryView.length;
    const grownFrom = memoryBytes();
    const readBulky = { ...INPUT, findings: [{ ...INPUT.findings[0]!, detector: 'd'.repeat(2 << 20) }] };
    expect(engine.decide(readBulky)).toBe(before);
    expect(memoryBytes()).toBeGreaterThan(grownFrom);
    expect(engine.decide(example('http-delete')).approval?.reason).toBe('destructive HTTP operation DELETE /api/orders/42');
    expect(engine.decide(INPUT)).toBe(before);
  });
});

describe.skipIf(!opaAvailable)('malformed decisions fail closed with a code (needs OPA)', () => {
  it.each([
    ['a missing field', regoDecision({ record: '' }), 'SLUICE_ERR_DECISION_INVALID', /required property 'record'/],
    ['a wrong type', regoDecision({ allow: '"yes"' }), 'SLUICE_ERR_DECISION_INVALID', /allow must be boolean/],
    ['an unknown field', regoDecision({ alow: 'true' }), 'SLUICE_ERR_DECISION_INVALID', /additional properties/],
    ['an approval without approvers', regoDecision({ approval: '{"reason": "r", "approvers": [], "timeout_s": 5}' }), 'SLUICE_ERR_DECISION_INVALID', /approvers/],
    ['a bad JSON pointer', regoDecision({ mask: '{"detectors": [], "paths": ["user_id"]}' }), 'SLUICE_ERR_DECISION_INVALID', /paths/],
    ['a decision that is not an object', '"allow"', 'SLUICE_ERR_DECISION_INVALID', /must be object/],
  ])('%s', async (_label, decision, code, message) => {
    const engine = await fixtureEngine(`decision := ${decision}`);
    const d = engine.decide(INPUT);
    expect(d).toMatchObject({ allow: false, status: 500, mask: { detectors: ['*'] }, error: { code } });
    expect(d.error?.message).toMatch(message);
    expect(engine.stats).toMatchObject({ decisions: 1, denied: 1, errors: 1, failOpen: 0 });
  });

  it('an undefined result', async () => {
    const engine = await fixtureEngine(`decision := ${regoDecision()} if input.phase == "never"`);
    expect(engine.decide(INPUT).error?.code).toBe('SLUICE_ERR_POLICY_UNDEFINED');
  });

  it('a runtime error (conflicting values), after which the engine keeps deciding', async () => {
    const engine = await fixtureEngine(
      `decision := ${regoDecision()} if input.adapter == "undici"\n\ndecision := ${regoDecision({ allow: 'false' })} if input.phase == "request"`,
    );
    const d = engine.decide(INPUT);
    expect(d.error).toMatchObject({ code: 'SLUICE_ERR_POLICY_EVAL', message: expect.stringMatching(/conflict/) });
    expect(engine.decide({ ...INPUT, phase: 'response' }).allow).toBe(true);
  });

  it('an input that exhausts the policy memory, and one nested too deep for the wasm stack', async () => {
    const engine = await fixtureEngine(`decision := ${regoDecision({ record: 'count(input.big) > 0' })}`, {
      memory: { initialPages: 2, maxPages: 24 },
    });
    expect(engine.decideJson(JSON.stringify({ big: new Array(100_000).fill(1) })).error?.message).toMatch(/opa_malloc/);
    const deep = `{"big":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(engine.decideJson(deep).error?.code).toBe('SLUICE_ERR_POLICY_EVAL');
    expect(engine.decideJson('{"big":[1]}')).toMatchObject({ allow: true, record: true });
  });

  it('an invalid input is refused before evaluation', async () => {
    const engine = await fixtureEngine(`decision := ${regoDecision()}`);
    const d = engine.decide({ ...INPUT, phase: 'sideways' } as never);
    expect(d.error?.code).toBe('SLUICE_ERR_INPUT_INVALID');
    expect(engine.decide(undefined as never).error?.code).toBe('SLUICE_ERR_INPUT_INVALID');
    expect(engine.decide({ ...INPUT, http: { ...INPUT.http, headers: { accept: ['a', 'b'] } } }).error).toBeUndefined();
  });

  it('fail-open allows, still masks everything, and is counted', async () => {
    const engine = await fixtureEngine(`decision := ${regoDecision({ record: '' })}`, { failOpen: true });
    const d = engine.decide(INPUT);
    expect(d).toMatchObject({ allow: true, mask: { detectors: ['*'] }, error: { code: 'SLUICE_ERR_DECISION_INVALID' } });
    expect(d.status).toBeUndefined();
    expect(engine.stats).toMatchObject({ decisions: 1, allowed: 1, errors: 1, failOpen: 1 });
  });
});

describe('wasm traps and unreadable results (hand-assembled modules)', () => {
  it('a trap (unreachable) is a deny with SLUICE_ERR_POLICY_EVAL, and the next call still runs', async () => {
    const engine = await loadPolicy(stubPolicyWasm({ evalResult: 'trap' }));
    for (let i = 0; i < 2; i++) expect(engine.decide(INPUT).error).toMatchObject({ code: 'SLUICE_ERR_POLICY_EVAL', message: expect.stringMatching(/wasm trap: unreachable/) });
    expect(engine.stats.errors).toBe(2);
  });

  it.each([
    ['a result that is not JSON', 'not json', 'SLUICE_ERR_POLICY_EVAL'],
    ['a result that is not a result set', '{"result":1}', 'SLUICE_ERR_POLICY_EVAL'],
    ['several results', '[{"result":1},{"result":2}]', 'SLUICE_ERR_DECISION_INVALID'],
    ['an empty result set', '[]', 'SLUICE_ERR_POLICY_UNDEFINED'],
  ])('%s', async (_label, evalResult, code) => {
    const engine = await loadPolicy(stubPolicyWasm({ evalResult }));
    expect(engine.decide(INPUT)).toMatchObject({ allow: false, error: { code } });
  });
});

describe.skipIf(!opaAvailable)('policy data (needs OPA)', () => {
  it('setData replaces the data document atomically; invalid data is refused and the old data keeps serving', async () => {
    const engine = await fixtureEngine(`decision := ${regoDecision({ allow: 'input.body.bytes <= data.limits.max' })}`, {
      data: { limits: { max: 5000 } },
    });
    expect(engine.decide(INPUT).allow).toBe(true);
    engine.setData({ limits: { max: 100 } });
    expect(engine.decide(INPUT).allow).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [cyclic, [1, 2], null]) {
      let err: unknown;
      try {
        engine.setData(bad as never);
      } catch (e) {
        err = e;
      }
      expect(isSluiceError(err, 'SLUICE_ERR_POLICY_DATA')).toBe(true);
    }
    expect(engine.decide({ ...INPUT, body: { bytes: 99, truncated: false } }).allow).toBe(true);
    expect(engine.decide(INPUT).allow).toBe(false);
  });
});
