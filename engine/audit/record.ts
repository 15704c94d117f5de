/** @module audit/record — normalizes an AuditEvent and builds hash-chained records (SHA-256 over canonical JSON). */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type {
  AuditEvent,
  AuditRecord,
  AuditRecordKind,
  ChainMark,
  RecordedBody,
  RecordedEvent,
  RecordedFindings,
} from './types.js';

/** The `prev` of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Hash and serialize a record in one canonicalization: `hash` = SHA-256 (hex) of the canonical JSON of
 * every member but `hash`; the line is the canonical JSON of the whole record. Keys sort as
 * event < hash < kind < mark < prev < seq, so the line is the unhashed text with `"hash"` spliced in
 * right before the top-level `"kind"`: first in a mark record, else the last `,"kind":"` (nested
 * strings cannot hold an unescaped quote, and only `prev` and `seq` follow it).
 *
 * @example
 * const { hash, line } = hashRecord({ seq: 0, prev: GENESIS_HASH, kind: 'seal', mark });
 */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): { hash: string; line: string } {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  const unhashed = canonicalJson(rest);
  const hash = createHash('sha256').update(unhashed).digest('hex');
  if (unhashed.startsWith('{"kind":"')) return { hash, line: `{"hash":"${hash}",${unhashed.slice(1)}` };
  const at = unhashed.lastIndexOf(',"kind":"');
  return { hash, line: `${unhashed.slice(0, at)},"hash":"${hash}"${unhashed.slice(at)}` };
}

/**
 * The hash of a record (see hashRecord).
 *
 * @example
 * const ok = recordHash(parsed) === parsed.hash;
 */
export function recordHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  return hashRecord(record).hash;
}

/** A record with its serialized line (canonical JSON, no newline). */
export interface ChainedRecord {
  record: AuditRecord;
  line: string;
}

/**
 * Build one chained record, its hash and its line.
 *
 * @example
 * const { record, line } = chainRecord(0, GENESIS_HASH, 'event', { event: normalizeEvent(ev, new Date()) });
 */
export function chainRecord(
  seq: number,
  prev: string,
  kind: AuditRecordKind,
  payload: { event?: RecordedEvent; mark?: ChainMark },
): ChainedRecord {
  const unhashed: Omit<AuditRecord, 'hash'> = { seq, prev, kind, ...payload };
  const { hash, line } = hashRecord(unhashed);
  return { record: Object.assign(unhashed, { hash }), line }; // not `{ ...unhashed, hash }`: a spread then a new key is slow on Node 20
}

/**
 * Turn a pipeline event into the recorded form: findings grouped by detector (counts and paths only),
 * bodies as UTF-8 text or base64, absent fields made explicit. Unknown fields are not copied.
 *
 * @example
 * const recorded = normalizeEvent(event, new Date(), { maxBodyBytes: 1 << 20 });
 */
export function normalizeEvent(event: AuditEvent, now: Date, opts: { maxBodyBytes?: number } = {}): RecordedEvent {
  const findings: RecordedFindings = {};
  for (const finding of event.findings ?? []) {
    const entry = (findings[finding.detector] ??= { category: finding.category ?? null, count: 0, paths: [] });
    entry.count += finding.count;
    if (!entry.paths.includes(finding.path)) entry.paths.push(finding.path);
  }
  const approval = event.decision.approval ?? null;
  return {
    time: event.time ?? now.toISOString(),
    sessionId: String(event.sessionId),
    exchangeId: String(event.exchangeId),
    identity: {
      authenticated: event.identity.authenticated === true,
      sub: event.identity.sub ?? null,
      groups: [...(event.identity.groups ?? [])],
      method: event.identity.method ?? null,
    },
    adapter: event.adapter,
    phase: event.phase,
    target: {
      method: event.target.method,
      host: event.target.host,
      path: event.target.path,
      status: event.target.status ?? null,
    },
    decision: {
      allow: event.decision.allow === true,
      reasons: [...event.decision.reasons],
      status: event.decision.status ?? null,
      approval: approval ? { ...approval } : null,
    },
    findings,
    timings: { ...(event.timings ?? {}) },
    llm: event.llm ? { provider: event.llm.provider, model: event.llm.model, stream: event.llm.stream } : null,
    body: encodeBody(event.body, opts.maxBodyBytes ?? Number.POSITIVE_INFINITY, event.bodyBytes),
    sse: event.sse ? event.sse.map((e) => (e.event === undefined ? { data: e.data } : { event: e.event, data: e.data })) : null,
    ...(event.sseTruncated === true ? { sseTruncated: true as const } : {}),
  };
}

function encodeBody(body: AuditEvent['body'], maxBytes: number, declaredBytes: number | undefined): RecordedBody | null {
  if (body === undefined || body === null) return null;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const size = Math.max(bytes.length, Number.isSafeInteger(declaredBytes) ? declaredBytes! : 0);
  const kept = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const truncated = size > kept.length;
  try {
    return { encoding: 'utf8', data: utf8.decode(kept), bytes: size, truncated };
  } catch {
    return { encoding: 'base64', data: kept.toString('base64'), bytes: size, truncated };
  }
}

/**
 * Decode a recorded body back to bytes.
 *
 * @example
 * const text = decodeBody(record.event.body).toString('utf8');
 */
export function decodeBody(body: RecordedBody): Buffer {
  return Buffer.from(body.data, body.encoding === 'utf8' ? 'utf8' : 'base64');
}
