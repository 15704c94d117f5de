/** @module approval/approvals — createApprovals: hold an exchange until a human approves, denies or it times out. */
import { randomBytes } from 'node:crypto';
import { SluiceError } from '../errors.js';
import { assertHoldRequest, assertMayDecide, grantCovers } from './checks.js';
import { createWebhookNotifier, type WebhookOptions, type WebhookStats } from './webhook.js';
import type { ApprovalIdentity, ApprovalOutcome, ApprovalRecord, ApprovalStore, HoldRequest } from './types.js';

export interface ApprovalsOptions {
  store: ApprovalStore;
  /** Timeout of a hold when the request names none. */
  defaultTimeoutS: number;
  webhook?: WebhookOptions;
  /** Milliseconds since the epoch; inject to test expiry. Timers still run in real time. */
  clock?: { now(): number };
  /** How often a hold re-reads the store for decisions made by other processes. Default 250 ms. */
  pollIntervalMs?: number;
  /** Called when a new pending approval is created (after it is durable). */
  onRequested?: (record: ApprovalRecord) => void;
}

export interface ApprovalsStats {
  requested: number;
  approved: number;
  denied: number;
  timedOut: number;
  resumed: number;
  grantsUsed: number;
  webhook: WebhookStats | null;
}

export interface Approvals {
  hold(request: HoldRequest): Promise<ApprovalOutcome>;
  /** Pending, unexpired approvals (oldest first); `{ all: true }` for every record. */
  list(options?: { all?: boolean }): Promise<ApprovalRecord[]>;
  approve(id: string, approver: ApprovalIdentity): Promise<ApprovalRecord>;
  deny(id: string, approver: ApprovalIdentity): Promise<ApprovalRecord>;
  revokeGrant(id: string): Promise<ApprovalRecord>;
  readonly stats: Readonly<ApprovalsStats>;
  close(): Promise<void>;
}

/**
 * Create the approvals service over a store.
 *
 * @example
 * const approvals = createApprovals({ store: await createFileStore({ path: 'approvals.jsonl' }), defaultTimeoutS: 300 });
 * const outcome = await approvals.hold({ kind: 'once', reason: 'DDL', approvers: ['dba'], identity, target,
 *   operationClass: 'sql:ddl', requestHash: approvalRequestHash({ ...target, body: masked, identity }) });
 */
