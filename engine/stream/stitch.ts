/** @module stream/stitch — masks text that arrives in deltas, holding back only what a partial match may still cover. */
import type { DetectorDefinition, Match, Scanner } from '../scan/scanner.js';
import { contextReach } from './detect.js';
import type { MaskSpan } from './types.js';

/** A detector's match holds one of its keywords within this many bytes of its start (checked on the built-in set's examples). */
export const KEYWORD_REACH = 128;
/** Detectors up to this length are always held for whole; longer ones only near one of their keywords. */
const GATE_MIN = 64;

/**
 * How much of a streamed text's tail may still be the beginning of a match. Short detectors (and any without
 * keywords) hold their `maxLength`; a long detector with keywords (a private key: 8302 bytes) holds its
 * `maxLength` only from `KEYWORD_REACH` bytes before one of its keywords (or a keyword's beginning at the very
 * end), so ordinary text streams with a hold of tens of bytes, not kilobytes.
 *
 * @example
 * const plan = new HoldPlan(scanner.detectors); const cut = plan.holdFrom(buf); // release buf[0, cut)
 */
export class HoldPlan {
  /** Bytes always held. */
  readonly base: number;
  /** Released bytes a held tail is rescanned after: what a match's context may read before it (contextReach). */
  readonly context: number;
  private readonly gated: Array<{ maxLength: number; keywords: string[] }> = [];

  constructor(detectors: readonly DetectorDefinition[], private readonly reach = KEYWORD_REACH) {
    this.context = contextReach(detectors);
    let base = 1;
    for (const d of detectors) {
      const keywords = (d.keywords ?? []).filter((k) => k.length > 0).map((k) => k.toLowerCase());
      if (d.maxLength > GATE_MIN && keywords.length) this.gated.push({ maxLength: d.maxLength, keywords });
      else base = Math.max(base, d.maxLength);
    }
    this.base = base;
  }

  /** The first byte of `buf` that must stay held (everything before may be released once masked). */
  holdFrom(buf: Uint8Array): number {
    let cut = buf.length - this.base;
    if (this.gated.length === 0) return cut;
    const lower = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1').toLowerCase(); // 1 char per byte
    for (const g of this.gated) {
      const from = Math.max(0, buf.length - g.maxLength);
      for (const kw of g.keywords) {
        let at = lower.indexOf(kw, from);
        for (let j = kw.length - 1; at < 0 && j > 0; j--) if (lower.endsWith(kw.slice(0, j))) at = lower.length - j;
        if (at >= 0) cut = Math.min(cut, Math.max(from, at - this.reach));
      }
    }
    return cut;
  }
}

/**
 * Stitches the deltas of one text stream (e.g. one content block). `push` returns the text that is
 * safe to release now (masked); the tail a match may still cover (see HoldPlan) stays held,
 * and a match touching the held tail is held whole. `flush` releases the rest.
 *
 * @example
 * const s = new TextStitcher(scanner, '/content/0/text', render, new HoldPlan(scanner.detectors)); s.push('key AKIA'); s.push('IOSFODNN7EXAMPLE'); s.flush();
 */
export class TextStitcher {
  private pending = '';
  /** The end of the released text (up to `hold.context` bytes): context words before a held match still count. */
  private before = '';
  /** Findings released so far (offsets are into the released text). */
  readonly found: MaskSpan[] = [];
  private released = 0;

  constructor(
    private readonly scanner: Scanner,
    private readonly pointer: string,
    private readonly render: (detector: string, pointer: string) => string,
    private readonly hold: HoldPlan,
    private readonly shouldMask?: (detector: string, pointer: string) => boolean,
  ) {}

  /** Bytes currently held. */
  get held(): number {
    return Buffer.byteLength(this.pending);
  }

  push(text: string): string {
    const all = this.pending + text;
    // A high surrogate at the end pairs with the next delta's first char: UTF-8 cannot hold half a pair, so it waits.
    const last = all.charCodeAt(all.length - 1);
    if (!(last >= 0xd800 && last <= 0xdbff)) return this.cut(all, false);
    const out = this.cut(all.slice(0, -1), false);
    this.pending += all.slice(-1);
    return out;
  }

  flush(): string {
    return this.cut(this.pending, true);
  }

  private cut(text: string, final: boolean): string {
    if (text.length === 0) return '';
    // Scanned after the released bytes a match's context may read (a match starting there was decided before).
    const whole = Buffer.from(this.before + text, 'utf8');
    const p = whole.length - Buffer.byteLength(text, 'utf8');
    const buf = whole.subarray(p);
    const matches = shifted(this.scanner.scan(whole), p);
    let cut = final ? buf.length : this.hold.holdFrom(buf);
    if (cut <= 0) {
      this.pending = text;
      return '';
    }
    for (const m of matches) {
      if (m.start < cut && m.end > cut) cut = m.end < buf.length || final ? m.end : m.start;
    }
    while (cut > 0 && cut < buf.length && (buf[cut]! & 0xc0) === 0x80) cut--;
    let out = '';
    let at = 0;
    for (const m of matches.sort((a, b) => a.start - b.start)) {
      if (m.end > cut || m.start < at) continue;
      const d = this.scanner.detectors[m.rule]!;
      this.found.push({ start: this.released + m.start, end: this.released + m.end, detector: d.id, category: d.category, pointer: this.pointer });
      if (this.shouldMask && !this.shouldMask(d.id, this.pointer)) continue;
      out += buf.toString('utf8', at, m.start) + this.render(d.id, this.pointer);
      at = m.end;
    }
    out += buf.toString('utf8', at, cut);
    this.released += cut;
    this.pending = buf.toString('utf8', cut);
    let from = Math.max(0, p + cut - this.hold.context);
    while (from < p + cut && (whole[from]! & 0xc0) === 0x80) from++; // a whole UTF-8 character
    this.before = whole.toString('utf8', from, p + cut);
    return out;
  }
}

/**
 * Matches of a scan over `prefix` context bytes plus a text, as offsets into the text; those starting in the
 * prefix (already decided, or only context) and empty ones are dropped.
 *
 * @example
 * shifted(scanner.scan(Buffer.from(before + text)), Buffer.byteLength(before))
 */
export function shifted(matches: readonly Match[], prefix: number): Match[] {
  const out: Match[] = [];
  for (const m of matches) if (m.end > m.start && m.start >= prefix) out.push({ ...m, start: m.start - prefix, end: m.end - prefix });
  return out;
}
