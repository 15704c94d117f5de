/** @module stream/detect — collects the string values of a buffer and scans them in one batched engine call per buffer. */
import type { DetectorDefinition, Match, Scanner } from '../scan/scanner.js';
import { DecodeArena } from './escapes.js';
import type { JsonTokenizer } from './tokenizer.js';

/** A detection before pointers are known: raw byte range in the source buffer, the string value's ordinal, the rule. */
export interface RawHit {
  start: number;
  end: number;
  ordinal: number;
  rule: number;
}

/** Reusable batches for one-shot inspections, one per scanner. */
const SHARED_BATCHES = new WeakMap<Scanner, SegmentBatch>();

/** One FieldClaims per scanner. */
const SHARED_CLAIMS = new WeakMap<Scanner, FieldClaims>();

/** Bodies up to this size scan their plain and escaped values in one call (4 KB: 1.13x; gone by 16 KB: copy ≈ call). */
const MERGE_MAX_BYTES = 16 * 1024;

/** Slots of FieldClaims' direct-mapped recent-key cache (a power of two). */
const RECENT_SLOTS = 256;
const RECENT_MASK = RECENT_SLOTS - 1;

/** Scratch arena reused by synchronous one-shot inspections (JS is single-threaded; never re-entered). */
const SHARED_ARENA = new DecodeArena();

/**
 * How many bytes before a match the confirm step may read as context: the widest context window, plus the two bytes
 * its window starts early. A value or a held text tail scanned apart from the body needs these bytes before it.
 *
 * @example
 * contextReach(scanner.detectors) // 66 with the built-in set
 */
export function contextReach(detectors: readonly DetectorDefinition[]): number {
  return 2 + detectors.reduce((most, d) => Math.max(most, d.context?.window ?? 0), 0);
}

