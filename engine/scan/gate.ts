/** @module scan/gate — trigger-gated detectors: libhs scans them only in regions around their trigger's matches. */
import type { DetectorDefinition } from './scanner.js';

/** One distinct trigger pattern: its libhs flags and reach (the largest maxLength of the detectors it gates). */
export interface Trigger {
  pattern: string;
  caseless: boolean;
  reach: number;
}

/** How the native engine splits detectors into block-mode databases. */
export interface BlockPlan {
  /** Detector indexes of the main database (no prefilter, no trigger); trigger t is its local id `main.length + t`. */
  main: Uint32Array;
  triggers: Trigger[];
  /** Detectors with a `prefilter` (their own database). */
  prefiltered: Uint32Array;
  /** Detectors with a `trigger` (without a prefilter): scanned only inside trigger regions. */
  gated: Uint32Array;
  /**
   * The gated database's patterns: one detector per distinct (pattern, caseless, maxLength), so that detectors with
   * the same pattern (e.g. two nine-digit ones) cost one libhs pattern; `gatedShared[k]` lists every detector of
   * local id k (same gap, so the same candidate ranges as separate patterns).
   */
  gatedPatterns: Uint32Array;
  gatedShared: Uint32Array[];
}

/**
 * Split `detectors` for block mode. A detector with both a prefilter and a trigger is scanned by its prefilter.
 *
 * @example
 * const plan = planBlock(detectors); // plan.main, plan.triggers, plan.prefiltered, plan.gated
 */
export function planBlock(detectors: readonly DetectorDefinition[]): BlockPlan {
  const main: number[] = [];
  const prefiltered: number[] = [];
  const gated: number[] = [];
  const triggers: Trigger[] = [];
  detectors.forEach((d, i) => {
    if (d.prefilter) prefiltered.push(i);
    else if (!d.trigger) main.push(i);
    else {
      gated.push(i);
      const caseless = d.caseless === true;
      const known = triggers.find((t) => t.pattern === d.trigger && t.caseless === caseless);
      if (known) known.reach = Math.max(known.reach, d.maxLength);
      else triggers.push({ pattern: d.trigger, caseless, reach: d.maxLength });
    }
  });
  const shared = new Map<string, number[]>();
  for (const i of gated) {
    const d = detectors[i]!;
    const key = JSON.stringify([d.pattern, d.caseless === true, d.maxLength]);
    shared.set(key, [...(shared.get(key) ?? []), i]);
  }
  const gatedShared = [...shared.values()].map((list) => Uint32Array.from(list));
  return {
    main: Uint32Array.from(main), triggers, prefiltered: Uint32Array.from(prefiltered), gated: Uint32Array.from(gated),
    gatedPatterns: Uint32Array.from(gatedShared, (list) => list[0]!), gatedShared,
  };
}

/**
 * Reusable region list: [start, end) pairs in `bounds`, the caller's segment of each in `segments`.
 *
 * @example
 * const regions = new Regions(); regions.collect(found, 3, plan.main.length, plan.triggers, null, bytes.length);
 */
export class Regions {
  bounds = new Uint32Array(32);
  segments = new Uint32Array(16);
  count = 0;

  /**
   * Regions around the trigger ranges in `ranges` ([id, firstEnd, lastEnd(, segment)] with `width` 3 or 4; ids below
   * `firstTrigger` are no triggers): every match of a gated detector contains a trigger match ending at some te, so
   * it lies in [te - reach, te + reach). Clipped to the segment (width 4, `segmentBounds`) or to [0, length).
   *
   * @example
   * regions.collect(found, 3, plan.main.length, plan.triggers, null, bytes.length);
   */
  collect(ranges: Uint32Array, width: 3 | 4, firstTrigger: number, triggers: readonly Trigger[], segmentBounds: Uint32Array | null, length: number): void {
    this.count = 0;
    for (let i = 0; i < ranges.length; i += width) {
      const t = ranges[i]! - firstTrigger;
      if (t < 0) continue;
      const reach = triggers[t]!.reach;
      const segment = width === 4 ? ranges[i + 3]! : 0;
      const lo = segmentBounds ? segmentBounds[2 * segment]! : 0;
      const hi = segmentBounds ? segmentBounds[2 * segment + 1]! : length;
      this.push(Math.max(lo, ranges[i + 1]! - reach), Math.min(hi, ranges[i + 2]! + reach), segment);
    }
    if (!sortedByStart(this.bounds, this.count)) this.sort();
  }

  /** Append region [start, end) of `segment`, merged into the last one when they overlap (empty ones dropped). */
  push(start: number, end: number, segment: number): void {
    if (end <= start) return;
    const n = this.count;
    // merge with the previous region of the same segment when they touch (ranges mostly arrive in order)
    if (n > 0 && this.segments[n - 1] === segment && start <= this.bounds[2 * n - 1]! && end >= this.bounds[2 * n - 2]!) {
      this.bounds[2 * n - 2] = Math.min(this.bounds[2 * n - 2]!, start);
      this.bounds[2 * n - 1] = Math.max(this.bounds[2 * n - 1]!, end);
      return;
    }
    if (2 * n + 2 > this.bounds.length) {
      const bounds = new Uint32Array(this.bounds.length * 2);
      bounds.set(this.bounds);
      this.bounds = bounds;
      const segments = new Uint32Array(this.segments.length * 2);
      segments.set(this.segments);
      this.segments = segments;
    }
    this.bounds[2 * n] = start;
    this.bounds[2 * n + 1] = end;
    this.segments[n] = segment;
    this.count = n + 1;
  }

  /** Sort by start and merge overlaps of one segment (several triggers interleave their ranges). */
  private sort(): void {
    const order = Array.from({ length: this.count }, (_, k) => k).sort((a, b) => this.bounds[2 * a]! - this.bounds[2 * b]! || this.segments[a]! - this.segments[b]!);
    const bounds = Array.from(order, (k) => [this.bounds[2 * k]!, this.bounds[2 * k + 1]!, this.segments[k]!] as const);
    this.count = 0;
    for (const [start, end, segment] of bounds) this.push(start, end, segment);
  }
}

function sortedByStart(bounds: Uint32Array, count: number): boolean {
  for (let k = 1; k < count; k++) if (bounds[2 * k]! < bounds[2 * k - 2]!) return false;
  return true;
}
