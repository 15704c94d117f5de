/** @module pipeline/types — the pipeline's public types and the seams to policy, stream, identity, approvals and audit. */
import type { Scanner, DetectorDefinition } from '../scan/scanner.js';
import type { HeaderMap, CredentialMap } from './headers.js';
import type { TlsOptions, ResolvedTls } from './tls.js';
import type { DecodeLimits } from './decode.js';

import type { PolicyIdentity, PolicyToolCall, PolicyLlm, PolicyFinding, PolicyPhase, PolicyInput, Decision, ApprovalRequest } from '../policy/types.js';

import type { HoldRequest } from '../approval/types.js';
import type { AuditEvent } from '../audit/types.js';

export type { PolicyInput, Decision, ApprovalRequest };
/** Who is calling (`input.identity`); anonymous when no resolver is configured. */
export type PipelineIdentity = PolicyIdentity;
/** One streamed or returned tool call. */
export type ToolCallFact = PolicyToolCall;
/** The LLM facts a policy sees (`input.llm`). */
export type LlmFactsInput = PolicyLlm;
/** One finding summary (`input.findings[]`), never the matched value. */
export type FindingFact = PolicyFinding;
export type Phase = PolicyPhase;

/** Seam: the policy engine (engine/policy). */
export interface PolicyLike { decide(input: PolicyInput): Decision }
/** Seam: the identity resolver (engine/identity). */
export interface IdentityLike { resolve(headers: HeaderMap): Promise<PipelineIdentity> }
/** Seam: approvals (engine/approval). `hold` resolves when approved, rejects with a coded error otherwise. */
export interface ApprovalsLike { hold(request: HoldRequest): Promise<unknown> }
/** Seam: the audit log (engine/audit). Streamed response bodies are kept up to `maxBodyBytes` (default 1 MiB). */
export interface AuditLike { append(event: AuditEvent): Promise<void>; close?(): Promise<void>; readonly maxBodyBytes?: number }

/** Body and decoding limits. */
export interface Limits {
  /** Request bodies buffered for inspection (default 8 MiB). */
  requestBytes?: number;
  /** Over `requestBytes`: 'reject' (413, default) or 'truncate' (policy sees `truncated: true`, the whole body is masked while streaming). */
  oversize?: 'reject' | 'truncate';
  /** JSON responses of model providers are buffered up to this size to decide on tool calls (default 8 MiB). */
  responseBytes?: number;
  decodedBytes?: number;
  decodeRatio?: number;
  encodings?: number;
  /** Passed to the tokenizer. */
  depth?: number;
}

export interface ResolvedLimits {
  requestBytes: number;
  oversize: 'reject' | 'truncate';
  responseBytes: number;
  depth: number;
  decode: DecodeLimits;
}

/** Options of `createSluice`, validated at construction. */
export interface SluiceOptions {
  /** A policy bundle path or bytes (default: the built-in bundle), or a loaded policy engine. */
  bundle?: string | Uint8Array | PolicyLike;
  /** Detector definitions (default: the built-in set); ignored when `scanner` is given. */
  detectors?: DetectorDefinition[];
  scanner?: Scanner;
  identity?: IdentityLike;
  approvals?: ApprovalsLike;
  audit?: AuditLike;
  limits?: Limits;
  /** On an internal error, pass the exchange through unmodified instead of failing closed (counted). Default false. */
  failOpen?: boolean;
  /** Per target host, the credential headers Sluice injects after an allow. */
  credentials?: CredentialMap;
  tls?: TlsOptions;
  /** Request headers copied into `input.http.headers` (default content-type, user-agent, anthropic-version, openai-organization). */
  headers?: string[];
  /** Mask placeholder (default the stream helper's `[REDACTED:<detector>]`). */
  placeholder?: string;
  /**
   * Bodies Sluice cannot scan (image/*, audio/*, video/*, font/*, multipart/*, application/octet-stream, archives,
   * protobuf…, or untyped bytes that are not text): 'deny' (default: 415 for a request, a coded error for a
   * response — nothing unscanned leaves) or 'pass' (forwarded unscanned, counted in the audit event).
   */
  binary?: 'pass' | 'deny';
}

/** The options after validation. */
export interface ResolvedOptions {
  policy: PolicyLike;
  scanner: Scanner;
  identity: IdentityLike | null;
  approvals: ApprovalsLike | null;
  audit: AuditLike | null;
  limits: ResolvedLimits;
  failOpen: boolean;
  credentials: CredentialMap;
  tls: ResolvedTls;
  headers: string[];
  placeholder: string | undefined;
  binary: 'pass' | 'deny';
}
