/** @module approval/restart.test — a holder is SIGKILLed; after restart the approval (given via the CLI) passes exactly once. */
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApprovals } from './approvals.js';
import { createFileStore } from './file-store.js';
import { approvalRequestHash } from './hash.js';
import type { HoldRequest } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'sluice-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const identity = { authenticated: true, sub: 'agent-7', groups: ['agents'], method: 'oidc' };
const target = { method: 'POST', host: 'db.internal', path: '/sql' };
const request = (body: string, timeoutS: number): HoldRequest => ({
  kind: 'once', reason: 'DDL statement', approvers: ['dba'], timeoutS, identity, target, operationClass: 'sql:ddl',
  requestHash: approvalRequestHash({ ...target, body, identity }),
});

/** Start the holder, wait for its pending id, then SIGKILL it. */
async function holdAndKill(store: string, body: string): Promise<string> {
  // node itself with the tsx loader: the tsx CLI would run the script in a grandchild that SIGKILL cannot reach.
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/hold-child.ts'), store, body], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const id = await new Promise<string>((resolveId, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /PENDING (apr_[0-9a-f]+)/.exec(out);
      if (match) resolveId(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`holder exited early (${code}): ${err}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  expect(() => process.kill(child.pid!, 0)).toThrow(); // really gone: nothing can still consume the approval
  return id;
}

describe('approvals survive a SIGKILL and a restart', () => {
  it('pending resumes, the CLI approves, the retried identical request passes once and only once', async () => {
    const store = join(dir, 'approvals.jsonl');
    const id = await holdAndKill(store, 'DROP TABLE users');

    // A new process (this one) reopens the store and sees the approval still pending.
    const approvals = createApprovals({ store: await createFileStore({ path: store }), defaultTimeoutS: 1, pollIntervalMs: 20 });
    expect((await approvals.list()).map((r) => [r.id, r.state])).toEqual([[id, 'pending']]);

    // An approver decides from the CLI, in yet another process.
    const cli = await promisify(execFile)(tsx, [join(root, 'adapters/cli.ts'), 'approvals', 'approve', id, '--store', store, '--as', 'alice', '--group', 'dba']);
    expect(cli.stdout).toContain(`approved ${id} (once) by alice`);

    // The retried identical request passes exactly once.
    await expect(approvals.hold(request('DROP TABLE users', 0.3))).resolves.toMatchObject({ id, via: 'resumed', approvedBy: 'alice' });
    const second = await approvals.hold(request('DROP TABLE users', 0.3)).catch((e: unknown) => e);
    expect(second).toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT' });
    expect((second as { details: { approvalId: string } }).details.approvalId).not.toBe(id);

    // A different request (another hash) is not approved by it.
    const other = await approvals.hold(request('DROP TABLE orders', 0.3)).catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT' });

    // Reopened once more: the record is consumed (none granted twice), nothing was lost.
    const reopened = await createFileStore({ path: store });
    const states = Object.fromEntries((await reopened.list()).map((r) => [r.id, r.state]));
    expect(states[id]).toBe('consumed');
    expect(Object.values(states).sort()).toEqual(['consumed', 'expired', 'expired']);
  }, 60_000);
});
