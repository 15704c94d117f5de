/** @module stream/masker — a push-based streaming JSON masker for response bodies (holds back only an open string value). */
import type { Scanner } from '../scan/scanner.js';
import { SluiceError } from '../errors.js';
import { JsonTokenizer, resolveLimits, type JsonLimits, type ResolvedLimits } from './tokenizer.js';
import { FieldClaims, SegmentBatch, type RawHit } from './detect.js';
import { FindingCounter, ROOT_PARENT } from './inspect.js';
import { PathRecorder } from './path-record.js';
import { ReleasedTail, SPARE_TABLES, ValueCollector, concat, sortedHits } from './masker-parts.js';
import { copyBytes, rendererFor } from './rewriter.js';
import type { FindingSummary, Placeholder } from './types.js';

/** Options of `createJsonMasker`. */
export interface JsonMaskerOptions {
  scanner: Scanner;
  /** Decide per finding; default: mask everything found. */
  shouldMask?: (detector: string, pointer: string) => boolean;
  placeholder?: Placeholder;
  limits?: JsonLimits;
}

/**
 * A streaming masker. `write` returns the bytes that are safe to emit now (possibly empty);
 * `end` returns the rest. Hold semantic: only an open string *value* is held back (from its
 * opening quote) until it closes, so no partially-unmasked prefix is ever emitted. On malformed
 * JSON or a broken limit, `write`/`end` throw a SluiceError: what was emitted before is a clean,
 * masked prefix, the held bytes are dropped, and the caller must abort the body (never pass the
 * rest through).
 */
export interface JsonMasker {
  write(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
  /** Findings so far (detector, path, count) — including those `shouldMask` let through. */
  findings(): FindingSummary[];
  /** Bytes currently held back. */
  readonly held: number;
}

const EMPTY = new Uint8Array(0);
const NO_HITS: RawHit[] = [];
const NO_BOUNDS = new Int32Array(0);

/**
 * Create a streaming JSON masker (see JsonMasker for the hold/abort semantic).
 *
 * @example
 * const masker = createJsonMasker({ scanner });
 * for await (const chunk of upstream) res.write(masker.write(chunk));
 * res.end(masker.end());
 */
export function createJsonMasker(opts: JsonMaskerOptions): JsonMasker {
  if (!opts?.scanner) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createJsonMasker needs a scanner');
  if (opts.shouldMask !== undefined && typeof opts.shouldMask !== 'function') {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'shouldMask must be a function');
  }
  const limits = resolveLimits(opts.limits);
  const render = rendererFor(opts.placeholder);
  return new StreamMasker(opts.scanner, limits, render, typeof opts.placeholder === 'function', opts.shouldMask);
}

class StreamMasker implements JsonMasker {
  private readonly tok: JsonTokenizer;
  private readonly collector: ValueCollector;
  private readonly paths: PathRecorder;
  private readonly batch: SegmentBatch;
  private readonly found = new FindingCounter(); // bounded by distinct (detector, pointer) pairs
  /** Held bytes: one buffer, or a list while a long string value spans several chunks. */
  private heldList: Uint8Array[] = [];
  private heldBytes = 0;
  private emitted = 0; // absolute offset of the first held byte
  /** The raw bytes released last (context for values at the start of the next window). */
  private readonly released: ReleasedTail;
  private failed: unknown = null;
  private ended = false;
  /** Placeholder bytes per rule (string placeholders render the same bytes for every span of a detector). */
  private readonly rendered: Array<Buffer | undefined> = [];
  /** Kept spans of the current chunk: start, end, rule (merged, in order); pointers only for function placeholders. */
  private spanBounds: Int32Array = NO_BOUNDS; // allocated on the first hit (then reused with the tables)
  private readonly spanPointers: string[] = [];

