/** @module cli/audit.test — `sluice audit verify` and `sluice replay` through the real router. */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditEvent } from '../../engine/index.js';
import { runCliCaptured } from './cli-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCliCaptured;

const event = (sessionId: string, exchangeId: string, phase: AuditEvent['phase']): AuditEvent => ({
  sessionId, exchangeId, phase, adapter: 'express',
  identity: { authenticated: true, sub: 'agent-7', groups: ['agents'], method: 'oidc' },
  target: { method: 'GET', host: 'api.internal', path: '/customers/7', status: phase === 'response' ? 200 : null },
  decision: { allow: true, reasons: [] },
  findings: phase === 'response' ? [{ detector: 'email', category: 'pii', path: '/email', count: 1 }] : [],
  body: phase === 'response' ? '{"email":"[REDACTED:email]"}' : null,
});

async function writeLog(name: string): Promise<string> {
  const path = join(dir, name);
  const log = createAuditLog({ path });
  for (const [s, x] of [['s1', 'x1'], ['s2', 'x2']] as const) {
    await log.append(event(s, x, 'request'));
    await log.append(event(s, x, 'response'));
  }
  await log.close();
  return path;
}

describe('sluice audit verify', () => {
  it('exits 0 for intact logs and 1 naming the first bad seq for a tampered one', async () => {
    const good = await writeLog('good.jsonl');
    const bad = await writeLog('bad.jsonl');
    const ok = await run(['audit', 'verify', good]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok {2}.*good\.jsonl: 6 records, 4 events, 0 checkpoints, 1 file\(s\), sealed, head [0-9a-f]{64}$/m);
    writeFileSync(bad, readFileSync(bad, 'utf8').replace('[REDACTED:email]', 'alice@example.com'));
    const tampered = await run(['audit', 'verify', good, bad]);
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/BAD .*bad\.jsonl: first bad seq 2 at .*bad\.jsonl:3: hash mismatch/);
    expect(JSON.parse((await run(['audit', 'verify', good, '--json'])).out)[0]).toMatchObject({ ok: true, events: 4 });
    expect((await run(['audit', 'verify', good, '--anchor', `5:${'0'.repeat(64)}`])).code).toBe(1);
    expect((await run(['audit', 'verify', good, '--anchor', 'nope'])).code).toBe(2);
    expect((await run(['audit', 'verify'])).code).toBe(2);
    expect((await run(['audit', 'verify', join(dir, 'missing.jsonl')])).code).toBe(1);
  });
});

describe('sluice replay', () => {
  it('prints the timeline of one session', async () => {
    const path = await writeLog('replay.jsonl');
    const result = await run(['replay', path, '--session', 's2']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^log verified: 4 events/);
    expect(result.out).toContain('session s2\n  exchange x2 · agent-7 (oidc) · express');
    expect(result.out).toMatch(/response GET api\.internal\/customers\/7 200 → allow · findings email×1\n {6}body: \{"email":"\[REDACTED:email\]"\}/);
    expect(result.out).not.toContain('session s1');
    expect((await run(['replay'])).code).toBe(2);
  });
});
