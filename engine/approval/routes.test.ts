/** @module approval/routes.test — the framework-agnostic approver routes: auth, group checks, status codes. */
import { describe, it, expect } from 'vitest';
import { createApprovals } from './approvals.js';
import { approvalRequestHash } from './hash.js';
import { createMemoryStore } from './memory-store.js';
import { approvalRoutes } from './routes.js';
import type { ApprovalIdentity, HoldRequest } from './types.js';

const users: Record<string, ApprovalIdentity> = {
  'token-alice': { authenticated: true, sub: 'alice', groups: ['dba'], method: 'oidc' },
  'token-bob': { authenticated: true, sub: 'bob', groups: ['dev'], method: 'oidc' },
  'token-agent': { authenticated: true, sub: 'agent-7', groups: ['agents', 'dba'], method: 'oidc' },
};
const authenticate = async (headers: Record<string, string | string[] | undefined>): Promise<ApprovalIdentity> =>
  users[String(headers.authorization ?? '').replace(/^Bearer /, '')] ?? { authenticated: false, sub: null, groups: [] };

function setup() {
  const approvals = createApprovals({ store: createMemoryStore(), defaultTimeoutS: 5, pollIntervalMs: 5 });
  const handle = approvalRoutes(approvals, { authenticate });
  const call = async (method: string, path: string, token?: string) => {
    const res = await handle({ method, path, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { ...res, json: JSON.parse(res.body) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const identity = users['token-agent']!;
  const target = { method: 'POST', host: 'db.internal', path: '/sql' };
  const request = (body: string, kind: 'once' | 'grant' = 'once'): HoldRequest => ({
    kind, reason: 'DDL', approvers: ['dba'], timeoutS: 5, identity, target, operationClass: 'sql:ddl',
    requestHash: approvalRequestHash({ ...target, body, identity }),
  });
  return { approvals, call, request };
}

async function pendingIds(approvals: ReturnType<typeof createApprovals>, count: number): Promise<string[]> {
  for (;;) {
    const list = await approvals.list();
    if (list.length >= count) return list.map((r) => r.id);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('approvalRoutes', () => {
  it('lists pending approvals to callers in an approver group, and approves or denies them', async () => {
    const { approvals, call, request } = setup();
    const first = approvals.hold(request('DROP TABLE a'));
    const second = approvals.hold(request('DROP TABLE b'));
    const [idA, idB] = await pendingIds(approvals, 2);
    const listed = await call('GET', '/approvals', 'token-alice');
    expect(listed.status).toBe(200);
    expect(listed.headers['content-type']).toMatch(/application\/json/);
    expect(listed.json.approvals.map((a: { id: string }) => a.id)).toEqual([idA, idB]);
    expect(listed.body).not.toContain('requestHash');
    expect((await call('GET', '/approvals/', 'token-bob')).json.approvals).toEqual([]);
    expect((await call('POST', `/approvals/${idA}/approve`, 'token-alice')).json.approval).toMatchObject({ id: idA, state: 'approved', decidedBy: 'alice' });
    expect((await call('POST', `/approvals/${idB}/deny?x=1`, 'token-alice')).status).toBe(200);
    await expect(first).resolves.toMatchObject({ id: idA });
    await expect(second).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_DENIED' });
  });

  it('answers 401, 403, 404 and 405 with coded JSON errors', async () => {
    const { approvals, call, request } = setup();
    void approvals.hold(request('DROP TABLE a')).catch(() => undefined);
    const [id] = await pendingIds(approvals, 1);
    expect((await call('GET', '/approvals')).status).toBe(401);
    expect((await call('POST', `/approvals/${id}/approve`, 'nope')).status).toBe(401);
    const wrongGroup = await call('POST', `/approvals/${id}/approve`, 'token-bob');
    expect(wrongGroup).toMatchObject({ status: 403, json: { error: { code: 'SLUICE_ERR_APPROVER_FORBIDDEN' } } });
    const self = await call('POST', `/approvals/${id}/approve`, 'token-agent');
    expect(self.json.error.message).toMatch(/own request/);
    expect((await call('POST', '/approvals/apr_nope/approve', 'token-alice')).json.error.code).toBe('SLUICE_ERR_APPROVAL_NOT_FOUND');
    expect((await call('GET', `/approvals/${id}/approve`, 'token-alice')).status).toBe(405);
    expect((await call('DELETE', '/approvals', 'token-alice')).status).toBe(405);
    expect((await call('GET', '/elsewhere', 'token-alice')).status).toBe(404);
    await approvals.deny(id!, users['token-alice']!);
  });

  it('revokes a grant for an approver', async () => {
    const { approvals, call, request } = setup();
    const held = approvals.hold(request('INSERT', 'grant'));
    const [id] = await pendingIds(approvals, 1);
    await call('POST', `/approvals/${id}/approve`, 'token-alice');
    await held;
    expect((await call('POST', `/approvals/${id}/revoke`, 'token-bob')).status).toBe(403);
    expect((await call('POST', `/approvals/${id}/revoke`, 'token-alice')).json.approval.state).toBe('revoked');
  });
});
