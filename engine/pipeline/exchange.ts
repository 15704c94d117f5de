/** @module pipeline/exchange — one exchange's context: build the policy input, decide, act (deny / hold), record. */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SluiceError, isSluiceError } from '../errors.js';
import diagnostics_channel from 'node:diagnostics_channel';
import { approvalRequestHash } from '../approval/hash.js';
import type { AuditApproval, AuditSseEvent } from '../audit/types.js';
import type { LlmApi } from './llm.js';
import type { StreamApi } from './seams.js';
import type { Decision, FindingFact, LlmFactsInput, Phase, PipelineIdentity, PolicyInput, ResolvedOptions } from './types.js';

/** Published once per decision (only when subscribed): `{ phase, adapter, exchangeId, allow, reasons, status, findings, approval }`. */
export const decisionChannel = diagnostics_channel.channel('sluice:decision');
/** Published once per decision (only when subscribed): `{ phase, adapter, exchangeId, decideMs, ...timings }`. */
export const timingChannel = diagnostics_channel.channel('sluice:timing');

/** Shared by every exchange of one Sluice instance. */
export interface Core {
  opts: ResolvedOptions;
  stream: StreamApi;
  sessionId: string;
  stats: { decisions: number; denied: number; held: number; failOpen: number; errors: number };
}

/** Facts that vary per phase. */
export interface PhaseFacts {
  status: number | null;
  findings: FindingFact[];
  llm: LlmFactsInput | null;
  bytes: number;
  truncated: boolean;
  timings?: Record<string, number>;
}

/** What the audit event of a decision carries besides the decision. */
export interface RecordExtra {
  body?: Uint8Array | string | null;
  /** The full size when `body` holds only the first bytes. */
  bodyBytes?: number;
  sse?: AuditSseEvent[] | null;
  sseTruncated?: boolean;
  approval?: AuditApproval | null;
}

/** Records a decision later, with what is known by then (the released body, the findings while streaming). */
export type DeferredRecord = (later: Omit<RecordExtra, 'approval'> & { facts?: Partial<PhaseFacts> }) => Promise<void>;

/** The deferred record of a decision that is not recorded (no audit log, or `record: false`). */
export const NOTHING_TO_RECORD: DeferredRecord = async () => undefined;

const NO_EXTRA = (): RecordExtra => ({});

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export const ANONYMOUS: PipelineIdentity = Object.freeze({ authenticated: false, method: 'none', sub: null, groups: [], claims: {}, reason: 'missing' }) as PipelineIdentity;

/** The state of one request/response exchange. */
export class Exchange {
  #id: string | null = null;
  api: LlmApi | null = null;
  llm: LlmFactsInput | null = null;

  constructor(
    readonly core: Core,
    readonly adapter: string,
    readonly identity: PipelineIdentity,
    readonly http: { method: string; host: string; path: string; headers: Record<string, string> },
  ) {}

