/** @module pipeline/inspect — inspect a whole body (JSON through the stream area, NDJSON per line, forms per field, else text) and select spans to mask. */
import { isSluiceError } from '../errors.js';
import type { Match } from '../scan/scanner.js';
import type { Core } from './exchange.js';
import type { Inspection, MaskSpan } from './seams.js';
import type { Decision, FindingFact } from './types.js';
import { providerOf, type LlmApi } from './llm.js';

/** The kinds of body inspected whole (binary bodies are never inspected). */
export type InspectKind = 'json' | 'ndjson' | 'form' | 'text';

/**
 * Findings and spans of a whole body. JSON goes through `inspectJson` (malformed ⇒ SLUICE_ERR_JSON_SYNTAX);
 * NDJSON line by line (pointers `/<line>/...`), form data per field with percent-decoding (pointers `/<field>`),
 * any other body is scanned as text, its findings at path ''.
 *
 * @example
 * const { findings, spans } = inspectBody(core, bytes, 'json');
 */
export function inspectBody(core: Core, bytes: Uint8Array, kind: InspectKind, api: LlmApi | null = null): Inspection {
  const { scanner, limits } = core.opts;
  if (kind === 'json') return core.stream.inspectJson(bytes, { scanner, limits: { maxDepth: limits.depth }, extract: api !== null && { provider: providerOf(api) } });
  const spans = kind === 'ndjson' ? ndjsonSpans(core, bytes) : kind === 'form' ? formSpans(core, bytes) : textSpans(scanner.scan(bytes), 0, '');
  return { findings: summarizeSpans(spans), spans, facts: null };
}

function textSpans(matches: Match[], shift: number, pointer: string): MaskSpan[] {
  return matches.filter((m) => m.end > m.start).map((m) => ({ start: m.start + shift, end: m.end + shift, detector: m.detector, category: m.category, pointer }));
}

/** Each line: JSON spans when it parses, else text spans; offsets into the whole body. */
function ndjsonSpans(core: Core, bytes: Uint8Array): MaskSpan[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: MaskSpan[] = [];
  for (let at = 0, n = 0; at < buf.length; n++) {
    const nl = buf.indexOf(0x0a, at);
    const end = nl < 0 ? buf.length : nl;
    const line = buf.subarray(at, end > at && buf[end - 1] === 0x0d ? end - 1 : end);
    if (line.toString('latin1').trim() !== '') {
      try {
        for (const s of core.stream.inspectJson(line, { scanner: core.opts.scanner, limits: { maxDepth: core.opts.limits.depth } }).spans) {
          out.push({ ...s, start: s.start + at, end: s.end + at, pointer: `/${n}${s.pointer}` });
        }
      } catch (err) {
        if (!isSluiceError(err) || !err.code.startsWith('SLUICE_ERR_JSON')) throw err;
        out.push(...textSpans(core.opts.scanner.scan(line), at, `/${n}`));
      }
    }
    at = end + 1;
  }
  return out;
}

const decodeFormPart = (raw: string): string => {
  try { return decodeURIComponent(raw.replace(/\+/g, ' ')); } catch { return raw; }
};

/** Spans of `application/x-www-form-urlencoded`: raw matches, plus whole names/values whose percent-decoding matches. */
function formSpans(core: Core, bytes: Uint8Array): MaskSpan[] {
  const { scanner } = core.opts;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const out: MaskSpan[] = [];
  for (let at = 0; at <= text.length;) {
    const amp = text.indexOf('&', at);
    const end = amp < 0 ? text.length : amp;
    const eq = text.indexOf('=', at);
    const split = eq >= 0 && eq < end ? eq : end;
    const name = decodeFormPart(text.slice(at, split));
    for (const [from, to] of [[at, split], [split + 1, end]] as const) {
      if (to <= from) continue;
      const raw = text.slice(from, to);
      const plain = /[%+]/.test(raw) ? Buffer.from(decodeFormPart(raw), 'utf8') : null;
      const matches = scanner.scan(plain ?? Buffer.from(raw, 'latin1'));
      if (matches.length && plain) out.push({ start: from, end: to, detector: matches[0]!.detector, category: matches[0]!.category, pointer: `/${name}` });
      else out.push(...textSpans(matches, from, `/${name}`));
    }
    if (amp < 0) break;
    at = amp + 1;
  }
  return out;
}

/**
 * Group spans into findings (one per detector and pointer).
 *
 * @example
 * summarizeSpans(spans); // [{ detector: 'email', category: 'pii', path: '/0/to', count: 1 }]
 */
export function summarizeSpans(spans: MaskSpan[]): FindingFact[] {
  const byKey = new Map<string, FindingFact>();
  for (const s of spans) {
    const key = `${s.detector}\u0000${s.pointer}`;
    const f = byKey.get(key);
    if (f) f.count++;
    else byKey.set(key, { detector: s.detector, category: s.category, path: s.pointer, count: 1 });
  }
  return [...byKey.values()];
}

/**
 * The predicate "mask this detection" of a decision: detector listed (or '*'), or the pointer under a masked path.
 *
 * @example
 * const should = maskPredicate(decision); should('email', '/user/email');
 */
export function maskPredicate(decision: Decision): (detector: string, pointer: string) => boolean {
  const { detectors, paths } = decision.mask;
  const all = detectors.includes('*');
  const set = new Set(detectors);
  return (detector, pointer) => all || set.has(detector) || paths.some((p) => pointer === p || pointer.startsWith(`${p}/`));
}

/** The spans a decision masks. */
export function maskFor(decision: Decision, spans: MaskSpan[]): MaskSpan[] {
  if (decision.mask.detectors.includes('*')) return spans;
  const should = maskPredicate(decision);
  return spans.filter((s) => should(s.detector, s.pointer));
}
