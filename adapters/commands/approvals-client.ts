/** @module cli/approvals-client — the two backends of `sluice approvals`: a store file, or a service's HTTP routes. */
import { fetch } from 'undici';
import { SluiceError, createApprovals, createFileStore, type ApprovalIdentity, type ApprovalRecord } from '../../engine/index.js';

/** An approval as the CLI shows it (the shape the HTTP routes answer with). */
export interface ApprovalView {
  id: string;
  kind: 'once' | 'grant';
  state: string;
  reason: string;
  approvers: string[];
  requester: string | null;
  target: { method: string; host: string; path: string };
  operationClass: string;
  expiresAt: string | null;
  decidedBy: string | null;
}

export interface ApprovalsClient {
  list(all: boolean): Promise<ApprovalView[]>;
  decide(action: 'approve' | 'deny' | 'revoke', id: string): Promise<ApprovalView>;
}

function view(r: ApprovalRecord): ApprovalView {
  return {
    id: r.id, kind: r.kind, state: r.state, reason: r.reason, approvers: r.approvers, requester: r.requester.sub,
    target: r.target, operationClass: r.operationClass, expiresAt: new Date(r.expiresAt).toISOString(), decidedBy: r.decidedBy,
  };
}

/**
 * Decide through the store file directly (as a local operator named by --as/--group).
 *
 * @example
 * const client = await approvalStoreClient('.sluice/approvals.jsonl', { authenticated: true, sub: 'alice', groups: ['dba'] });
 */
export async function approvalStoreClient(path: string, approver: ApprovalIdentity | null): Promise<ApprovalsClient> {
  const approvals = createApprovals({ store: await createFileStore({ path }), defaultTimeoutS: 1 });
  return {
    async list(all) {
      return (await approvals.list({ all })).map(view);
    },
    async decide(action, id) {
      if (action === 'revoke') return view(await approvals.revokeGrant(id));
      if (!approver) throw new SluiceError('SLUICE_ERR_USAGE', '--as names the approver');
      return view(action === 'approve' ? await approvals.approve(id, approver) : await approvals.deny(id, approver));
    },
  };
}

/**
 * Decide through a running service's approval routes, authenticated by a bearer token.
 *
 * @example
 * const client = httpApprovalsClient('http://127.0.0.1:3000/approvals', process.env.SLUICE_TOKEN);
 */
export function httpApprovalsClient(url: string, token: string | undefined): ApprovalsClient {
  const base = url.replace(/\/+$/, '');
  async function call(method: string, path: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = (body.error ?? {}) as { code?: string; message?: string };
      const code = error.code === 'SLUICE_ERR_APPROVER_FORBIDDEN' || error.code === 'SLUICE_ERR_APPROVAL_NOT_FOUND' || error.code === 'SLUICE_ERR_APPROVAL_TIMEOUT' ? error.code : 'SLUICE_ERR_APPROVAL_STORE';
      throw new SluiceError(code, `HTTP ${response.status}: ${error.message ?? 'request failed'}`);
    }
    return body;
  }
  return {
    async list(all) {
      if (all) throw new SluiceError('SLUICE_ERR_USAGE', '--all needs --store (the routes list pending approvals only)');
      return (await call('GET', '')).approvals as ApprovalView[];
    },
    async decide(action, id) {
      return (await call('POST', `/${encodeURIComponent(id)}/${action}`)).approval as ApprovalView;
    },
  };
}
