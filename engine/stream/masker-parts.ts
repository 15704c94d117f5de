/** @module stream/masker-parts — the streaming masker's value collector, its reusable tables and small helpers. */
import type { Scanner } from '../scan/scanner.js';
import type { FieldClaims, RawHit, SegmentBatch } from './detect.js';
import type { PathRecorder } from './path-record.js';
import { copyBytes } from './rewriter.js';
import type { JsonTokenizer, JsonVisitor } from './tokenizer.js';

/**
 * Collects the string values of one chunk for the streaming masker (offsets, ordinal, escape flag, field claim)
 * and feeds the path recorder; no object per value.
 *
 * @example
 * const collector = new ValueCollector(FieldClaims.for(scanner), new PathRecorder()); collector.tok = tokenizer;
 */
export class ValueCollector implements JsonVisitor {
  tok!: JsonTokenizer;
  ordinal = 0;
  /** start, end, ordinal, escaped(0/1), claimRule(-1 none) per value. */
  values: Float64Array;
  /** Entries used in `values` (5 per value); reset per chunk, the array is kept. */
  used = 0;

  constructor(
    private readonly fields: FieldClaims,
    readonly paths: PathRecorder,
    values?: Float64Array,
  ) {
    this.values = values ?? new Float64Array(320);
  }

  string(start: number, end: number, isKey: boolean, escaped: boolean): void {
    if (isKey) return this.paths.key(this.tok.currentDepth, start, end, escaped, this.tok);
    this.paths.value(this.tok, this.ordinal);
    let claim = -1;
    if (this.fields.enabled && this.tok.inObject) {
      const rules = this.fields.rulesFor(this.tok);
      if (rules.length > 0) claim = rules[0]!;
    }
    let v = this.values;
    const k = this.used;
    if (k + 5 > v.length) {
      v = new Float64Array(2 * v.length);
      v.set(this.values);
      this.values = v;
    }
    v[k] = start;
    v[k + 1] = end;
    v[k + 2] = this.ordinal++;
    v[k + 3] = escaped ? 1 : 0;
    v[k + 4] = claim;
    this.used = k + 5;
  }
  primitive(): void {}
  open(): void {
    this.paths.open(this.tok);
  }
  close(): void {}
}

/** Per-masker tables handed from an ended masker to the next one (small bodies: no construction cost). */
export interface MaskerTables {
  paths: PathRecorder;
  values: Float64Array;
  batch: SegmentBatch;
  spanBounds: Int32Array;
}

/** Tables of ended maskers, per scanner (a batch belongs to one scanner). JS is single-threaded: never shared. */
export const SPARE_TABLES = new WeakMap<Scanner, MaskerTables[]>();

/**
 * Hits sorted by start, then longest first (the order SegmentBatch#scan returns and mergeSpans uses); the same
 * array when already in that order.
 *
 * @example
 * sortedHits(batch.scan(window));
 */
export function sortedHits(hits: RawHit[]): RawHit[] {
  for (let i = 1; i < hits.length; i++) {
    const a = hits[i - 1]!;
    const b = hits[i]!;
    if (a.start > b.start || (a.start === b.start && a.end < b.end)) return [...hits].sort((x, y) => x.start - y.start || y.end - x.end);
  }
  return hits;
}

/**
 * held + chunk in one buffer.
 *
 * @example
 * concat([tail], tail.length, chunk);
 */
export function concat(held: readonly Uint8Array[], heldBytes: number, chunk: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(heldBytes + chunk.length);
  let o = 0;
  for (const h of held) o = copyBytes(h, 0, h.length, out, o);
  copyBytes(chunk, 0, chunk.length, out, o);
  return out;
}

/**
 * The last `reach` raw bytes a stream masker has released: scanned in front of what it still holds, so that context
 * words before a value or a match count as in a scan of the whole body.
 *
 * @example
 * const tail = new ReleasedTail(66); tail.push(window, cut); scanner.scan(Buffer.concat([tail.bytes(), held]));
 */
export class ReleasedTail {
  private readonly store: Uint8Array;
  private length = 0;

  constructor(reach: number) {
    this.store = new Uint8Array(reach);
  }

  /** The retained bytes (a view, valid until the next push). */
  bytes(): Uint8Array {
    return this.store.subarray(0, this.length);
  }

  /** Bytes window[0, cut) were released after the retained ones: keep the last `reach` of them all. */
  push(window: Uint8Array, cut: number): void {
    const store = this.store;
    const reach = store.length;
    if (cut >= reach) {
      store.set(window.subarray(cut - reach, cut));
      this.length = reach;
      return;
    }
    const keep = Math.min(this.length, reach - cut);
    store.copyWithin(0, this.length - keep, this.length);
    copyBytes(window, 0, cut, store, keep);
    this.length = keep + cut;
  }
}
