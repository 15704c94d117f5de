/** @module policy/types — the policy contract: PolicyInput in, Decision out (entrypoint `sluice/decision`). */
import type { ErrorCode } from '../errors.js';

/** Which side of an exchange is being decided. */
export type PolicyPhase = 'request' | 'response' | 'tool_call';

/** Who is calling, as resolved by engine/identity (never the raw token). */
export interface PolicyIdentity {
  authenticated: boolean;
  sub: string | null;
  groups: string[];
  claims: Record<string, unknown>;
  /** How the identity was established, e.g. `oidc`, `mtls`, `none`. */
  method: string;
  /** Why authentication failed, when it did. */
  reason?: string;
}

/** HTTP facts of the exchange; `status` is null in the request phase. */
export interface PolicyHttp {
  method: string;
  host: string;
  path: string;
  status: number | null;
  headers: Record<string, string | string[]>;
}

/** One tool call the model asked for (or the agent is making). */
export interface PolicyToolCall {
  id?: string;
  name: string;
  input: unknown;
}

/** Facts about a model API exchange, null when the exchange is not an LLM call. */
export interface PolicyLlm {
  provider: string;
  model: string | null;
  stream: boolean;
  tools: string[];
  tool_calls: PolicyToolCall[];
}

/** One detector that matched, summarised per JSON path (never the matched value). */
export interface PolicyFinding {
  detector: string;
  category: string;
  path: string;
  count: number;
}

/** The compact input the engine builds for one decision (a few hundred bytes, never the body). */
export interface PolicyInput {
  phase: PolicyPhase;
  adapter: string;
  identity: PolicyIdentity;
  http: PolicyHttp;
  llm: PolicyLlm | null;
  findings: PolicyFinding[];
  body: { bytes: number; truncated: boolean };
}

/** One RFC 6902 JSON Patch operation the policy asks to apply to the body. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** A request to hold the exchange until an approver answers (timeout ⇒ deny). */
export interface ApprovalRequest {
  reason: string;
  approvers: string[];
  timeout_s: number;
  /** `once`: this exchange only; `grant`: approve similar exchanges for `grant_ttl_s`. Defaults to `once`. */
  kind: 'once' | 'grant';
  grant_ttl_s?: number;
}

/** Set when the decision was not produced by the policy but by the engine failing closed (or open). */
export interface DecisionError {
  code: ErrorCode;
  message: string;
}

/**
 * The validated output of the policy. Decisions may be shared between calls: treat them as read-only.
 * `mask.detectors` `['*']` means every detector; `mask.paths` are JSON pointers masked whatever they hold.
 */
export interface Decision {
  readonly allow: boolean;
  readonly reasons: readonly string[];
  readonly mask: { readonly detectors: readonly string[]; readonly paths: readonly string[] };
  readonly patch: readonly PatchOperation[];
  readonly approval: Readonly<ApprovalRequest> | null;
  readonly record: boolean;
  /** The HTTP status an adapter answers a deny with (default 403). */
  readonly status?: number;
  readonly error?: DecisionError;
}

/** Counters kept by a PolicyEngine (plain increments, free on the hot path). */
export interface PolicyStats {
  decisions: number;
  allowed: number;
  denied: number;
  /** Evaluations that failed (policy error, malformed decision, invalid input). */
  errors: number;
  /** Failures turned into an allow because `failOpen` is set. */
  failOpen: number;
  reloads: number;
  reloadFailures: number;
}
