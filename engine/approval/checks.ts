/** @module approval/checks — validation of hold requests and approver authorization (pure functions). */
import { SluiceError } from '../errors.js';
import type { ApprovalIdentity, ApprovalRecord, HoldRequest } from './types.js';

/**
 * Validate a hold request; a malformed one is refused (fail closed) rather than held forever.
 *
 * @example
 * assertHoldRequest(request, 300);
 */
export function assertHoldRequest(request: HoldRequest, defaultTimeoutS: number): { timeoutS: number; grantTtlS: number | null } {
  const bad = (message: string) => new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `hold request: ${message}`);
  if (request.kind !== 'once' && request.kind !== 'grant') throw bad("kind must be 'once' or 'grant'");
  if (!Array.isArray(request.approvers) || request.approvers.length === 0 || !request.approvers.every((g) => typeof g === 'string' && g)) {
    throw bad('approvers must name at least one group');
  }
  if (typeof request.requestHash !== 'string' || request.requestHash.length < 16) throw bad('requestHash is required');
  if (!request.target || typeof request.target.host !== 'string' || typeof request.target.path !== 'string') throw bad('target is required');
  if (typeof request.operationClass !== 'string') throw bad('operationClass is required');
  const timeoutS = request.timeoutS ?? defaultTimeoutS;
  if (!(timeoutS > 0) || !Number.isFinite(timeoutS)) throw bad('timeoutS must be a positive number');
  let grantTtlS: number | null = null;
  if (request.kind === 'grant') {
    grantTtlS = request.grantTtlS ?? 900;
    if (!(grantTtlS > 0) || !Number.isFinite(grantTtlS)) throw bad('grantTtlS must be a positive number');
  }
  return { timeoutS, grantTtlS };
}

/**
 * Throw SLUICE_ERR_APPROVER_FORBIDDEN unless the approver is authenticated, in one of the record's
 * approver groups, and not the requester.
 *
 * @example
 * assertMayDecide(record, { authenticated: true, sub: 'alice', groups: ['dba'] });
 */
export function assertMayDecide(record: ApprovalRecord, approver: ApprovalIdentity): void {
  const details = { approvalId: record.id, approver: approver?.sub ?? null };
  if (!approver || approver.authenticated !== true || !approver.sub) {
    throw new SluiceError('SLUICE_ERR_APPROVER_FORBIDDEN', 'the approver is not authenticated', { details });
  }
  if (!record.approvers.some((group) => approver.groups?.includes(group))) {
    throw new SluiceError('SLUICE_ERR_APPROVER_FORBIDDEN', `${approver.sub} is not in ${record.approvers.join(' or ')}`, { details });
  }
  if (record.requester.sub !== null && record.requester.sub === approver.sub) {
    throw new SluiceError('SLUICE_ERR_APPROVER_FORBIDDEN', `${approver.sub} may not approve their own request`, { details });
  }
}

/** True when `grant` is a live grant covering this request: same subject, target and operation class. */
export function grantCovers(grant: ApprovalRecord, request: HoldRequest, now: number): boolean {
  return (
    grant.kind === 'grant' &&
    grant.state === 'approved' &&
    grant.grantExpiresAt !== null &&
    grant.grantExpiresAt > now &&
    grant.requester.sub !== null &&
    grant.requester.sub === request.identity.sub &&
    grant.operationClass === request.operationClass &&
    grant.target.method.toUpperCase() === request.target.method.toUpperCase() &&
    grant.target.host.toLowerCase() === request.target.host.toLowerCase() &&
    grant.target.path === request.target.path
  );
}
