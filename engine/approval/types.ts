/** @module approval/types — hold requests, approval records and outcomes, and the ApprovalStore interface. */

/** The identity facts approvals need (structurally compatible with the identity resolver's Identity). */
export interface ApprovalIdentity {
  authenticated: boolean;
  sub: string | null;
  groups: string[];
  method?: string | null;
}

export interface ApprovalTarget {
  method: string;
  host: string;
  path: string;
}

/** What the pipeline asks for when a decision carries `approval`. */
export interface HoldRequest {
  /** 'once': single use, bound to `requestHash`; 'grant': identity × target × operationClass for `grantTtlS`. */
  kind: 'once' | 'grant';
  reason: string;
  /** Groups allowed to approve; at least one. */
  approvers: string[];
  /** How long the exchange waits; defaults to the approvals' `defaultTimeoutS`. */
  timeoutS?: number;
  identity: ApprovalIdentity;
  target: ApprovalTarget;
  /** A short class of operation chosen by policy, e.g. 'sql:ddl' or 'tool:run_sql'. */
  operationClass: string;
  /** `approvalRequestHash(...)` of the exact request. */
  requestHash: string;
  /** Grant lifetime once approved (kind 'grant'). */
  grantTtlS?: number;
}

/**
 * pending → approved → consumed (once) · pending → approved → revoked/expired (grant)
 * pending → denied · pending → expired (timed out).
 */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'consumed' | 'revoked';

/** One stored approval. Times are epoch milliseconds. */
export interface ApprovalRecord {
  id: string;
  kind: 'once' | 'grant';
  state: ApprovalState;
  reason: string;
  approvers: string[];
  requester: { sub: string | null; groups: string[]; method: string | null };
  target: ApprovalTarget;
  operationClass: string;
  requestHash: string;
  createdAt: number;
  /** When a pending approval times out. */
  expiresAt: number;
  grantTtlS: number | null;
  decidedAt: number | null;
  decidedBy: string | null;
  /** When an approved grant stops passing. */
  grantExpiresAt: number | null;
  /** When a one-time approval was used. */
  consumedAt: number | null;
}

/** How an exchange was let through. */
export interface ApprovalOutcome {
  id: string;
  kind: 'once' | 'grant';
  /** 'approved': approved while held · 'resumed': an earlier approval of the same request · 'grant': a live grant. */
  via: 'approved' | 'resumed' | 'grant';
  approvedBy: string | null;
  waitedMs: number;
  grantExpiresAt: number | null;
}

/**
 * Durable storage for approvals. `update` is a compare-and-set: it applies `patch` only when the record's
 * current state is one of `from`, atomically (across processes for a shared store), and returns the new
 * record, or undefined when the state had moved on. That is what makes single use and "none granted
 * twice" hold.
 */
export interface ApprovalStore {
  /** Pick up changes made by other processes (no-op for a memory store). */
  refresh(): Promise<void>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  list(): Promise<ApprovalRecord[]>;
  create(record: ApprovalRecord): Promise<void>;
  update(id: string, from: ApprovalState[], patch: Partial<ApprovalRecord>): Promise<ApprovalRecord | undefined>;
  close(): Promise<void>;
}
