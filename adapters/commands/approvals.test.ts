/** @module cli/approvals.test — `sluice approvals` over a store file and over a service's HTTP routes. */
import { describe, it, expect, afterAll } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalRequestHash, approvalRoutes, createApprovals, createFileStore, createMemoryStore, type HoldRequest } from '../../engine/index.js';
import { runCliCaptured } from './cli-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-approvals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCliCaptured;

const identity = { authenticated: true, sub: 'agent-7', groups: ['agents'], method: 'oidc' };
const target = { method: 'POST', host: 'db.internal', path: '/sql' };
const request = (body: string): HoldRequest => ({
  kind: 'once', reason: 'DDL statement', approvers: ['dba'], timeoutS: 30, identity, target, operationClass: 'sql:ddl',
  requestHash: approvalRequestHash({ ...target, body, identity }),
});

async function pending(approvals: ReturnType<typeof createApprovals>, n: number): Promise<string[]> {
  for (;;) {
    const list = await approvals.list();
    if (list.length >= n) return list.map((r) => r.id);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('sluice approvals --store', () => {
  it('lists, approves and denies; refusals exit 1 and usage errors exit 2', async () => {
    const store = join(dir, 'approvals.jsonl');
    const approvals = createApprovals({ store: await createFileStore({ path: store }), defaultTimeoutS: 30, pollIntervalMs: 10 });
    const a = approvals.hold(request('DROP TABLE a'));
    const b = approvals.hold(request('DROP TABLE b')).catch((e: unknown) => e); // it is denied before we await it
    const [idA, idB] = await pending(approvals, 2);
    const list = await run(['approvals', 'list', '--store', store]);
    expect(list.code).toBe(0);
    expect(list.out).toContain(`${idA}  pending  once  agent-7 → POST db.internal/sql [sql:ddl] approvers: dba`);
    expect(JSON.parse((await run(['approvals', 'list', '--store', store, '--json'])).out)).toHaveLength(2);
    const forbidden = await run(['approvals', 'approve', idA!, '--store', store, '--as', 'bob', '--group', 'dev']);
    expect(forbidden).toMatchObject({ code: 1 });
    expect(forbidden.err).toMatch(/SLUICE_ERR_APPROVER_FORBIDDEN/);
    expect((await run(['approvals', 'approve', idA!, '--store', store, '--as', 'alice', '--group', 'ops', '--group', 'dba'])).out).toBe(`approved ${idA} (once) by alice\n`);
    expect((await run(['approvals', 'deny', idB!, '--store', store, '--as', 'alice', '--group', 'dba'])).code).toBe(0);
    await expect(a).resolves.toMatchObject({ id: idA });
    expect(await b).toMatchObject({ code: 'SLUICE_ERR_APPROVAL_DENIED' });
    expect((await run(['approvals', 'approve', idA!, '--store', store, '--as', 'alice', '--group', 'dba'])).err).toMatch(/APPROVAL_NOT_FOUND.*consumed/);
    expect((await run(['approvals', 'list', '--store', store])).out).toBe('no pending approvals\n');
    expect((await run(['approvals', 'list', '--store', store, '--all'])).out).toContain('consumed');
    expect((await run(['approvals', 'approve', idA!, '--store', store])).code).toBe(2); // no --as
    expect((await run(['approvals', 'list'])).code).toBe(2);
    expect((await run(['approvals', 'frobnicate', '--store', store])).code).toBe(2);
  });
});

describe('sluice approvals --url', () => {
  it('decides through a running service, authenticated by the bearer token', async () => {
    const approvals = createApprovals({ store: createMemoryStore(), defaultTimeoutS: 30, pollIntervalMs: 10 });
    const tokens: Record<string, { authenticated: boolean; sub: string; groups: string[] }> = {
      alice: { authenticated: true, sub: 'alice', groups: ['dba'] },
      bob: { authenticated: true, sub: 'bob', groups: ['dev'] },
    };
    const handle = approvalRoutes(approvals, {
      authenticate: async (h) => tokens[String(h.authorization).replace('Bearer ', '')] ?? { authenticated: false, sub: null, groups: [] },
    });
    const server = createServer(async (req, res) => {
      const r = await handle({ method: req.method!, path: req.url!, headers: req.headers });
      res.writeHead(r.status, r.headers).end(r.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/approvals`;
    try {
      const held = approvals.hold(request('DROP TABLE a'));
      const [id] = await pending(approvals, 1);
      expect((await run(['approvals', 'list', '--url', url, '--token', 'alice'])).out).toContain(id);
      expect((await run(['approvals', 'list', '--url', url, '--token', 'bob'])).out).toBe('no pending approvals\n');
      const denied = await run(['approvals', 'approve', id!, '--url', url, '--token', 'bob']);
      expect(denied.code).toBe(1);
      expect(denied.err).toMatch(/SLUICE_ERR_APPROVER_FORBIDDEN: .*HTTP 403/);
      expect((await run(['approvals', 'approve', id!, '--url', url])).err).toMatch(/HTTP 401/);
      expect((await run(['approvals', 'approve', id!, '--url', url, '--token', 'alice'])).out).toBe(`approved ${id} (once) by alice\n`);
      await expect(held).resolves.toMatchObject({ id, approvedBy: 'alice' });
      expect((await run(['approvals', 'approve', id!, '--url', url, '--as', 'x'])).code).toBe(2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
