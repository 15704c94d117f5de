/** @module audit/types — the audit event a pipeline appends, the chained record on disk, sinks and options. */

/** The identity facts an audit event keeps (never tokens or claims). */
export interface AuditIdentity {
  authenticated: boolean;
  sub: string | null;
  groups: string[];
  method: string | null;
}

/** The request target of an exchange. `status` is null on the request phase. */
export interface AuditTarget {
  method: string;
  host: string;
  path: string;
  status: number | null;
}

/** The approval outcome attached to a decision, when the policy asked for one. */
export interface AuditApproval {
  id: string | null;
  kind: 'once' | 'grant';
  outcome: 'approved' | 'denied' | 'timeout' | 'error';
  approver?: string | null;
  via?: string;
}

/** One finding as the pipeline reports it: counts and JSON pointers, never the matched value. */
export interface AuditFindingInput {
  detector: string;
  category?: string;
  path: string;
  count: number;
}

/** One server-sent event, as masked. */
export interface AuditSseEvent {
  event?: string;
  data: string;
}

/**
 * What the pipeline appends: one event per decision. Bodies are the MASKED bytes
 * (or, for streams, the masked SSE events); raw detected values must never be passed.
 */
export interface AuditEvent {
  /** ISO 8601; filled with the log's clock when absent. */
  time?: string;
  sessionId: string;
  exchangeId: string;
  identity: AuditIdentity;
  adapter: string;
  phase: 'request' | 'response' | 'tool_call';
  target: AuditTarget;
  decision: { allow: boolean; reasons: string[]; status?: number; approval?: AuditApproval | null };
  findings?: AuditFindingInput[];
  /** Milliseconds per stage, e.g. `{ inspect: 0.4, decide: 0.1 }`. */
  timings?: Record<string, number>;
  llm?: { provider: string | null; model: string | null; stream: boolean } | null;
  /** The masked body (bytes or text). */
  body?: Uint8Array | string | null;
  /** The full size when `body` is only the first bytes of a longer masked body (recorded as truncated). */
  bodyBytes?: number;
  /** The masked SSE events of a streamed response. */
  sse?: AuditSseEvent[] | null;
  /** True when later events of the stream were released but not kept (over the log's maxBodyBytes). */
  sseTruncated?: boolean;
}

/** Findings grouped by detector, as recorded. */
export interface RecordedFindings {
  [detector: string]: { category: string | null; count: number; paths: string[] };
}

/** A recorded body: UTF-8 text when valid, else base64. */
export interface RecordedBody {
  encoding: 'utf8' | 'base64';
  data: string;
  bytes: number;
  truncated: boolean;
}

/** The normalized event stored in an `event` record. */
export interface RecordedEvent {
  time: string;
  sessionId: string;
  exchangeId: string;
  identity: AuditIdentity;
  adapter: string;
  phase: AuditEvent['phase'];
  target: AuditTarget;
  decision: { allow: boolean; reasons: string[]; status: number | null; approval: AuditApproval | null };
  findings: RecordedFindings;
  timings: Record<string, number>;
  llm: AuditEvent['llm'];
  body: RecordedBody | null;
  sse: AuditSseEvent[] | null;
  /** Present (true) only when the stream's later events were not kept. */
  sseTruncated?: true;
}

/** The kinds of line in a log: events, periodic checkpoints, rotation links, open (resume) and seal (close). */
export type AuditRecordKind = 'event' | 'checkpoint' | 'link' | 'open' | 'seal';

/** Facts carried by checkpoint, link, open and seal records. */
export interface ChainMark {
  time: string;
  /** The hash of the line before this one (the head being checkpointed). */
  head: string;
  /** Event records written so far over the whole chain. */
  count: number;
  /** Events dropped so far by this writer (onError: 'drop'); never silent. */
  dropped: number;
  /** For `link`: the file the chain continues from. */
  file?: string;
}

/** One line of the log. `hash` = SHA-256 of canonical JSON of every other member. */
export interface AuditRecord {
  seq: number;
  prev: string;
  kind: AuditRecordKind;
  event?: RecordedEvent;
  mark?: ChainMark;
  hash: string;
}

/** Where serialized lines go. The log computes the chain; a sink only stores text. */
export interface AuditSink {
  /** Resume point of an existing log (file sink), or null for a fresh chain. */
  open(): Promise<{ seq: number; head: string; count: number } | null>;
  /** Persist lines (each ends with '\n'). Must reject when the data may not be stored. */
  write(lines: string, records: AuditRecord[]): Promise<void>;
  /** Make written lines durable (fsync) where the medium supports it. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Counters kept by an audit log. */
export interface AuditStats {
  appended: number;
  dropped: number;
  failed: number;
  queued: number;
  checkpoints: number;
  rotations: number;
}
