/** @module policy/rules-differential.test — the tuned built-in rules decide exactly as their plain first form. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from './engine.js';
import { examples, mutatedInput } from './input-fixture.js';
import { loadPolicy } from './load-policy.js';
import { builtinPolicyDir } from './paths.js';
import { compileFixture, opaAvailable } from './rego-fixture.js';
import { REFERENCE_RULES } from './reference-rules.js';
import type { PolicyInput } from './types.js';

/** The built-in policy directory's files (tests left out), with `replaced` swapped in. */
function policyFiles(replaced: Record<string, string>): Record<string, string> {
  const dir = builtinPolicyDir();
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).filter((f) => /\.(rego|json)$/.test(f) && !f.endsWith('_test.rego'))) {
    files[name] = readFileSync(join(dir, name), 'utf8');
  }
  return { ...files, ...replaced };
}

describe.skipIf(!opaAvailable)('tuned built-in rules vs their plain form (needs OPA)', () => {
  let tuned: PolicyEngine;
  let plain: PolicyEngine;
  beforeAll(async () => {
    tuned = await loadPolicy(await compileFixture(policyFiles({})), { validateInput: false });
    plain = await loadPolicy(await compileFixture(policyFiles(REFERENCE_RULES)), { validateInput: false });
  });

  it('the reference really is another policy text', () => {
    for (const [name, text] of Object.entries(REFERENCE_RULES)) {
      expect(readFileSync(join(builtinPolicyDir(), name), 'utf8')).not.toBe(text);
    }
  });

  it('decide alike on every example input', () => {
    for (const input of examples) {
      expect(JSON.stringify(tuned.decide(input as unknown as PolicyInput))).toBe(JSON.stringify(plain.decide(input as unknown as PolicyInput)));
    }
  });

  it('decide alike on randomized inputs (any JSON type at every path the rules read)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(mutatedInput, (input) => {
        const expected = JSON.stringify(plain.decideJson(JSON.stringify(input)));
        const { allow, approval, status, error } = JSON.parse(expected) as Record<string, any>;
        seen.add(`${allow} ${approval ? 'held' : ''} ${status ?? ''} ${error?.code ?? ''}`);
        expect(JSON.stringify(tuned.decideJson(JSON.stringify(input)))).toBe(expected);
        expect(JSON.stringify(tuned.decide(input as PolicyInput))).toBe(expected); // the tuned policy's own pruned input
      }),
      { numRuns: 500 },
    );
    expect(seen.size).toBeGreaterThan(3); // allows, denies (401 and 403) and holds all occurred
  });
});
