/** @module cli/mask.test — `sluice mask` and `sluice scan` on files, stdin and --out-dir, with exit codes. */
import { describe, it, expect } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './router.js';

const AWS = 'AKIAIOSFODNN7EXAMPLE';

async function cli(argv: string[], stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c) => out.push(c));
  stderr.on('data', (c) => err.push(c));
  const code = await runCli(argv, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr });
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

describe('sluice mask / scan', () => {
  it('masks stdin to stdout', async () => {
    const r = await cli(['mask', '--engine', 'js'], JSON.stringify({ k: `key ${AWS}` }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ k: 'key [REDACTED:aws-access-key-id]' });
  });

  it('writes one output per input with --out-dir; a failing file gets no output and exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-mask-'));
    const outDir = mkdtempSync(join(tmpdir(), 'sluice-out-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify([AWS]));
    writeFileSync(join(dir, 'bad.json'), `{"x": "${AWS}"`);
    const r = await cli(['mask', '-e', 'js', '--out-dir', outDir, join(dir, 'a.json'), join(dir, 'bad.json')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(join(outDir, 'a.json'), 'utf8'))).toEqual(['[REDACTED:aws-access-key-id]']);
    expect(existsSync(join(outDir, 'bad.json'))).toBe(false);
    expect(r.err).toMatch(/bad\.json: SLUICE_ERR_JSON_SYNTAX/);
  });

  it('masks an SSE stream', async () => {
    const sse = `data: ${JSON.stringify({ note: `k ${AWS}` })}\n\n`;
    const r = await cli(['mask', '--format', 'sse', '-e', 'js'], sse);
    expect(r.out).toBe('data: {"note":"k [REDACTED:aws-access-key-id]"}\n\n');
  });

  it('scan prints findings as JSON lines with offsets and never the value', async () => {
    const body = JSON.stringify({ a: { b: `x ${AWS}` } });
    const r = await cli(['scan', '-e', 'js'], body);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(AWS);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ file: '<stdin>', detector: 'aws-access-key-id', category: 'secret', pointer: '/a/b', start: body.indexOf(AWS), end: body.indexOf(AWS) + 20 }]);
  });

  it('rejects a bad --format with exit 2', async () => {
    expect((await cli(['scan', '--format', 'xml'])).code).toBe(2);
  });
});
