/** @module pipeline/capture — a bounded copy of a masked body (bytes, or SSE events) for its audit event. */
import { SseParser } from '../stream/sse.js';
import type { AuditSseEvent } from '../audit/types.js';

/** What a capture hands to the audit event: the masked body or events, and whether they were cut at the bound. */
export interface Captured {
  /** The first `maxBytes` masked bytes (JSON, NDJSON, text bodies), or null for SSE. */
  body: Uint8Array | null;
  /** The number of masked bytes released in total. */
  bodyBytes: number;
  /** The masked events (SSE responses), or null for other bodies. */
  sse: AuditSseEvent[] | null;
  /** True when bytes or events past the bound were released but not captured. */
  truncated: boolean;
}

/** The audit log's default maxBodyBytes, when the configured log does not say. */
export const DEFAULT_AUDIT_BODY_BYTES = 1 << 20;

/** Copies the masked output as it is released, up to a bound. */
export interface ResponseCapture {
  write(chunk: Uint8Array): void;
  result(): Captured;
}

/**
 * Capture masked output for the audit log: JSON, NDJSON and text bodies as their first `maxBytes` bytes, SSE streams as parsed
 * events whose data totals at most `maxBytes` (later events are counted as truncated, never kept).
 *
 * @example
 * const capture = createResponseCapture('sse', 1 << 20);
 * capture.write(maskedChunk);
 * await audit.append({ ...event, sse: capture.result().sse });
 */
export function createResponseCapture(kind: 'bytes' | 'sse', maxBytes: number): ResponseCapture {
  let total = 0;
  let kept = 0;
  let truncated = false;
  const parts: Uint8Array[] = [];
  const events: AuditSseEvent[] = [];
  const parser = kind === 'sse' ? new SseParser() : null;

  const keepEvents = (parsed: ReturnType<SseParser['push']>): void => {
    for (const ev of parsed) {
      if (truncated || ev.data === null) continue; // comments and keep-alives carry nothing to replay
      const size = Buffer.byteLength(ev.data) + (ev.event?.length ?? 0);
      if (kept + size > maxBytes) { truncated = true; continue; }
      kept += size;
      events.push(ev.event === undefined ? { data: ev.data } : { event: ev.event, data: ev.data });
    }
  };

  return {
    write(chunk) {
      total += chunk.length;
      if (parser) {
        if (truncated) return;
        try { keepEvents(parser.push(chunk)); } catch { truncated = true; } // an oversized event: stop keeping
        return;
      }
      if (kept >= maxBytes) { truncated = true; return; }
      const part = chunk.length > maxBytes - kept ? chunk.subarray(0, maxBytes - kept) : chunk;
      parts.push(part.slice()); // a copy: the sink may reuse its buffers
      kept += part.length;
      if (part.length < chunk.length) truncated = true;
    },
    result() {
      if (parser) {
        if (!truncated) try { keepEvents(parser.end()); } catch { truncated = true; }
        return { body: null, bodyBytes: total, sse: events, truncated };
      }
      return { body: Buffer.concat(parts, kept), bodyBytes: total, sse: null, truncated };
    },
  };
}
