/** @module cli/doctor.test — `sluice doctor` reports the scanner engine and why, and fails when native is required but missing. */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './router.js';

async function doctor(args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await runCli(['doctor', ...args], { stdin: new PassThrough(), stdout, stderr: new PassThrough() });
  return { code, out: Buffer.concat(chunks).toString() };
}

describe('sluice doctor', () => {
  const saved = process.env.SLUICE_NATIVE_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.SLUICE_NATIVE_PATH;
    else process.env.SLUICE_NATIVE_PATH = saved;
  });

  it('prints node, scanner (engine and why), policy and opa checks', async () => {
    const { out } = await doctor([]);
    expect(out).toMatch(/^ok {4}node {5}v\d+\.\d+\.\d+$/m);
    expect(out).toMatch(/^(ok {4}|warn {2})scanner  (native|js) — .+; \d+ detectors compiled in \d+ ms; JSON strings scanned and decoded in (the addon|JS)$/m);
    // the native engine's maskers run the JSON string loops in the addon (built with it)
    expect(/scanner {2}native — .+ in the addon$|scanner {2}js — .+ in JS$/m.test(out)).toBe(true);
    expect(out).toMatch(/^\w+ +policy /m);
    expect(out).toMatch(/^\w+ +opa /m);
  }, 120_000);

  it('says why the JS scanner runs, and exits 1 with --require-native', async () => {
    process.env.SLUICE_NATIVE_PATH = '/nonexistent/sluice_hs.node';
    const { code, out } = await doctor(['--json', '--require-native']);
    const report = JSON.parse(out) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
    const scanner = report.checks.find((c) => c.name === 'scanner');
    expect(scanner).toMatchObject({ status: 'fail', detail: expect.stringContaining('/nonexistent/sluice_hs.node is missing') });
    expect(scanner!.detail).toMatch(/^js — .+ decoded in JS$/);
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  }, 120_000);
});
