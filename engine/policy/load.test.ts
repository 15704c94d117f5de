/** @module policy/load.test — loading raw wasm and bundle tar.gz, and the ABI check. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import { checkAbi, readExportedGlobals } from './abi.js';
import { parseArtifact } from './load.js';
import { loadPolicy } from './load-policy.js';
import { compileFixture, FIXTURE_ROOT, opaAvailable, regoDecision, writeFixture } from './rego-fixture.js';
import { stubPolicyWasm } from './wasm-fixture.js';

const INPUT = { phase: 'request', adapter: 'undici', identity: { authenticated: true }, http: { method: 'POST', host: 'h', path: '/' }, llm: null, findings: [], body: { bytes: 1 } } as const;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => new Error('expected a rejection'), (err: unknown) => err);
}

describe('ABI check (hand-assembled modules)', () => {
  it('reads the exported ABI globals without instantiating', () => {
    expect(checkAbi(stubPolicyWasm({ abiMajor: 1, abiMinor: 3 }))).toEqual({ major: 1, minor: 3 });
  });

  it.each([
    ['major version 2', { abiMajor: 2 }, /ABI 2\.3 is not supported/],
    ['minor version 1 (no single-call opa_eval)', { abiMinor: 1 }, /ABI 1\.1 is not supported/],
    ['no ABI global', { omit: 'opa_wasm_abi_version' }, /not an OPA policy/],
    ['no opa_eval export', { omit: 'opa_eval' }, /no opa_eval/],
  ])('rejects %s with SLUICE_ERR_POLICY_ABI', async (_label, options, message) => {
    const err = await rejection(loadPolicy(stubPolicyWasm(options)));
    expect(isSluiceError(err, 'SLUICE_ERR_POLICY_ABI')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('rejects bytes that are neither wasm nor a bundle, and a corrupt bundle', async () => {
    expect(await rejection(loadPolicy(new TextEncoder().encode('package sluice')))).toMatchObject({ code: 'SLUICE_ERR_POLICY_LOAD' });
    const corrupt = gzipSync(Buffer.from('this is not a tar archive'.repeat(40)));
    expect(await rejection(loadPolicy(corrupt))).toMatchObject({ code: 'SLUICE_ERR_POLICY_LOAD' });
    expect(await rejection(loadPolicy('/nonexistent/policy.tar.gz'))).toMatchObject({ code: 'SLUICE_ERR_POLICY_LOAD' });
  });
});

describe.skipIf(!opaAvailable)('loading compiled policies (needs the OPA compiler: make opa)', () => {
  let bundle: Buffer;
  beforeAll(async () => {
    const path = await compileFixture({
      'p.rego': `package sluice\n\ndecision := ${regoDecision({ allow: 'input.body.bytes < data.limits.max_bytes' })}\n`,
      'limits/data.json': '{"max_bytes": 10}',
    });
    bundle = readFileSync(path);
  });

  it('loads a bundle .tar.gz: wasm, nested data.json and manifest', async () => {
    const artifact = parseArtifact(bundle, 'fixture');
    expect(artifact.data).toEqual({ limits: { max_bytes: 10 } });
    expect(artifact.manifest?.wasm).toEqual([{ entrypoint: 'sluice/decision', module: '/policy.wasm' }]);
    const engine = await loadPolicy(bundle);
    expect(engine.decide(INPUT as never).allow).toBe(true);
    expect(engine.decide({ ...INPUT, body: { bytes: 11 } } as never).allow).toBe(false);
    expect(engine.info).toMatchObject({ entrypoint: 'sluice/decision', entrypoints: ['sluice/decision'], abi: '1.3' });
  });

  it('loads the raw .wasm of the same policy, with data given as an option', async () => {
    const { wasm } = parseArtifact(bundle);
    const withoutData = await loadPolicy(wasm);
    expect(withoutData.decide(INPUT as never).error?.code).toBe('SLUICE_ERR_POLICY_UNDEFINED');
    const withData = await loadPolicy(wasm, { data: { limits: { max_bytes: 2 } } });
    expect(withData.decide(INPUT as never).allow).toBe(true);
    expect(withData.decide({ ...INPUT, body: { bytes: 2 } } as never).allow).toBe(false);
  });

  it('locates the ABI globals of a real OPA module, and a patched copy is rejected', async () => {
    const wasm = new Uint8Array(parseArtifact(bundle).wasm);
    const global = readExportedGlobals(wasm).get('opa_wasm_abi_version')!;
    expect(global.value).toBe(1);
    wasm[global.offset] = 2; // i32.const 1 → i32.const 2 (same one-byte LEB)
    expect(await rejection(loadPolicy(wasm))).toMatchObject({ code: 'SLUICE_ERR_POLICY_ABI' });
  });

  it('loads a directory of Rego by compiling it (cached)', async () => {
    const dir = writeFixture({ 'p.rego': `package sluice\n\ndecision := ${regoDecision({ reasons: '["from a directory"]' })}\n` });
    const engine = await loadPolicy(dir, { build: { cacheDir: join(FIXTURE_ROOT, 'cache') } });
    expect(engine.decide(INPUT as never).reasons).toEqual(['from a directory']);
    expect(engine.info.origin).toBe(dir);
  });

  it('rejects an unknown entrypoint, naming the ones the policy has', async () => {
    const err = await rejection(loadPolicy(bundle, { entrypoint: 'sluice/nope' }));
    expect(isSluiceError(err, 'SLUICE_ERR_POLICY_ENTRYPOINT')).toBe(true);
    expect((err as Error).message).toContain('sluice/decision');
  });

  it('validates options at construction', async () => {
    expect(await rejection(loadPolicy(bundle, { memory: { maxPages: 0 } }))).toMatchObject({ code: 'SLUICE_ERR_INVALID_OPTIONS' });
    expect(await rejection(loadPolicy(bundle, { watch: true }))).toMatchObject({ code: 'SLUICE_ERR_INVALID_OPTIONS' });
    expect(await rejection(loadPolicy(bundle, { failOpen: 'yes' as never }))).toMatchObject({ code: 'SLUICE_ERR_INVALID_OPTIONS' });
  });
});
