/** @module approval/approvals.test — holds, one-time vs grant semantics, approver checks, timeouts (memory store, injected clock). */
import { describe, it, expect } from 'vitest';
import { createApprovals, type Approvals } from './approvals.js';
import { approvalRequestHash } from './hash.js';
import { createMemoryStore } from './memory-store.js';
import type { ApprovalStore, HoldRequest } from './types.js';

const requester = { authenticated: true, sub: 'agent-7', groups: ['agents'], method: 'oidc' };
const alice = { authenticated: true, sub: 'alice', groups: ['dba'], method: 'oidc' };
const target = { method: 'POST', host: 'db.internal', path: '/sql' };

function request(body: string, over: Partial<HoldRequest> = {}): HoldRequest {
  return {
    kind: 'once',
    reason: 'DDL statement',
    approvers: ['dba'],
    timeoutS: 5,
    identity: requester,
    target,
    operationClass: 'sql:ddl',
    requestHash: approvalRequestHash({ ...target, body, identity: requester }),
    ...over,
  };
}

function setup(store: ApprovalStore = createMemoryStore()) {
  const clock = { t: 1_700_000_000_000, now() { return this.t; } };
  const approvals = createApprovals({ store, defaultTimeoutS: 5, clock, pollIntervalMs: 5 });
  return { approvals, clock, store };
}

async function pendingId(approvals: Approvals): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const [first] = await approvals.list();
    if (first) return first.id;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('no pending approval appeared');
}