  constructor(
    private readonly scanner: Scanner,
    limits: ResolvedLimits,
    private readonly render: (detector: string, pointer: string, whole: boolean) => Buffer,
    private readonly renderNeedsPointer: boolean,
    private readonly shouldMask: ((detector: string, pointer: string) => boolean) | undefined,
  ) {
    const spare = SPARE_TABLES.get(scanner)?.pop();
    this.paths = spare?.paths ?? new PathRecorder();
    this.batch = spare?.batch ?? new SegmentBatch(scanner);
    if (spare) this.spanBounds = spare.spanBounds;
    this.released = new ReleasedTail(this.batch.reach);
    this.collector = new ValueCollector(FieldClaims.for(scanner), this.paths, spare?.values);
    this.tok = new JsonTokenizer(this.collector, limits);
    this.tok.useNative(scanner.engine === 'native');
    this.collector.tok = this.tok;
  }

  get held(): number {
    return this.heldBytes;
  }

  findings(): FindingSummary[] {
    return this.found.values();
  }

  write(chunk: Uint8Array): Uint8Array {
    return this.process(chunk, false);
  }

  end(): Uint8Array {
    return this.process(EMPTY, true);
  }

  private process(chunk: Uint8Array, final: boolean): Uint8Array {
    if (this.failed) throw this.failed;
    if (this.ended) {
      if (final) return EMPTY;
      this.failed = new SluiceError('SLUICE_ERR_INTERNAL', 'write after end');
      throw this.failed;
    }
    const { tok, collector, paths, batch } = this;
    const chunkStart = tok.offset;
    try {
      if (!final) {
        paths.resetChunk(chunk, chunkStart, collector.ordinal, tok); // pointers of this chunk's hits, no second pass
        collector.used = 0;
        tok.write(chunk);
      } else tok.end();
    } catch (err) {
      this.failed = err;
      this.heldList = [];
      this.heldBytes = 0;
      throw err;
    }
    const openAt = final ? -1 : tok.openValueStringStart;
    if (openAt >= 0 && openAt < chunkStart) {
      // Still inside the string value that was already held: keep holding.
      if (chunk.length > 0) this.heldList.push(chunk);
      this.heldBytes += chunk.length;
      return EMPTY;
    }
    const emitted = this.emitted;
    const values = collector.values;
    // A value within `reach` of the window start reads context words in bytes released before it: scan them in front.
    const before = this.released.bytes();
    const shift = collector.used > 0 && before.length > 0 && values[0]! - emitted < batch.reach ? before.length : 0;
    const source = shift === 0 ? (this.heldBytes === 0 ? chunk : concat(this.heldList, this.heldBytes, chunk))
      : concat(this.heldBytes === 0 ? [before] : [before, ...this.heldList], shift + this.heldBytes, chunk);
    const window = shift === 0 ? source : source.subarray(shift);
    for (let i = 0; i < collector.used; i += 5) {
      const s = values[i]! - emitted + shift;
      const e = values[i + 1]! - emitted + shift;
      if (values[i + 4]! >= 0) batch.claim(s, e, values[i + 2]!, values[i + 4]!);
      else batch.add(source, s, e, values[i + 2]!, values[i + 3] === 1);
    }
    collector.used = 0;
    const hits = batch.size > 0 ? batch.scan(source) : NO_HITS;
    if (shift > 0) {
      for (const h of hits) {
        h.start -= shift;
        h.end -= shift;
      }
    }
    const safeEnd = openAt >= 0 ? openAt : chunkStart + chunk.length;
    const cut = safeEnd - emitted;
    const out = hits.length === 0 ? window.subarray(0, cut) : this.mask(window, cut, sortedHits(hits));
    if (cut < window.length) {
      this.heldList = [window.subarray(cut)];
      this.heldBytes = window.length - cut;
    } else if (this.heldBytes !== 0) {
      this.heldList = [];
      this.heldBytes = 0;
    }
    if (cut > 0 && !final) this.released.push(window, cut);
    this.emitted = safeEnd;
    if (final) this.release();
    return out;
  }

