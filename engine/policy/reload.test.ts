/** @module policy/reload.test — hot reload: atomic swap on success, the old policy keeps serving on failure. */
import { copyFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SluiceError } from '../errors.js';
import { loadPolicy } from './load-policy.js';
import { compileFixture, opaAvailable, regoDecision } from './rego-fixture.js';
import { stubPolicyWasm } from './wasm-fixture.js';

const INPUT = { phase: 'request', adapter: 'undici', identity: { authenticated: true }, http: { method: 'POST', host: 'h', path: '/' }, llm: null, findings: [], body: { bytes: 1 } } as never;

describe.skipIf(!opaAvailable)('hot reload (needs OPA)', () => {
  let allowBundle: string;
  let denyBundle: string;
  beforeAll(async () => {
    allowBundle = await compileFixture({ 'p.rego': `package sluice\n\ndecision := ${regoDecision({ reasons: '["v1"]' })}\n` });
    denyBundle = await compileFixture({ 'p.rego': `package sluice\n\ndecision := ${regoDecision({ allow: 'false', reasons: '["v2"]' })}\n` });
  });

  function workFile(from: string): string {
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-reload-')), 'policy.tar.gz');
    copyFileSync(from, path);
    return path;
  }

  it('reload() swaps in the new policy from the same path', async () => {
    const path = workFile(allowBundle);
    const engine = await loadPolicy(path);
    expect(engine.decide(INPUT).reasons).toEqual(['v1']);
    copyFileSync(denyBundle, path);
    await engine.reload();
    expect(engine.decide(INPUT)).toMatchObject({ allow: false, reasons: ['v2'] });
    expect(engine.stats).toMatchObject({ reloads: 1, reloadFailures: 0 });
  });

  it('a bundle that fails to load leaves the old one serving and rejects with a coded error', async () => {
    const path = workFile(allowBundle);
    const engine = await loadPolicy(path);
    writeFileSync(path, 'garbage');
    await expect(engine.reload()).rejects.toMatchObject({ code: 'SLUICE_ERR_POLICY_LOAD' });
    await expect(engine.reload(stubPolicyWasm({ abiMajor: 2 }))).rejects.toMatchObject({ code: 'SLUICE_ERR_POLICY_ABI' });
    expect(engine.decide(INPUT)).toMatchObject({ allow: true, reasons: ['v1'] });
    expect(engine.stats).toMatchObject({ reloads: 0, reloadFailures: 2 });
    await engine.reload(denyBundle);
    expect(engine.decide(INPUT).reasons).toEqual(['v2']);
  });

  it('watch reloads on change (atomic rename included) and reports failures without dropping the old policy', async () => {
    const path = workFile(allowBundle);
    const events: (SluiceError | null)[] = [];
    let notify: () => void = () => {};
    const engine = await loadPolicy(path, {
      watch: { debounceMs: 20, onReload: (err) => (events.push(err), notify()) },
    });
    const next = () => new Promise<void>((resolve) => (notify = resolve));
    try {
      let reloaded = next();
      copyFileSync(denyBundle, `${path}.new`);
      renameSync(`${path}.new`, path);
      await reloaded;
      expect(events).toEqual([null]);
      expect(engine.decide(INPUT).reasons).toEqual(['v2']);

      reloaded = next();
      writeFileSync(path, 'garbage');
      await reloaded;
      expect(events[1]).toMatchObject({ code: 'SLUICE_ERR_POLICY_LOAD' });
      expect(engine.decide(INPUT).reasons).toEqual(['v2']);
    } finally {
      engine.close();
    }
  });
});