describe('createApprovals — one-time approvals', () => {
  it('holds until approved, then a retried identical request is held again (single use)', async () => {
    const { approvals, clock } = setup();
    const held = approvals.hold(request('DROP TABLE users'));
    const id = await pendingId(approvals);
    expect((await approvals.list())[0]).toMatchObject({ id, state: 'pending', reason: 'DDL statement', requester: { sub: 'agent-7' } });
    await approvals.approve(id, alice);
    await expect(held).resolves.toMatchObject({ id, kind: 'once', via: 'approved', approvedBy: 'alice' });
    const again = approvals.hold(request('DROP TABLE users', { timeoutS: 60 }));
    const second = await pendingId(approvals);
    expect(second).not.toBe(id);
    clock.t += 61_000;
    await expect(again).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT', details: { approvalId: second } });
    expect(approvals.stats).toMatchObject({ requested: 2, approved: 1, timedOut: 1 });
  });

  it('times out with an error naming the approval id (real short timeout)', async () => {
    const approvals = createApprovals({ store: createMemoryStore(), defaultTimeoutS: 0.05, pollIntervalMs: 10 });
    const err = await approvals.hold(request('DROP TABLE users', { timeoutS: undefined })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT', status: 403 });
    const id = (err as { details: { approvalId: string } }).details.approvalId;
    expect(id).toMatch(/^apr_[0-9a-f]{16}$/);
    expect((err as Error).message).toContain(id);
    expect((await approvals.list({ all: true }))[0]).toMatchObject({ id, state: 'expired' });
  });

  it('rejects a denied hold with SLUICE_ERR_APPROVAL_DENIED', async () => {
    const { approvals } = setup();
    const held = approvals.hold(request('DROP TABLE users'));
    const id = await pendingId(approvals);
    await approvals.deny(id, alice);
    await expect(held).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_DENIED', details: { approvalId: id, by: 'alice' } });
  });

  it('binds an approval to the exact request: approving one DROP TABLE never approves another', async () => {
    const { approvals, store, clock } = setup();
    const users = approvals.hold(request('DROP TABLE users', { timeoutS: 60 }));
    const orders = approvals.hold(request('DROP TABLE orders', { timeoutS: 60 }));
    await new Promise((r) => setTimeout(r, 20));
    const pending = await approvals.list();
    expect(pending).toHaveLength(2);
    const usersRecord = pending.find((r) => r.requestHash === request('DROP TABLE users').requestHash)!;
    await approvals.approve(usersRecord.id, alice);
    await expect(users).resolves.toMatchObject({ id: usersRecord.id });
    expect((await store.list()).find((r) => r.id !== usersRecord.id)!.state).toBe('pending');
    clock.t += 61_000;
    await expect(orders).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT' });
  });

  it('resumes an approval whose holder died: the retried identical request passes exactly once', async () => {
    const { approvals, store, clock } = setup();
    // What a crashed process leaves behind: a durable pending record and no waiter.
    const dead = request('DROP TABLE users', { timeoutS: 60 });
    await store.create({
      id: 'apr_00000000deadbeef', kind: 'once', state: 'pending', reason: dead.reason, approvers: ['dba'],
      requester: { sub: 'agent-7', groups: ['agents'], method: 'oidc' }, target, operationClass: 'sql:ddl',
      requestHash: dead.requestHash, createdAt: clock.t, expiresAt: clock.t + 60_000, grantTtlS: null,
      decidedAt: null, decidedBy: null, grantExpiresAt: null, consumedAt: null,
    });
    await approvals.approve('apr_00000000deadbeef', alice);
    await expect(approvals.hold(dead)).resolves.toMatchObject({ id: 'apr_00000000deadbeef', via: 'resumed', approvedBy: 'alice' });
    const second = approvals.hold(dead);
    const pending = await pendingId(approvals);
    expect(pending).not.toBe('apr_00000000deadbeef');
    clock.t += 61_000;
    await expect(second).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT', details: { approvalId: pending } });
    expect(approvals.stats.resumed).toBe(1);
  });

  it('checks approvers: authenticated, in a required group, not the requester', async () => {
    const { approvals } = setup();
    void approvals.hold(request('DROP TABLE users', { approvers: ['dba', 'agents'] })).catch(() => undefined);
    const id = await pendingId(approvals);
    const forbidden = { code: 'SLUICE_ERR_APPROVER_FORBIDDEN' };
    await expect(approvals.approve(id, { ...alice, authenticated: false })).rejects.toMatchObject(forbidden);
    await expect(approvals.approve(id, { ...alice, groups: ['dev'] })).rejects.toMatchObject(forbidden);
    await expect(approvals.approve(id, requester)).rejects.toThrow(/own request/);
    await expect(approvals.approve('apr_missing', alice)).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_NOT_FOUND' });
    await approvals.deny(id, alice);
    await expect(approvals.approve(id, alice)).rejects.toThrow(/is denied/);
  });

  it('validates hold requests (fail closed)', async () => {
    const { approvals } = setup();
    await expect(approvals.hold(request('x', { approvers: [] }))).rejects.toMatchObject({ code: 'SLUICE_ERR_INVALID_OPTIONS' });
    await expect(approvals.hold(request('x', { kind: 'forever' as never }))).rejects.toThrow(/kind/);
    expect(() => createApprovals({ store: createMemoryStore(), defaultTimeoutS: 0 })).toThrow(/defaultTimeoutS/);
  });
});

describe('createApprovals — grants', () => {
  const grantRequest = (body: string, over: Partial<HoldRequest> = {}) => request(body, { kind: 'grant', grantTtlS: 600, operationClass: 'sql:write', ...over });

  it('a grant passes repeatedly for the same identity × target × class until it expires', async () => {
    const { approvals, clock } = setup();
    const first = approvals.hold(grantRequest('INSERT 1'));
    const id = await pendingId(approvals);
    await approvals.approve(id, alice);
    await expect(first).resolves.toMatchObject({ id, kind: 'grant', via: 'approved', grantExpiresAt: clock.t + 600_000 });
    for (const body of ['INSERT 2', 'INSERT 3', 'UPDATE 4']) {
      await expect(approvals.hold(grantRequest(body))).resolves.toMatchObject({ id, via: 'grant' });
    }
    // Another operation class, path or caller is not covered.
    const other = approvals.hold(grantRequest('INSERT 5', { operationClass: 'sql:ddl', timeoutS: 1 }));
    await pendingId(approvals);
    expect(await approvals.list()).toHaveLength(1);
    clock.t += 601_000;
    await expect(other).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT' });
    const expired = approvals.hold(grantRequest('INSERT 6', { timeoutS: 1 }));
    await pendingId(approvals);
    expect(await approvals.list()).toHaveLength(1); // the lapsed grant no longer passes: a new request is pending
    clock.t += 2000;
    await expect(expired).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT' });
    expect(approvals.stats.grantsUsed).toBe(3);
  });

  it('a revoked grant stops passing', async () => {
    const { approvals, clock } = setup();
    const first = approvals.hold(grantRequest('INSERT 1'));
    const id = await pendingId(approvals);
    await approvals.approve(id, alice);
    await first;
    await expect(approvals.hold(grantRequest('INSERT 2'))).resolves.toMatchObject({ via: 'grant' });
    await approvals.revokeGrant(id);
    await expect(approvals.revokeGrant(id)).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_NOT_FOUND' });
    const after = approvals.hold(grantRequest('INSERT 3', { timeoutS: 1 }));
    await pendingId(approvals);
    clock.t += 2000;
    await expect(after).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_TIMEOUT' });
  });
});
