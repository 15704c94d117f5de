/** @module cli/policy-commands.test — `sluice build` and `sluice decide` as child processes: output, --help, exit codes 0/1/2. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../engine/index.js';
import { FIXTURE_ROOT, opaAvailable, writeFixture } from '../../engine/policy/rego-fixture.js';
import { runCli } from './router.js';

const root = packageRoot();
const example = (name: string) => join(root, 'rules', 'examples', `${name}.json`);
process.env.SLUICE_CACHE_DIR ??= FIXTURE_ROOT;

/** Run `sluice <args>` as a real child process (tsx adapters/cli.ts). */
function sluiceProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'adapters', 'cli.ts'), ...args], { cwd: root }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** Run the same router in-process (fast), with stdin content. */
async function sluice(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.stdout.push(c));
  stderr.on('data', (c: Buffer) => chunks.stderr.push(c));
  const code = await runCli(args, { stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}

describe.skipIf(!opaAvailable)('the sluice binary: exit codes 0 / 1 / 2 and --help (child processes; needs OPA)', () => {
  it('decide: 0 when allowed, 1 when denied, 2 on a usage error; --help exits 0', { timeout: 60_000 }, async () => {
    const [allowed, denied, usage, help] = await Promise.all([
      sluiceProcess(['decide', '--input', example('clean-request')]),
      sluiceProcess(['decide', '--input', example('aws-key-to-anthropic')]),
      sluiceProcess(['decide']),
      sluiceProcess(['build', '--help']),
    ]);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ allow: true, mask: { detectors: ['*'] } });
    expect(JSON.parse(denied.stdout)).toMatchObject({ allow: false, status: 403 });
    expect(usage.stderr).toContain('--input is required');
    expect(help.stdout).toContain('Usage: sluice build');
    expect([allowed.code, denied.code, usage.code, help.code]).toEqual([0, 1, 2, 0]);
  });
});

describe.skipIf(!opaAvailable)('sluice decide / build (in-process router; needs OPA)', () => {
  it('decide reads stdin with --input -', async () => {
    const { code, stdout } = await sluice(['decide', '--input', '-'], readFileSync(example('unauthenticated-api'), 'utf8'));
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ allow: false, status: 401 });
  });

  it('decide exits 2 on an unknown flag, an unreadable file, invalid JSON, or data that is not an object', async () => {
    const results = await Promise.all([
      sluice(['decide', '--input', example('clean-request'), '--frobnicate']),
      sluice(['decide', '--input', '/nonexistent.json']),
      sluice(['decide', '--input', '-'], '{not json'),
      sluice(['decide', '--input', example('clean-request'), '--data', example('../policies/nonexistent')]),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
  });

  it('decide --data replaces the policy data', async () => {
    const data = JSON.parse(readFileSync(join(root, 'rules', 'policies', 'data.json'), 'utf8')) as { config: { never_send_detectors: string[] } };
    data.config.never_send_detectors = [];
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'data.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify(data)));
    expect((await sluice(['decide', '--input', example('aws-key-to-anthropic'), '--data', file])).code).toBe(0);
  });

  it('build: 0 and a bundle, then cached; Rego errors exit 1; a missing -o exits 2', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'p.tar.gz');
    const dir = writeFixture({ 'p.rego': 'package sluice\n\ndecision := {"cli": true}\n' });
    expect((await sluice(['build', dir, '-o', out])).code).toBe(0);
    expect(readFileSync(out).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await sluice(['build', dir, '-o', out])).stdout).toMatch(/^up to date .*cached/);
    const bad = await sluice(['build', writeFixture({ 'p.rego': 'package sluice\n\ndecision := {\n' }), '-o', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SLUICE_ERR_POLICY_BUILD');
    expect((await sluice(['build', dir])).code).toBe(2);
  });
});