export function createApprovals(options: ApprovalsOptions): Approvals {
  const { store } = options;
  if (!store || typeof store.update !== 'function') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createApprovals needs a store');
  if (!(options.defaultTimeoutS > 0)) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'defaultTimeoutS must be positive');
  const clock = options.clock ?? { now: () => Date.now() };
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const webhook = options.webhook ? createWebhookNotifier(options.webhook) : null;
  const stats: ApprovalsStats = { requested: 0, approved: 0, denied: 0, timedOut: 0, resumed: 0, grantsUsed: 0, webhook: webhook?.stats ?? null };
  const wakers = new Map<string, Set<() => void>>();

  const signal = (id: string) => wakers.get(id)?.forEach((wake) => wake());
  function sleepOrWake(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = wakers.get(id) ?? new Set<() => void>();
      wakers.set(id, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) wakers.delete(id);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(1, ms));
      set.add(wake);
    });
  }

  const outcome = (r: ApprovalRecord, via: ApprovalOutcome['via'], started: number): ApprovalOutcome => ({
    id: r.id,
    kind: r.kind,
    via,
    approvedBy: r.decidedBy,
    waitedMs: clock.now() - started,
    grantExpiresAt: r.grantExpiresAt,
  });
  const timeoutError = (r: ApprovalRecord) =>
    new SluiceError('SLUICE_ERR_APPROVAL_TIMEOUT', `approval ${r.id} was not decided in time (${r.reason})`, { details: { approvalId: r.id } });

  /** Wait for a decision on one record; null when another identical request used it first. */
  async function waitFor(id: string, started: number): Promise<ApprovalOutcome | null> {
    for (;;) {
      await store.refresh();
      const r = await store.get(id);
      if (!r) throw new SluiceError('SLUICE_ERR_APPROVAL_STORE', `approval ${id} vanished from the store`, { details: { approvalId: id } });
      const now = clock.now();
      if (r.state === 'approved') {
        if (r.kind === 'grant') return outcome(r, 'approved', started);
        const used = await store.update(id, ['approved'], { state: 'consumed', consumedAt: now });
        return used ? outcome(used, 'approved', started) : null;
      }
      if (r.state === 'consumed') return null;
      if (r.state === 'denied' || r.state === 'revoked') {
        throw new SluiceError('SLUICE_ERR_APPROVAL_DENIED', `approval ${id} was denied by ${r.decidedBy ?? 'an approver'}`, { details: { approvalId: id, by: r.decidedBy } });
      }
      if (r.state === 'expired') throw timeoutError(r);
      if (now >= r.expiresAt) {
        if (await store.update(id, ['pending'], { state: 'expired', decidedAt: now })) {
          stats.timedOut++;
          throw timeoutError(r);
        }
        continue;
      }
      await sleepOrWake(id, Math.min(pollIntervalMs, r.expiresAt - now));
    }
  }

  async function hold(request: HoldRequest): Promise<ApprovalOutcome> {
    const { timeoutS, grantTtlS } = assertHoldRequest(request, options.defaultTimeoutS);
    const started = clock.now();
    for (let attempt = 0; attempt < 8; attempt++) {
      await store.refresh();
      const records = await store.list();
      const now = clock.now();
      const grant = records.find((r) => grantCovers(r, request, now));
      if (grant) {
        stats.grantsUsed++;
        return outcome(grant, 'grant', started);
      }
      const sameRequest = records.filter((r) => r.kind === request.kind && r.requestHash === request.requestHash);
      if (request.kind === 'once') {
        for (const approved of sameRequest.filter((r) => r.state === 'approved')) {
          const used = await store.update(approved.id, ['approved'], { state: 'consumed', consumedAt: now });
          if (used) {
            stats.resumed++;
            return outcome(used, 'resumed', started);
          }
        }
      }
      let record = sameRequest.find((r) => r.state === 'pending' && r.expiresAt > now);
      if (!record) {
        record = {
          id: `apr_${randomBytes(8).toString('hex')}`,
          kind: request.kind,
          state: 'pending',
          reason: request.reason,
          approvers: [...request.approvers],
          requester: { sub: request.identity.sub ?? null, groups: [...(request.identity.groups ?? [])], method: request.identity.method ?? null },
          target: { method: request.target.method.toUpperCase(), host: request.target.host.toLowerCase(), path: request.target.path },
          operationClass: request.operationClass,
          requestHash: request.requestHash,
          createdAt: now,
          expiresAt: now + timeoutS * 1000,
          grantTtlS,
          decidedAt: null,
          decidedBy: null,
          grantExpiresAt: null,
          consumedAt: null,
        };
        await store.create(record);
        stats.requested++;
        webhook?.notify(record);
        options.onRequested?.(record);
      }
      const result = await waitFor(record.id, started);
      if (result) return result;
    }
    throw new SluiceError('SLUICE_ERR_APPROVAL_STORE', 'concurrent identical requests kept using each approval first');
  }

  async function decide(id: string, approver: ApprovalIdentity, verdict: 'approved' | 'denied'): Promise<ApprovalRecord> {
    await store.refresh();
    const r = await store.get(id);
    if (!r || r.state !== 'pending') {
      throw new SluiceError('SLUICE_ERR_APPROVAL_NOT_FOUND', r ? `approval ${id} is ${r.state}` : `approval ${id}`, { details: { approvalId: id } });
    }
    assertMayDecide(r, approver);
    const now = clock.now();
    if (now >= r.expiresAt) {
      if (await store.update(id, ['pending'], { state: 'expired', decidedAt: now })) stats.timedOut++;
      throw timeoutError(r);
    }
    const grantExpiresAt = verdict === 'approved' && r.kind === 'grant' ? now + (r.grantTtlS ?? 900) * 1000 : null;
    const next = await store.update(id, ['pending'], { state: verdict, decidedAt: now, decidedBy: approver.sub, grantExpiresAt });
    if (!next) throw new SluiceError('SLUICE_ERR_APPROVAL_NOT_FOUND', `approval ${id} was decided meanwhile`, { details: { approvalId: id } });
    if (verdict === 'approved') stats.approved++;
    else stats.denied++;
    signal(id);
    return next;
  }

  return {
    hold,
    stats,
    async list({ all = false } = {}) {
      await store.refresh();
      const now = clock.now();
      const records = (await store.list()).sort((a, b) => a.createdAt - b.createdAt);
      return all ? records : records.filter((r) => r.state === 'pending' && r.expiresAt > now);
    },
    approve: (id, approver) => decide(id, approver, 'approved'),
    deny: (id, approver) => decide(id, approver, 'denied'),
    async revokeGrant(id) {
      await store.refresh();
      const current = await store.get(id);
      const next = current?.kind === 'grant' ? await store.update(id, ['approved'], { state: 'revoked', decidedAt: clock.now() }) : undefined;
      if (!next) {
        throw new SluiceError('SLUICE_ERR_APPROVAL_NOT_FOUND', `no live grant ${id}`, { details: { approvalId: id } });
      }
      return next;
    },
    async close() {
      await webhook?.idle();
      await store.close();
    },
  };
}
