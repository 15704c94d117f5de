/** @module stream/text-mask — mask one text that is JSON when it parses (spans in place), else plain text. */
import type { Scanner } from '../scan/scanner.js';
import { inspectJson } from './inspect.js';
import { applyMasks } from './rewriter.js';
import type { JsonLimits } from './tokenizer.js';
import type { MaskSpan, Placeholder } from './types.js';

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