  /**
   * A random UUID naming this exchange in audit events, diagnostics and error details. Made on first use: most
   * exchanges never need it (`randomUUID()` costs ~0.3 µs).
   */
  get id(): string {
    return (this.#id ??= randomUUID());
  }

  /**
   * The policy input of a phase. `http` is written out, not `{ ...this.http, status }`: on Node 20 (V8 11.3) a spread
   * followed by a new key costs ~0.9 µs per object and makes young-generation GC copy and promote far more.
   */
  input(phase: Phase, f: PhaseFacts): PolicyInput {
    const { http } = this;
    return {
      phase, adapter: this.adapter, identity: this.identity,
      http: { method: http.method, host: http.host, path: http.path, headers: http.headers, status: f.status },
      llm: f.llm, findings: f.findings, body: { bytes: f.bytes, truncated: f.truncated },
    };
  }

  /**
   * Decide a phase and act on it: deny throws SLUICE_ERR_DENIED (status from the decision); an approval is held
   * (no approvals configured ⇒ denied); one audit event per decision when the decision says `record`.
   *
   * @example
   * const decision = await exchange.decide('request', facts, () => ({ body: masked }));
   */
  async decide(phase: Phase, f: PhaseFacts, extra: () => RecordExtra = NO_EXTRA): Promise<Decision> {
    const { decision, record } = await this.decideDeferred(phase, f, extra);
    await record({});
    return decision;
  }

  /**
   * Like `decide`, but an allowed decision is recorded only when `record` is called, e.g. once a streamed
   * response body has been released and can be recorded as masked. Denies and refused approvals record at once.
   *
   * @example
   * const { decision, record } = await exchange.decideDeferred('response', facts);
   * await record({ findings, body: maskedBytes });
   */
  async decideDeferred(phase: Phase, f: PhaseFacts, extra: () => RecordExtra = NO_EXTRA): Promise<{ decision: Decision; record: DeferredRecord }> {
    const { opts, stats } = this.core;
    const t0 = performance.now();
    const input = this.input(phase, f);
    let decision = opts.policy.decide(input);
    const decideMs = performance.now() - t0;
    stats.decisions++;
    if (decision.error && opts.failOpen) {
      stats.failOpen++;
      decision = { ...decision, allow: true, approval: null };
    }
    // Built only when someone listens (no closure per decision otherwise).
    if (decisionChannel.hasSubscribers) {
      decisionChannel.publish({
        phase, adapter: this.adapter, exchangeId: this.id, allow: decision.allow, reasons: decision.reasons,
        status: decision.status, findings: f.findings, approval: decision.approval,
      });
    }
    if (timingChannel.hasSubscribers) timingChannel.publish({ phase, adapter: this.adapter, exchangeId: this.id, decideMs, ...f.timings });
    if (!decision.allow) {
      stats.denied++;
      await this.record(phase, f, decision, extra());
      throw new SluiceError('SLUICE_ERR_DENIED', decision.reasons.join('; ') || undefined, {
        details: { phase, reasons: decision.reasons, status: decision.status ?? 403, exchangeId: this.id, ...(decision.error ? { error: decision.error.code } : {}) },
      });
    }
    const approval = decision.approval ? await this.hold(phase, f, decision, extra) : null;
    if ((!approval && !decision.record) || !opts.audit) return { decision, record: NOTHING_TO_RECORD };
    const record: DeferredRecord = (later) => this.record(phase, Object.assign({}, f, later.facts), decision, Object.assign({}, extra(), later, { approval }));
    return { decision, record };
  }

  private async hold(phase: Phase, f: PhaseFacts, decision: Decision, extra: () => RecordExtra): Promise<AuditApproval> {
    const ask = decision.approval!;
    const { approvals } = this.core.opts;
    this.core.stats.held++;
    if (!approvals) {
      await this.record(phase, f, { ...decision, allow: false }, { ...extra(), approval: { id: null, kind: ask.kind, outcome: 'error', via: 'not configured' } });
      throw new SluiceError('SLUICE_ERR_DENIED', `approval required (${ask.reason}) and no approvals are configured`, {
        details: { phase, reasons: [ask.reason], status: 403, exchangeId: this.id },
      });
    }
    const body = extra().body ?? (phase === 'tool_call' ? JSON.stringify(f.llm?.tool_calls ?? []) : null);
    const call = phase === 'tool_call' ? f.llm?.tool_calls[0] : undefined;
    const request = {
      kind: ask.kind, reason: ask.reason, approvers: ask.approvers, timeoutS: ask.timeout_s,
      ...(ask.grant_ttl_s !== undefined ? { grantTtlS: ask.grant_ttl_s } : {}),
      identity: { authenticated: this.identity.authenticated, sub: this.identity.sub, groups: this.identity.groups, method: this.identity.method },
      target: { method: this.http.method, host: this.http.host, path: this.http.path },
      operationClass: call ? `tool:${call.name}` : f.llm ? `llm:${f.llm.provider}` : `http:${this.http.method}`,
      requestHash: approvalRequestHash({ method: this.http.method, host: this.http.host, path: this.http.path, body, identity: this.identity }),
    };
    try {
      const outcome = (await approvals.hold(request)) as Record<string, unknown> | undefined;
      return { id: str(outcome?.id), kind: ask.kind, outcome: 'approved', approver: str(outcome?.approvedBy), via: str(outcome?.via) ?? 'approved' };
    } catch (err) {
      const outcome = isSluiceError(err, 'SLUICE_ERR_APPROVAL_TIMEOUT') ? 'timeout' : isSluiceError(err, 'SLUICE_ERR_APPROVAL_DENIED') ? 'denied' : 'error';
      const id = isSluiceError(err) ? str(err.details.id ?? err.details.approvalId) : null;
      await this.record(phase, f, { ...decision, allow: false }, { ...extra(), approval: { id, kind: ask.kind, outcome } });
      throw isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_INTERNAL', 'approval hold failed', { cause: err });
    }
  }

  /** Append one audit event (masked body only). A failing sink fails the exchange closed. */
  async record(phase: Phase, f: PhaseFacts, decision: Decision, extra: RecordExtra): Promise<void> {
    const { audit } = this.core.opts;
    if (!audit) return;
    await audit.append({
      sessionId: this.core.sessionId, exchangeId: this.id, adapter: this.adapter, phase,
      identity: { authenticated: this.identity.authenticated, sub: this.identity.sub, groups: this.identity.groups, method: this.identity.method },
      target: { method: this.http.method, host: this.http.host, path: this.http.path, status: f.status },
      decision: { allow: decision.allow, reasons: [...decision.reasons], status: decision.status, approval: extra.approval ?? null },
      findings: f.findings, timings: f.timings ?? {},
      llm: f.llm ? { provider: f.llm.provider, model: f.llm.model, stream: f.llm.stream } : null,
      body: extra.body ?? null,
      ...(extra.bodyBytes !== undefined ? { bodyBytes: extra.bodyBytes } : {}),
      ...(extra.sse ? { sse: extra.sse, sseTruncated: extra.sseTruncated === true } : {}),
    });
  }
}
