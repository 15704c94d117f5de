/** @module stream/stitch — masks text that arrives in deltas, holding back only what a partial match may still cover. */
import type { Scanner } from '../scan/scanner.js';
import type { MaskSpan } from './types.js';

/**
 * Stitches the deltas of one text stream (e.g. one content block). `push` returns the text that is
 * safe to release now (masked); the last `holdBytes` bytes (the longest detector match) stay held,
 * and a match touching the held tail is held whole. `flush` releases the rest.
 *
 * @example
 * const s = new TextStitcher(scanner, '/content/0/text', render); s.push('key AKIA'); s.push('IOSFODNN7EXAMPLE'); s.flush();
 */
export class TextStitcher {
  private pending = '';
  /** Findings released so far (offsets are into the released text). */
  readonly found: MaskSpan[] = [];
  private released = 0;

  constructor(
    private readonly scanner: Scanner,
    private readonly pointer: string,
    private readonly render: (detector: string, pointer: string) => string,
    private readonly holdBytes: number,
    private readonly shouldMask?: (detector: string, pointer: string) => boolean,
  ) {}

  /** Bytes currently held. */
  get held(): number {
    return Buffer.byteLength(this.pending);
  }

  push(text: string): string {
    return this.cut(this.pending + text, false);
  }

  flush(): string {
    return this.cut(this.pending, true);
  }

  private cut(text: string, final: boolean): string {
    if (text.length === 0) return '';
    const buf = Buffer.from(text, 'utf8');
    const matches = this.scanner.scan(buf).filter((m) => m.end > m.start);
    let cut = final ? buf.length : buf.length - this.holdBytes;
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
    return out;
  }
}
