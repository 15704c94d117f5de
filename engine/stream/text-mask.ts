/** @module stream/text-mask — text masking: one text (JSON when it parses), streamed plain text, and NDJSON line by line. */
import type { Scanner } from '../scan/scanner.js';
import { SluiceError } from '../errors.js';
import { FindingCounter, inspectJson } from './inspect.js';
import { HoldPlan, shifted } from './stitch.js';
import { ReleasedTail } from './masker-parts.js';
import { applyMasks } from './rewriter.js';
import type { JsonLimits } from './tokenizer.js';
import type { FindingSummary, MaskSpan, Placeholder } from './types.js';

/** What `textMasker` needs; findings are appended to `found` with pointers under the given prefix. */
export interface TextMaskerOptions {
  scanner: Scanner;
  placeholder: Placeholder;
  render: (detector: string, pointer: string) => string;
  found: MaskSpan[];
  shouldMask?: (detector: string, pointer: string) => boolean;
  limits?: JsonLimits;
}

/**
 * Build `(text, pointerPrefix) => masked text`: JSON texts keep their bytes except the spans; other
 * texts get placeholders spliced unescaped. Returns the same string when nothing was masked.
 *
 * @example
 * const mask = textMasker({ scanner, placeholder, render, found: [] }); mask('{"k":"AKIA…"}', '/data');
 */
export function textMasker(o: TextMaskerOptions): (text: string, prefix: string) => string {
  return (text, prefix) => {
    const bytes = Buffer.from(text, 'utf8');
    let spans: MaskSpan[];
    try {
      spans = inspectJson(bytes, { scanner: o.scanner, limits: o.limits }).spans;
    } catch {
      const matches = o.scanner.scan(bytes).sort((a, b) => a.start - b.start);
      if (matches.length === 0) return text;
      let res = '';
      let at = 0;
      for (const m of matches) {
        if (m.start < at || m.end <= m.start) continue;
        o.found.push({ start: m.start, end: m.end, detector: m.detector, category: m.category, pointer: prefix });
        if (o.shouldMask && !o.shouldMask(m.detector, prefix)) continue;
        res += bytes.toString('utf8', at, m.start) + o.render(m.detector, prefix);
        at = m.end;
      }
      return at === 0 ? text : res + bytes.toString('utf8', at);
    }
    for (const s of spans) o.found.push({ ...s, pointer: prefix + s.pointer });
    const keep = o.shouldMask ? spans.filter((s) => o.shouldMask!(s.detector, prefix + s.pointer)) : spans;
    return keep.length === 0 ? text : Buffer.from(applyMasks(bytes, keep, { placeholder: o.placeholder })).toString('utf8');
  };
}

/** Options of the streaming text and NDJSON maskers. */
export interface TextStreamOptions {
  scanner: Scanner;
  placeholder?: Placeholder;
  /** Decide per finding; default: mask everything found. */
  shouldMask?: (detector: string, pointer: string) => boolean;
  limits?: JsonLimits;
  /** NDJSON only: the longest line held while it is incomplete (default 8 MiB), over it SLUICE_ERR_BODY_TOO_LARGE. */
  maxLineBytes?: number;
}

/** A push-based byte masker: `write` returns what is safe to emit now, `end` the rest. */
export interface ByteMasker {
  write(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
  findings(): FindingSummary[];
  /** Bytes currently held back. */
  readonly held: number;
}

const EMPTY = Buffer.alloc(0);
const view = (c: Uint8Array): Buffer => (Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));

/**
 * Stream-mask a plain-text body (text/*, XML, form data, unknown textual bytes) at the byte level: every write
 * releases all but the tail a match may still cover (HoldPlan: tens of bytes, kilobytes only near a long
 * detector's keyword; a match reaching into the held tail is held whole), so no part of a secret split across chunks is released. Untouched bytes are emitted as they came.
 *
 * @example
 * const masker = createTextMasker({ scanner });
 * for await (const chunk of upstream) res.write(masker.write(chunk));
 * res.end(masker.end());
 */
