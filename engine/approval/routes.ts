/** @module approval/routes — a framework-agnostic HTTP handler for approvers: list pending, approve, deny, revoke. */
import { SluiceError, isSluiceError } from '../errors.js';
import type { Approvals } from './approvals.js';
import type { ApprovalIdentity, ApprovalRecord } from './types.js';

export interface RouteRequest {
  method: string;
  /** The request path (a query string is ignored). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface RouteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApprovalRoutesOptions {
  /** Resolve the approver from request headers (e.g. the identity resolver's `resolve`). */
  authenticate: (headers: RouteRequest['headers']) => Promise<ApprovalIdentity>;
  /** Mount point. Default '/approvals'. */
  prefix?: string;
}

const json = (status: number, body: unknown): RouteResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const errorResponse = (err: unknown): RouteResponse =>
  isSluiceError(err) ? json(err.status, { error: err.toJSON() }) : json(500, { error: new SluiceError('SLUICE_ERR_INTERNAL').toJSON() });

/** What approvers see of a record: no request hash, times as ISO strings. */
function view(record: ApprovalRecord) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: record.id,
    kind: record.kind,
    state: record.state,
    reason: record.reason,
    approvers: record.approvers,
    requester: record.requester.sub,
    target: record.target,
    operationClass: record.operationClass,
    createdAt: iso(record.createdAt),
    expiresAt: iso(record.expiresAt),
    decidedBy: record.decidedBy,
    grantExpiresAt: iso(record.grantExpiresAt),
  };
}

/**
 * Build the approver routes: `GET {prefix}` lists pending approvals the caller may decide;
 * `POST {prefix}/:id/approve`, `POST {prefix}/:id/deny`, `POST {prefix}/:id/revoke` (grants).
 * Every route needs an authenticated caller (401 otherwise); decisions need a required group (403).
 *
 * @example
 * const handle = approvalRoutes(approvals, { authenticate: (h) => resolver.resolve(h) });
 * app.all('/approvals*', async (req, res) => { const r = await handle({ method: req.method, path: req.path, headers: req.headers });
 *   res.status(r.status).set(r.headers).send(r.body); });
 */
export function approvalRoutes(approvals: Approvals, options: ApprovalRoutesOptions): (req: RouteRequest) => Promise<RouteResponse> {
  if (typeof options?.authenticate !== 'function') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'approvalRoutes needs authenticate');
  const prefix = (options.prefix ?? '/approvals').replace(/\/+$/, '');
  const action = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([A-Za-z0-9_-]{1,64})/(approve|deny|revoke)$`);

  return async (req) => {
    try {
      const path = req.path.split('?')[0]!.replace(/\/+$/, '') || '/';
      const isList = path === prefix;
      const match = action.exec(path);
      if (!isList && !match) return json(404, { error: { code: 'SLUICE_ERR_APPROVAL_NOT_FOUND', message: 'no such route' } });
      const method = req.method.toUpperCase();
      if ((isList && method !== 'GET') || (match && method !== 'POST')) {
        return { ...json(405, { error: { code: 'SLUICE_ERR_USAGE', message: 'method not allowed' } }), headers: { allow: isList ? 'GET' : 'POST' } };
      }
      const approver = await options.authenticate(req.headers);
      if (!approver?.authenticated) return json(401, { error: { code: 'SLUICE_ERR_TOKEN_INVALID', message: 'authentication required' } });
      if (isList) {
        const mine = (await approvals.list()).filter((r) => r.approvers.some((g) => approver.groups.includes(g)));
        return json(200, { approvals: mine.map(view) });
      }
      const [, id, verb] = match!;
      if (verb === 'revoke') {
        const record = (await approvals.list({ all: true })).find((r) => r.id === id);
        if (!record) throw new SluiceError('SLUICE_ERR_APPROVAL_NOT_FOUND', `approval ${id}`);
        if (!record.approvers.some((g) => approver.groups.includes(g)) && record.requester.sub !== approver.sub) {
          throw new SluiceError('SLUICE_ERR_APPROVER_FORBIDDEN', `${approver.sub} may not revoke ${id}`);
        }
        return json(200, { approval: view(await approvals.revokeGrant(id!)) });
      }
      const decided = verb === 'approve' ? await approvals.approve(id!, approver) : await approvals.deny(id!, approver);
      return json(200, { approval: view(decided) });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

