/** @module pipeline/options.test — the built-in bundle is ensured (rebuilt when missing or stale) when no bundle is given. */
import { describe, it, expect } from 'vitest';
import { SluiceError, isSluiceError } from '../errors.js';
import { loadSiblings, type Siblings } from './seams.js';
import { resolveOptions } from './options.js';
import type { PolicyLike } from './types.js';

const POLICY: PolicyLike = { decide: () => ({ allow: true, reasons: [], mask: { detectors: ['*'], paths: [] }, patch: [], approval: null, record: true }) };

/** Real siblings with the policy seams replaced by recorders. */
async function siblings(ensure: () => Promise<string>): Promise<{ siblings: Siblings; loaded: unknown[]; ensured: { count: number } }> {
  const real = await loadSiblings();
  const loaded: unknown[] = [];
  const ensured = { count: 0 };
  return {
    loaded, ensured,
    siblings: {
      ...real,
      builtinBundlePath: () => '/pkg/rules/build/default.tar.gz',
      ensureBuiltinBundle: () => { ensured.count++; return ensure(); },
      loadPolicy: async (source) => { loaded.push(source); return POLICY; },
    },
  };
}

describe('resolveOptions: the policy bundle', () => {
  it('without a bundle option, ensures the built-in bundle and loads the path it returns', async () => {
    const s = await siblings(async () => '/pkg/rules/build/default.tar.gz');
    const opts = await resolveOptions({}, s.siblings);
    expect(s.ensured.count).toBe(1);
    expect(s.loaded).toEqual(['/pkg/rules/build/default.tar.gz']);
    expect(opts.policy).toBe(POLICY);
  });

  it('with a bundle option, loads it and never builds the built-in one', async () => {
    const s = await siblings(async () => { throw new Error('must not be called'); });
    await resolveOptions({ bundle: '/my/bundle.tar.gz' }, s.siblings);
    expect(s.ensured.count).toBe(0);
    expect(s.loaded).toEqual(['/my/bundle.tar.gz']);
  });

  it('a built-in bundle that is missing and cannot be built fails construction with a coded error saying `make rules`', async () => {
    const s = await siblings(async () => { throw new SluiceError('SLUICE_ERR_OPA_MISSING', 'no opa in SLUICE_OPA or PATH'); });
    const err = await resolveOptions({}, s.siblings).catch((e: unknown) => e);
    expect(isSluiceError(err, 'SLUICE_ERR_OPA_MISSING')).toBe(true);
    expect((err as SluiceError).message).toContain('run `make rules`');
    expect((err as SluiceError).message).toContain('/pkg/rules/build/default.tar.gz');
    expect((err as SluiceError).details.bundle).toBe('/pkg/rules/build/default.tar.gz');
    expect(s.loaded).toEqual([]);
  });

  it('an uncoded build failure becomes SLUICE_ERR_POLICY_LOAD', async () => {
    const s = await siblings(async () => { throw new Error('EACCES'); });
    const err = await resolveOptions({}, s.siblings).catch((e: unknown) => e);
    expect(isSluiceError(err, 'SLUICE_ERR_POLICY_LOAD')).toBe(true);
    expect((err as SluiceError).message).toContain('EACCES');
    expect((err as SluiceError).message).toContain('run `make rules`');
  });
});
