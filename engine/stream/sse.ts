/** @module stream/sse — a WHATWG `text/event-stream` parser (BOM, CRLF/CR/LF, comments, id, retry) and writer. */
import { SluiceError } from '../errors.js';

/** One event block as parsed; `raw` holds its exact bytes (terminating blank line included). */
export interface SseEvent {
  /** The `event:` field, or undefined (the default type `message`). */
  event?: string;
  /** Joined `data:` lines, or null when the block had no data field (comments only, keep-alives). */
  data: string | null;
  id?: string;
  retry?: number;
  comments: string[];
  raw: Uint8Array;
}

/** Fields to serialise; `raw` is ignored. */
export type SseEventInit = Omit<SseEvent, 'raw' | 'comments'> & { comments?: string[] };

const utf8 = new TextDecoder('utf-8');

/**
 * Incremental parser. `push` returns the event blocks completed by the chunk; `end` flushes an
 * unterminated last block (treated as complete, so nothing is lost). Lines longer than
 * `maxEventBytes` (default 16 MiB of pending bytes) → SLUICE_ERR_SSE_SYNTAX.
 *
 * @example
 * const p = new SseParser(); for (const ev of p.push(chunk)) console.log(ev.event, ev.data);
 */
export class SseParser {
  private pending: Buffer = Buffer.alloc(0);
  private first = true;
  private blockStart = 0;
  private lineFrom = 0;
  private event: string | undefined;
  private data: string[] | null = null;
  private id: string | undefined;
  private retry: number | undefined;
  private comments: string[] = [];

  constructor(private readonly maxEventBytes = 16 * 1024 * 1024) {}

  push(chunk: Uint8Array): SseEvent[] {
    let buf = this.pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.pending, chunk]);
    if (this.first) {
      if (buf.length < 3 && buf.length > 0 && Buffer.from([0xef, 0xbb, 0xbf]).subarray(0, buf.length).equals(buf)) {
        this.pending = Buffer.from(buf);
        return [];
      }
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      if (buf.length > 0) this.first = false;
    }
    const out: SseEvent[] = [];
    let lineStart = this.lineFrom;
    let i = lineStart;
    for (;;) {
      let nl = -1;
      for (let j = i; j < buf.length; j++) {
        const c = buf[j]!;
        if (c === 0x0a || c === 0x0d) {
          nl = j;
          break;
        }
      }
      if (nl === -1) break;
      let next = nl + 1;
      if (buf[nl] === 0x0d) {
        if (nl + 1 === buf.length) break; // a CR at the end: wait to see whether LF follows
        if (buf[nl + 1] === 0x0a) next++;
      }
      this.line(buf, lineStart, nl, next, out);
      lineStart = i = next;
    }
    this.pending = Buffer.from(buf.subarray(this.blockStart));
    this.lineFrom = lineStart - this.blockStart;
    this.blockStart = 0;
    if (this.pending.length > this.maxEventBytes) throw new SluiceError('SLUICE_ERR_SSE_SYNTAX', `event larger than ${this.maxEventBytes} bytes`);
    return out;
  }

  /** Flush: a last block without its blank line is returned as an event. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const buf = this.pending;
    if (buf.length === 0) return out;
    let tail = buf.length;
    if (buf[tail - 1] === 0x0d) tail--; // a held CR ends the last line
    if (tail > this.lineFrom) this.line(buf, this.lineFrom, tail, buf.length, out);
    if (this.blockStart < buf.length) this.dispatch(buf, buf.length, out);
    this.pending = Buffer.alloc(0);
    this.lineFrom = 0;
    return out;
  }

  private line(buf: Buffer, start: number, end: number, next: number, out: SseEvent[]): void {
    if (start === end) {
      this.dispatch(buf, next, out);
      return;
    }
    const text = utf8.decode(buf.subarray(start, end));
    if (text[0] === ':') {
      this.comments.push(text.slice(1));
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') (this.data ??= []).push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') {
      if (!value.includes('\u0000')) this.id = value;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) this.retry = Number(value);
  }

  private dispatch(buf: Buffer, end: number, out: SseEvent[]): void {
    const ev: SseEvent = { data: this.data === null ? null : this.data.join('\n'), comments: this.comments, raw: Buffer.from(buf.subarray(this.blockStart, end)) };
    if (this.event !== undefined) ev.event = this.event;
    if (this.id !== undefined) ev.id = this.id;
    if (this.retry !== undefined) ev.retry = this.retry;
    out.push(ev);
    this.blockStart = end;
    this.event = undefined;
    this.data = null;
    this.id = undefined;
    this.retry = undefined;
    this.comments = [];
  }
}

/**
 * Serialise one event block (LF line endings, one `data:` line per line of data).
 *
 * @example
 * writeSseEvent({ event: 'ping', data: '{}' }); // 'event: ping\ndata: {}\n\n'
 */
export function writeSseEvent(ev: SseEventInit): string {
  let out = '';
  for (const c of ev.comments ?? []) out += `:${c.replace(/[\r\n]/g, ' ')}\n`;
  if (ev.event !== undefined) out += `event: ${ev.event.replace(/[\r\n]/g, '')}\n`;
  if (ev.data !== null) for (const line of ev.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id.replace(/[\r\n\u0000]/g, '')}\n`;
  if (ev.retry !== undefined) out += `retry: ${Math.floor(ev.retry)}\n`;
  return out + '\n';
}
