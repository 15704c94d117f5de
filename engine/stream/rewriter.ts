/** @module stream/rewriter — splice placeholders into raw JSON bytes; untouched bytes (and bodies) stay byte-identical. */
import { SluiceError } from '../errors.js';
import { JsonTokenizer, resolveLimits, type JsonLimits, type JsonVisitor } from './tokenizer.js';
import { compilePointerPatterns, type PointerPatterns } from './pointer.js';
import type { MaskSpan, Placeholder } from './types.js';

/** Options of `applyMasks`. */
export interface MaskOptions {
  /** Default `[REDACTED:{detector}]`; `{detector}` is substituted in a template string. */
  placeholder?: Placeholder;
}

/**
 * Compile a placeholder into a function returning the raw JSON bytes to splice: the escaped text
 * (inside a string) or a complete JSON string (`whole`). Results are cached per detector.
 *
 * @example
 * const render = placeholderRenderer('[REDACTED:{detector}]'); render('email', '/to', false); // bytes of [REDACTED:email]
 */
export function placeholderRenderer(placeholder: Placeholder = '[REDACTED:{detector}]'): (detector: string, pointer: string, whole: boolean) => Buffer {
  if (typeof placeholder !== 'string' && typeof placeholder !== 'function') {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'placeholder must be a string or a function');
  }
  const render = (text: string, whole: boolean): Buffer => {
    const quoted = JSON.stringify(text);
    return Buffer.from(whole ? quoted : quoted.slice(1, -1));
  };
  if (typeof placeholder === 'function') return (detector, pointer, whole) => render(String(placeholder(detector, pointer)), whole);
  // Keyed by the detector id itself (no key string built per span), one map per form.
  const inline = new Map<string, Buffer>();
  const wholes = new Map<string, Buffer>();
  return (detector, _pointer, whole) => {
    const cache = whole ? wholes : inline;
    let out = cache.get(detector);
    if (out === undefined) cache.set(detector, (out = render(placeholder.split('{detector}').join(detector), whole)));
    return out;
  };
}

/** Renderers of string placeholders, kept across calls (their rendered bytes are cached per detector). */
const RENDERERS = new Map<string, ReturnType<typeof placeholderRenderer>>();

/**
 * The renderer of `placeholder`, shared across calls for string placeholders (their bytes stay cached).
 *
 * @example
 * rendererFor('[REDACTED:{detector}]')('email', '/to', false); // bytes of [REDACTED:email]
 */
export function rendererFor(placeholder: Placeholder = '[REDACTED:{detector}]'): ReturnType<typeof placeholderRenderer> {
  if (typeof placeholder !== 'string') return placeholderRenderer(placeholder);
  let render = RENDERERS.get(placeholder);
  if (!render) {
    if (RENDERERS.size >= 64) RENDERERS.clear();
    RENDERERS.set(placeholder, (render = placeholderRenderer(placeholder)));
  }
  return render;
}

/**
 * Sort spans and merge overlapping ones (the earliest span's detector labels the merged range).
 *
 * @example
 * mergeSpans([{ start: 5, end: 9, ... }, { start: 7, end: 12, ... }]); // one span 5–12
 */
export function mergeSpans(spans: readonly MaskSpan[]): MaskSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MaskSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end || (s.whole && !last.whole)) out[out.length - 1] = { ...last, end: Math.max(last.end, s.end), whole: last.whole || s.whole };
    } else out.push(s);
  }
  return out;
}

/**
 * Replace each span of `body` by its placeholder. No span ⇒ the same `body` object is returned.
 *
 * @example
 * const { spans } = inspectJson(body, { scanner }); const masked = applyMasks(body, spans);
 */