  /**
   * Count every hit, keep those `shouldMask` allows, merge overlaps (the earliest span's detector labels
   * the merged range, as mergeSpans does) and write window[0, cut) with placeholders in one allocation.
   */
  private mask(window: Uint8Array, cut: number, hits: readonly RawHit[]): Uint8Array {
    const detectors = this.scanner.detectors;
    const paths = this.paths;
    const found = this.found;
    const shouldMask = this.shouldMask;
    let bounds = this.spanBounds;
    let kept = 0;
    let lastEnd = -1;
    let lastOrdinal = -1;
    let parent = '';
    let last = '';
    let pointer: string | null = null; // built only when needed: a new finding, shouldMask or a function placeholder
    const needPointer = shouldMask !== undefined || this.renderNeedsPointer;
    let total = cut;
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i]!;
      if (h.ordinal !== lastOrdinal) {
        lastOrdinal = h.ordinal;
        pointer = null;
        if (paths.partsOf(h.ordinal)) {
          parent = paths.parent;
          last = paths.last;
        } else {
          parent = ROOT_PARENT;
          last = '';
          pointer = '';
        }
        if (needPointer) pointer ??= parent + '/' + last;
      }
      const d = detectors[h.rule]!;
      if (!found.bump(d.id, parent, last) && found.hasRoom) found.addNew(d.id, d.category, parent, last, (pointer ??= parent + '/' + last));
      if (shouldMask !== undefined && !shouldMask(d.id, pointer!)) continue;
      if (kept > 0 && h.start < lastEnd) {
        if (h.end > lastEnd) {
          total -= h.end - lastEnd;
          bounds[3 * kept - 2] = lastEnd = h.end;
        }
        continue;
      }
      if (h.start < lastEnd || h.end > cut || h.start > h.end) {
        throw new SluiceError('SLUICE_ERR_INTERNAL', 'mask span out of range', { details: { start: h.start, end: h.end } });
      }
      if (3 * kept + 3 > bounds.length) {
        const grown = new Int32Array(Math.max(96, bounds.length * 2));
        grown.set(bounds);
        this.spanBounds = bounds = grown;
      }
      bounds[3 * kept] = h.start;
      bounds[3 * kept + 1] = lastEnd = h.end;
      bounds[3 * kept + 2] = h.rule;
      if (this.renderNeedsPointer) this.spanPointers[kept] = pointer!;
      total -= h.end - h.start;
      kept++;
    }
    if (kept === 0) return window.subarray(0, cut);
    // Placeholder bytes (rendered once per span for a function placeholder, once per rule otherwise).
    const pieces = this.spanPointers;
    const rendered = this.rendered;
    for (let k = 0; k < kept; k++) {
      const rule = bounds[3 * k + 2]!;
      const r = this.renderNeedsPointer
        ? (RENDERED_SCRATCH[k] = this.render(detectors[rule]!.id, pieces[k]!, false))
        : (rendered[rule] ??= this.render(detectors[rule]!.id, '', false));
      total += r.length;
    }
    const out = Buffer.allocUnsafe(total);
    let o = 0;
    let at = 0;
    for (let k = 0; k < kept; k++) {
      o = copyBytes(window, at, bounds[3 * k]!, out, o);
      const r = this.renderNeedsPointer ? RENDERED_SCRATCH[k]! : rendered[bounds[3 * k + 2]!]!;
      out.set(r, o); // a whole Uint8Array: no view object
      o += r.length;
      at = bounds[3 * k + 1]!;
    }
    copyBytes(window, at, cut, out, o);
    if (this.renderNeedsPointer) {
      RENDERED_SCRATCH.length = 0;
      pieces.length = 0;
    }
    return out;
  }

  /** After a clean end: hand the reusable tables to the next masker of this scanner. */
  private release(): void {
    this.ended = true;
    let spare = SPARE_TABLES.get(this.scanner);
    if (!spare) SPARE_TABLES.set(this.scanner, (spare = []));
    if (spare.length < 4) {
      this.paths.reset(EMPTY);
      spare.push({ paths: this.paths, values: this.collector.values, batch: this.batch, spanBounds: this.spanBounds });
    }
  }
}

/** Placeholders rendered by a function placeholder for the current chunk (filled and emptied synchronously). */
const RENDERED_SCRATCH: Buffer[] = [];