export function createTextMasker(opts: TextStreamOptions): ByteMasker {
  if (!opts?.scanner) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createTextMasker needs a scanner');
  const { scanner, shouldMask } = opts;
  const hold = new HoldPlan(scanner.detectors);
  const counter = new FindingCounter();
  let pending: Buffer = EMPTY;
  /** The last released bytes (up to `hold.context`): context words before a held match still count. */
  const released = new ReleasedTail(hold.context);

  function step(chunk: Uint8Array, final: boolean): Uint8Array {
    const buf = pending.length === 0 ? view(chunk) : chunk.length === 0 ? pending : Buffer.concat([pending, chunk]);
    if (!final && buf.length <= hold.base) {
      pending = pending.length === 0 ? Buffer.from(buf) : buf; // a copy: the caller may reuse its chunk
      return EMPTY;
    }
    const before = released.bytes();
    const matches = buf.length === 0 ? [] : before.length === 0 ? shifted(scanner.scan(buf), 0) : shifted(scanner.scan(Buffer.concat([before, buf])), before.length);
    let cut = final ? buf.length : Math.max(0, hold.holdFrom(buf));
    // Only ever move the cut back: terminates, and a match straddling it is rescanned whole next time.
    for (let moved = true; moved;) {
      moved = false;
      for (const m of matches) if (m.start < cut && m.end > cut) { cut = m.start; moved = true; }
    }
    const spans: MaskSpan[] = [];
    for (const m of matches) {
      if (m.end > cut) continue;
      const span: MaskSpan = { start: m.start, end: m.end, detector: m.detector, category: m.category, pointer: '' };
      spans.push(span);
    }
    counter.add(spans);
    const kept = shouldMask ? spans.filter((s) => shouldMask(s.detector, s.pointer)) : spans;
    const head = buf.subarray(0, cut);
    pending = cut < buf.length ? Buffer.from(buf.subarray(cut)) : EMPTY;
    released.push(head, cut);
    return kept.length ? applyMasks(head, kept, { placeholder: opts.placeholder }) : head;
  }

  return {
    write: (chunk) => step(chunk, false),
    end: () => step(EMPTY, true),
    findings: () => counter.values(),
    get held() { return pending.length; },
  };
}

/**
 * Stream-mask newline-delimited JSON (NDJSON, JSON Lines) line by line: a line that parses is masked as JSON (its
 * bytes kept but the spans, pointers `/<line>/...`), any other line as text. An incomplete line is held (bounded).
 *
 * @example
 * const masker = createNdjsonMasker({ scanner });
 * res.write(masker.write(Buffer.from('{"a":"x"}\n{"b":'))); res.end(masker.end());
 */
export function createNdjsonMasker(opts: TextStreamOptions): ByteMasker {
  if (!opts?.scanner) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createNdjsonMasker needs a scanner');
  const placeholder = opts.placeholder ?? '[REDACTED:{detector}]';
  const render = (d: string, p: string): string => (typeof placeholder === 'string' ? placeholder.split('{detector}').join(d) : placeholder(d, p));
  const found: MaskSpan[] = [];
  const counter = new FindingCounter();
  const mask = textMasker({ scanner: opts.scanner, placeholder, render, found, shouldMask: opts.shouldMask, limits: opts.limits });
  const maxLine = opts.maxLineBytes ?? 8 * 1024 * 1024;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let line = 0;

  function lines(block: Buffer): Uint8Array {
    const out: Buffer[] = [];
    let changed = false;
    for (let at = 0; at < block.length;) {
      const nl = block.indexOf(0x0a, at);
      const end = nl < 0 ? block.length : nl + 1;
      const raw = block.subarray(at, end);
      const text = raw.toString('utf8');
      const body = text.replace(/\r?\n$/, '');
      const masked = body.trim() === '' ? body : mask(body, `/${line}`);
      line++;
      if (masked === body) out.push(raw);
      else { out.push(Buffer.from(masked + text.slice(body.length))); changed = true; }
      at = end;
    }
    counter.add(found);
    found.length = 0;
    return changed ? Buffer.concat(out) : block;
  }

  return {
    write(chunk) {
      const c = view(chunk);
      const nl = c.lastIndexOf(0x0a);
      if (nl < 0) {
        if (partBytes + c.length > maxLine) throw new SluiceError('SLUICE_ERR_BODY_TOO_LARGE', `an NDJSON line is over ${maxLine} bytes`);
        parts.push(Buffer.from(c));
        partBytes += c.length;
        return EMPTY;
      }
      const block = partBytes ? Buffer.concat([...parts, c.subarray(0, nl + 1)]) : c.subarray(0, nl + 1);
      parts = nl + 1 < c.length ? [Buffer.from(c.subarray(nl + 1))] : [];
      partBytes = c.length - nl - 1;
      if (partBytes > maxLine) throw new SluiceError('SLUICE_ERR_BODY_TOO_LARGE', `an NDJSON line is over ${maxLine} bytes`);
      return lines(block);
    },
    end() {
      const rest = Buffer.concat(parts, partBytes);
      parts = [];
      partBytes = 0;
      return rest.length ? lines(rest) : EMPTY;
    },
    findings: () => counter.values(),
    get held() { return partBytes; },
  };
}
