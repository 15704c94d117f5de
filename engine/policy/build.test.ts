/** @module policy/build.test — finding OPA, `opa build -t wasm` and the content-hash cache. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import { buildBundle, policyHash } from './build.js';
import { parseArtifact } from './load.js';
import { findOpa } from './opa.js';
import { opaAvailable, writeFixture } from './rego-fixture.js';

const POLICY = { 'p.rego': 'package sluice\n\ndecision := {"n": data.config.n}\n', 'data.json': '{"config":{"n":1}}' };

/** An opa wrapper that appends one line per invocation (`build wasm`, `build plan`, …) to a log, then runs the real opa. */
function countingOpa(dir: string): { opa: string; builds: () => number } {
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const opa = join(dir, 'opa');
  writeFileSync(opa, `#!/bin/sh\necho "$1 $3" >> '${log}'\nexec '${findOpa()}' "$@"\n`);
  chmodSync(opa, 0o755);
  return { opa, builds: () => readFileSync(log, 'utf8').split('\n').filter((l) => l === 'build wasm').length };
}

describe.skipIf(!opaAvailable)('buildBundle (needs the OPA compiler: make opa)', () => {
  it('compiles a directory into a wasm bundle and serves an unchanged policy from the cache without running opa', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sluice-build-'));
    const dir = writeFixture({ ...POLICY, 'q.rego': `package other\n\nx := ${Date.now()}\n` }); // unique: first build is real
    const { opa, builds } = countingOpa(work);
    const cacheDir = join(work, 'cache');
    const first = await buildBundle({ dir, out: join(work, 'a.tar.gz'), cacheDir, opa });
    expect(first.cached).toBe(false);
    expect(builds()).toBe(1);
    const artifact = parseArtifact(readFileSync(first.out));
    expect(artifact.data).toEqual({ config: { n: 1 } });
    expect(artifact.manifest?.wasm?.[0]?.entrypoint).toBe('sluice/decision');

    const second = await buildBundle({ dir, out: join(work, 'b.tar.gz'), cacheDir, opa });
    expect(second).toMatchObject({ cached: true, hash: first.hash });
    expect(builds()).toBe(1);
    expect(readFileSync(second.out)).toEqual(readFileSync(first.out));

    writeFileSync(join(dir, 'data.json'), '{"config":{"n":2}}');
    const third = await buildBundle({ dir, out: join(work, 'c.tar.gz'), cacheDir, opa });
    expect(third.cached).toBe(false);
    expect(builds()).toBe(2);
    expect(parseArtifact(readFileSync(third.out)).data).toEqual({ config: { n: 2 } });
  });

  it('keys the cache on entrypoints and ignores *_test.rego files', async () => {
    const dir = writeFixture(POLICY);
    const base = await policyHash(dir, '1.22.0', ['sluice/decision']);
    expect(await policyHash(dir, '1.22.0', ['sluice/other'])).not.toBe(base);
    expect(await policyHash(dir, '1.23.0', ['sluice/decision'])).not.toBe(base);
    writeFileSync(join(dir, 'p_test.rego'), 'package sluice_test\n\ntest_x if true\n');
    expect(await policyHash(dir, '1.22.0', ['sluice/decision'])).toBe(base);
  });

  it('reports Rego errors as SLUICE_ERR_POLICY_BUILD with the compiler message', async () => {
    const dir = writeFixture({ 'bad.rego': 'package sluice\n\ndecision := {\n' });
    const err = await buildBundle({ dir, cacheDir: join(tmpdir(), 'sluice-build-bad') }).catch((e: unknown) => e);
    expect(isSluiceError(err, 'SLUICE_ERR_POLICY_BUILD')).toBe(true);
    expect((err as Error).message).toMatch(/bad\.rego/);
  });
});

describe('findOpa', () => {
  it('says exactly what to install when the configured binary is missing', () => {
    const err = (() => {
      try {
        return findOpa('/nonexistent/opa');
      } catch (e) {
        return e;
      }
    })();
    expect(isSluiceError(err, 'SLUICE_ERR_OPA_MISSING')).toBe(true);
    expect((err as Error).message).toContain('make setup');
    expect((err as Error).message).toContain('go install github.com/open-policy-agent/opa@v1.22.0');
    expect((err as Error).message).toContain('cd rules/toolchain && go build -o bin/opa github.com/open-policy-agent/opa');
  });

  it('rejects a policy directory without Rego before looking for opa output', async () => {
    const dir = writeFixture({ 'data.json': '{}' });
    await expect(policyHash(dir, 'v', [])).rejects.toMatchObject({ code: 'SLUICE_ERR_POLICY_BUILD' });
  });
});