export function applyMasks(body: Uint8Array, spans: readonly MaskSpan[], opts: MaskOptions = {}): Uint8Array {
  if (spans.length === 0) return body;
  const render = rendererFor(opts.placeholder);
  // Spans from one inspection are already sorted and disjoint: merge (copy + sort) only when they are not.
  const merged = sortedDisjoint(spans) ? spans : mergeSpans(spans);
  const src = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // A function placeholder runs user code: once per span, results kept. A string placeholder renders from a cache
  // (no user code): it is simply rendered again in the second pass (no list of results to grow).
  const replacements: Buffer[] | null = typeof opts.placeholder === 'function' ? new Array(merged.length) : null;
  let total = src.length;
  let at = 0;
  for (let k = 0; k < merged.length; k++) {
    const s = merged[k]!;
    if (s.start < at || s.end > src.length || s.start > s.end) {
      throw new SluiceError('SLUICE_ERR_INTERNAL', 'mask span out of range', { details: { start: s.start, end: s.end } });
    }
    const r = render(s.detector, s.pointer, s.whole === true);
    if (replacements !== null) replacements[k] = r;
    total += r.length - (s.end - s.start);
    at = s.end;
  }
  // One output allocation.
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  at = 0;
  for (let k = 0; k < merged.length; k++) {
    const s = merged[k]!;
    o = copyBytes(src, at, s.start, out, o);
    const r = replacements !== null ? replacements[k]! : render(s.detector, s.pointer, s.whole === true);
    out.set(r, o); // a whole Uint8Array: no view object
    o += r.length;
    at = s.end;
  }
  copyBytes(src, at, src.length, out, o);
  return out;
}

/** True when spans are sorted by start and no two overlap (mergeSpans would return them unchanged). */
function sortedDisjoint(spans: readonly MaskSpan[]): boolean {
  let at = 0;
  for (let k = 0; k < spans.length; k++) {
    const s = spans[k]!;
    if (s.start < at || (k > 0 && s.start === spans[k - 1]!.start)) return false;
    at = s.end;
  }
  return true;
}

/**
 * Copy src[from, to) to dst at `at`; returns the end offset in dst. Short runs use a byte loop
 * (Buffer#copy allocates a view per call: costly with thousands of short pieces).
 *
 * @example
 * const o = copyBytes(src, 0, 10, out, 0); // 10
 */
export function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): number {
  const n = to - from;
  if (n < 96) {
    for (let i = from; i < to; i++) dst[at++] = src[i]!;
    return at;
  }
  dst.set(new Uint8Array(src.buffer, src.byteOffset + from, n), at); // not Buffer#subarray (species constructor)
  return at + n;
}

class PathVisitor implements JsonVisitor {
  tok!: JsonTokenizer;
  readonly spans: MaskSpan[] = [];
  private readonly openAt: number[] = [];
  private readonly openMatched: boolean[] = [];

  constructor(private readonly patterns: PointerPatterns, private readonly depths: Set<number>) {}

  private hit(): boolean {
    return this.depths.has(this.tok.currentDepth) && this.patterns.matches(this.tok.pathSegments());
  }
  private add(start: number, end: number): void {
    this.spans.push({ start, end, detector: 'path', category: 'path', pointer: this.tok.pointer(), whole: true });
  }
  string(start: number, end: number, isKey: boolean): void {
    if (!isKey && this.hit()) this.add(start - 1, end + 1);
  }
  primitive(start: number, end: number): void {
    if (this.hit()) this.add(start, end);
  }
  open(offset: number): void {
    const d = this.tok.currentDepth;
    this.openMatched[d] = this.hit();
    this.openAt[d] = offset;
  }
  close(offset: number): void {
    const d = this.tok.currentDepth;
    if (this.openMatched[d]) this.add(this.openAt[d]!, offset + 1);
  }
}

/**
 * Spans replacing whole values at the given JSON pointers (`*` matches any key or index); the
 * value becomes the JSON string placeholder (detector `path`). Throws on malformed JSON.
 *
 * @example
 * applyMasks(body, spansForPaths(body, ['/metadata/user_id']));
 */
export function spansForPaths(body: Uint8Array, pointers: readonly string[], limits?: JsonLimits): MaskSpan[] {
  if (pointers.length === 0) return [];
  const patterns = compilePointerPatterns(pointers);
  const depths = new Set(pointers.map((p) => (p === '' ? 0 : p.split('/').length - 1)));
  const visitor = new PathVisitor(patterns, depths);
  const tok = new JsonTokenizer(visitor, resolveLimits(limits));
  visitor.tok = tok;
  tok.write(body);
  tok.end();
  return visitor.spans;
}