function grow(a: Uint32Array<ArrayBufferLike>, need: number): Uint32Array<ArrayBufferLike> {
  if (need <= a.length) return a;
  const b = new Uint32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Index of the last of `count` segments ([start, end) pairs in `bounds`) that starts at or before `offset`. */
function segmentOf(bounds: Uint32Array<ArrayBufferLike>, count: number, offset: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[2 * mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * String values of one source buffer waiting for detection. Plain values are scanned in place;
 * values with escapes are decoded into an arena first and matches are mapped back to raw bytes.
 *
 * @example
 * const batch = new SegmentBatch(scanner); batch.add(buf, 10, 30, 0, false); const hits = batch.scan(buf);
 */
export class SegmentBatch {
  private bounds: Uint32Array<ArrayBufferLike> = new Uint32Array(64);
  private ordinals: Uint32Array<ArrayBufferLike> = new Uint32Array(32);
  private count = 0;
  private escBounds: Uint32Array<ArrayBufferLike> = new Uint32Array(16);
  private escOrdinals: Uint32Array<ArrayBufferLike> = new Uint32Array(8);
  private escCount = 0;
  /** Raw bounds of the escaped values in `escSource` not decoded yet (from escDecoded on): decoded in one batch. */
  private escRaw: Uint32Array<ArrayBufferLike> = new Uint32Array(16);
  private escSource: Uint8Array | null = null;
  private escDecoded = 0;
  private readonly arena: DecodeArena;
  /**
   * Raw bytes before a value that the confirm step may read as context (the widest context window, plus the two
   * bytes its window starts early). A value copied to the arena gets exactly these raw body bytes before it.
   */
  readonly reach: number;
  private merged: Uint8Array = new Uint8Array(0);
  private mergedBounds: Uint32Array<ArrayBufferLike> = new Uint32Array(64);
  /** Whole-value claims by field name: [start, end, ordinal, rule] rows, reused across bodies (no regrowth). */
  private claims: Uint32Array<ArrayBufferLike> = new Uint32Array(64);
  private claimCount = 0;

  /** `shared`: use one module-wide scratch arena (for synchronous one-shot users like inspectJson). */
  constructor(private readonly scanner: Scanner, shared = false) {
    this.arena = shared ? SHARED_ARENA : new DecodeArena();
    this.reset();
    this.reach = contextReach(scanner.detectors);
  }


  /** A per-scanner batch reused by synchronous one-shot users (inspectJson); reset before use. */
  static shared(scanner: Scanner): SegmentBatch {
    let batch = SHARED_BATCHES.get(scanner);
    if (!batch) SHARED_BATCHES.set(scanner, (batch = new SegmentBatch(scanner, true)));
    batch.reset();
    return batch;
  }

  /** Number of queued values and claims. */
  get size(): number {
    return this.count + this.escCount + this.claimCount;
  }

  /**
   * Queue the raw content buf[start, end) of string value number `ordinal`. Every value is judged with the raw bytes
   * before it in `buf` as context: a plain value is scanned in place, an escaped one is decoded into the arena after
   * a copy of its `reach` raw bytes (all of a buffer's at once, at `scan`). (A stream masker puts the bytes it
   * released before `buf`'s values in front.) `buf` must not change until `scan`.
   */
  add(buf: Uint8Array, start: number, end: number, ordinal: number, escaped: boolean): void {
    if (end <= start) return;
    if (!escaped) {
      const k = this.count++;
      if (2 * k + 2 > this.bounds.length) {
        this.bounds = grow(this.bounds, 2 * k + 2);
        this.ordinals = grow(this.ordinals, k + 1);
      }
      this.bounds[2 * k] = start;
      this.bounds[2 * k + 1] = end;
      this.ordinals[k] = ordinal;
      return;
    }
    if (this.escSource !== buf) this.decodePending();
    this.escSource = buf;
    const k = this.escCount++;
    this.escBounds = grow(this.escBounds, 2 * k + 2);
    this.escRaw = grow(this.escRaw, 2 * k + 2);
    this.escOrdinals = grow(this.escOrdinals, k + 1);
    this.escRaw[2 * k] = start;
    this.escRaw[2 * k + 1] = end;
    this.escOrdinals[k] = ordinal;
  }

  /** Decode the queued escaped values into the arena (one batch: one native call with the native engine). */
  private decodePending(): void {
    const from = this.escDecoded;
    if (from === this.escCount) return;
    this.arena.decodeAll(this.escSource!, this.escRaw.subarray(2 * from), this.escCount - from, this.reach, this.escBounds.subarray(2 * from));
    this.escDecoded = this.escCount;
  }

  /** Claim the whole raw content [start, end) of value `ordinal` for `rule` (field-name detectors). */
  claim(start: number, end: number, ordinal: number, rule: number): void {
    if (end <= start) return;
    const at = 4 * this.claimCount++;
    if (at + 4 > this.claims.length) this.claims = grow(this.claims, at + 4);
    const c = this.claims;
    c[at] = start;
    c[at + 1] = end;
    c[at + 2] = ordinal;
    c[at + 3] = rule;
  }

  /** Scan everything queued (one engine call for plain values, one for escaped ones; one for both in a small body), then reset. */
  scan(source: Uint8Array): RawHit[] {
    const hits: RawHit[] = [];
    const c = this.claims;
    for (let i = 0; i < 4 * this.claimCount; i += 4) hits.push({ start: c[i]!, end: c[i + 1]!, ordinal: c[i + 2]!, rule: c[i + 3]! });
    this.decodePending();
    if (this.count > 0 && this.escCount > 0 && source.length <= MERGE_MAX_BYTES) this.scanMerged(source, hits);
    else {
      if (this.count > 0) this.collect(this.scanner.scanSegments(source, this.bounds, this.count), this.bounds, this.count, this.count, 0, hits);
      if (this.escCount > 0) {
        const arena = this.arena.bytes.subarray(0, this.arena.length);
        this.collect(this.scanner.scanSegments(arena, this.escBounds, this.escCount), this.escBounds, this.escCount, 0, 0, hits);
      }
    }
    this.reset();
    return hits.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  /**
   * Plain and escaped values of a small body in one scanner call (a call has a fixed cost of a few µs): the body,
   * then the arena. Every value's confirm step sees the bytes it sees when scanned alone: the body around a plain
   * value, and its `reach` raw context bytes (see `add`) before an arena value, which no context window reads past.
   */
  private scanMerged(source: Uint8Array, hits: RawHit[]): void {
    const arena = this.arena;
    const base = source.length;
    const size = base + arena.length;
    if (this.merged.length < size) this.merged = new Uint8Array(Math.max(size, 2 * this.merged.length));
    const merged = this.merged;
    merged.set(source, 0);
    merged.set(arena.bytes.subarray(0, arena.length), base);
    const count = this.count;
    const total = count + this.escCount;
    const bounds = (this.mergedBounds = grow(this.mergedBounds, 2 * total));
    bounds.set(this.bounds.subarray(0, 2 * count));
    for (let i = 0; i < 2 * this.escCount; i++) bounds[2 * count + i] = this.escBounds[i]! + base;
    this.collect(this.scanner.scanSegments(merged.subarray(0, size), bounds, total), bounds, total, count, base, hits);
  }

  /**
   * Hits of one scan over `total` segments: the first `plain` are plain values (offsets in the source), the rest
   * escaped values decoded into the arena, which starts at `base` in the scanned bytes (mapped back to raw bytes).
   */
  private collect(matches: readonly Match[], bounds: Uint32Array<ArrayBufferLike>, total: number, plain: number, base: number, hits: RawHit[]): void {
    for (const m of matches) {
      if (m.end <= m.start) continue;
      const k = m.segment ?? segmentOf(bounds, total, m.start);
      if (k < plain) {
        hits.push({ start: m.start, end: m.end, ordinal: this.ordinals[k]!, rule: m.rule });
        continue;
      }
      const [start, end] = this.arena.rawSpan(m.start - base, m.end - base);
      hits.push({ start, end, ordinal: this.escOrdinals[k - plain]!, rule: m.rule });
    }
  }

  /** Drop everything queued. */
  reset(): void {
    this.count = 0;
    this.escCount = 0;
    this.escDecoded = 0;
    this.escSource = null;
    this.claimCount = 0;
    this.arena.reset();
    this.arena.useNative(this.scanner.engine === 'native'); // the shared arena serves batches of both engines
  }

}

/**
 * Resolves JSON keys to the field-name detectors that claim their values, with a bounded cache keyed
 * by a hash of the raw key bytes (verified byte by byte), so no string is built per value.
 *
 * @example
 * const fields = new FieldClaims(scanner); if (fields.enabled) fields.rulesFor(tok);
 */
export class FieldClaims {
  readonly enabled: boolean;
  private readonly cache = new Map<number, Array<{ raw: Uint8Array; rules: readonly number[] }>>();
  private size = 0;
  /** Direct-mapped front of the cache (slot = hash & RECENT_MASK): field names repeat, most lookups end here. */
  private readonly recentHash = new Int32Array(RECENT_SLOTS);
  private readonly recent: ({ raw: Uint8Array; rules: readonly number[] } | undefined)[] = new Array(RECENT_SLOTS).fill(undefined);

  constructor(private readonly scanner: Scanner) {
    this.enabled = scanner.detectors.some((d) => (d.fieldNames?.length ?? 0) > 0);
  }

  /** The shared instance for `scanner` (its key cache then survives across bodies). */
  static for(scanner: Scanner): FieldClaims {
    let claims = SHARED_CLAIMS.get(scanner);
    if (!claims) SHARED_CLAIMS.set(scanner, (claims = new FieldClaims(scanner)));
    return claims;
  }

  /** Rules claiming the value of the tokenizer's innermost key. */
  rulesFor(tok: JsonTokenizer): readonly number[] {
    const h = tok.keyHash() | 0;
    const slot = h & RECENT_MASK;
    const hot = this.recent[slot];
    if (hot !== undefined && this.recentHash[slot] === h && tok.keyEquals(hot.raw)) return hot.rules;
    const bucket = this.cache.get(h);
    if (bucket) {
      for (const entry of bucket) {
        if (!tok.keyEquals(entry.raw)) continue;
        this.recentHash[slot] = h;
        this.recent[slot] = entry;
        return entry.rules;
      }
    }
    const raw = tok.keyBytes();
    const rules = this.scanner.detectorsForField(tok.key().toLowerCase());
    if (this.size >= 4096) {
      this.cache.clear();
      this.size = 0;
    }
    const entry = { raw: new Uint8Array(raw), rules }; // a copy (Buffer#slice would be a view)
    if (bucket) bucket.push(entry);
    else this.cache.set(h, [entry]);
    this.size++;
    this.recentHash[slot] = h;
    this.recent[slot] = entry;
    return rules;
  }
}
