/** @module scan/hyperscan — the native Scanner: libhs finds candidate end offsets, the JS confirm step extracts spans. */
import { SluiceError } from '../errors.js';
import type { DetectorDefinition, Match, Scanner, ScanStream } from './scanner.js';
import { confirmFixed, confirmRange, latin1, type CompiledRule, type TextWindow } from './confirm.js';
import { sortMatches } from './confirm-stream.js';
import { nativeStream, ResultBuffer, scanInto, StreamBuffers, type GatedStream } from './native-stream.js';
import { cachedCompile, type DatabaseSpec } from './cache.js';
import { fieldMatcher } from './fields.js';
import type { NativeBinding, NativeDatabase } from './native.js';
import { planBlock, Regions, type Trigger } from './gate.js';

/** Options of the native engine. */
export interface NativeScannerOptions {
  /** Directory for serialized databases (default `.sluice-cache`, env SLUICE_CACHE_DIR); `false`: memory only. */
  cacheDir?: string | false;
}

/**
 * Build the native scanner. Every pattern is compiled by libhs (block mode now, stream mode on first
 * `openStream`); a pattern libhs rejects, or one that can match more than `maxLength` bytes, throws
 * SLUICE_ERR_DETECTOR_COMPILE / SLUICE_ERR_DETECTOR_INVALID naming the detector.
 *
 * @example
 * const scanner = createNativeScanner(loadNativeOrThrow(), rules, detectors);
 * scanner.scan(Buffer.from('token ghp_…'));
 */
export function createNativeScanner(
  binding: NativeBinding, rules: readonly CompiledRule[], detectors: readonly DetectorDefinition[], options: NativeScannerOptions = {},
): Scanner {
  // Detectors with a `prefilter` are found by it in a database of their own: the cheap literal-led prefilters
  // would otherwise share one automaton with the rest and slow every byte down (measured ~1.8x overall).
  // Detectors with a `trigger` (digit runs: cards, SSNs, phone numbers) have no literal: sharing the main automaton
  // they cost about as much as all others together. Block mode scans their triggers in the main database and
  // them only in regions around trigger matches (stream mode too, once a region's bytes have arrived).
  const plan = planBlock(detectors);
  const flagOf = (i: number) => (detectors[i]!.caseless ? binding.FLAGS.CASELESS : 0);
  const spec = (mode: 'block' | 'stream', ids: Uint32Array, triggers: readonly Trigger[] = []): DatabaseSpec => ({
    patterns: [...Array.from(ids, (i) => detectors[i]!.prefilter ?? detectors[i]!.pattern), ...triggers.map((t) => t.pattern)],
    flags: Uint32Array.from([...Array.from(ids, flagOf), ...triggers.map((t) => (t.caseless ? binding.FLAGS.CASELESS : 0))]),
    gaps: Uint32Array.from([...Array.from(ids, (i) => rules[i]!.maxLength), ...triggers.map((t) => t.reach)]),
    mode,
  });
  checkWidths(binding, rules);
  // block databases: [main + triggers, prefiltered, gated], each only when it has patterns
  const groups = [plan.main, plan.prefiltered, plan.gatedPatterns];
  const block = groups.map((ids, k) => (ids.length + (k === 0 ? plan.triggers.length : 0) === 0 ? null
    : compile(binding, spec('block', ids, k === 0 ? plan.triggers : []), detectors, ids, options.cacheDir)));
  // stream databases: [main + triggers, prefiltered]; the gated block database serves stream regions too
  const streamGroups = [plan.main, plan.prefiltered];
  const streamTriggers = (k: number) => (k === 0 ? plan.triggers : []);
  const gatedStream: GatedStream | null = block[2] ? { db: block[2], ids: plan.gated, shared: plan.gatedShared, triggers: plan.triggers, firstTrigger: plan.main.length } : null;
  let streamDbs: (NativeDatabase | null)[] | undefined;
  const forField = fieldMatcher(detectors);
  const regions = new Regions();
  const streamBuffers = new StreamBuffers();
  // One reusable result buffer per database: scans allocate nothing on the JS side unless results outgrow it.
  const outs = block.map(() => new ResultBuffer(new Uint32Array(1024)));
  const empty = new Uint32Array(0);
  const parts: Part[] = groups.map((ids) => ({ ranges: empty, ids, shared: null, width: 3, segments: null, fixed: null }));
  parts[2]!.shared = plan.gatedShared;
  parts[0]!.fixed = fixedWidths(binding, rules); // main-database reports are exact pattern ends (no prefilter, no packing)
  const gatedScan = (bytes: Uint8Array): Uint32Array => {
    const db = block[2]!;
    if (regions.count === 0) return empty;
    return scanInto(outs[2]!, (out) => db.scanRegionsInto(bytes, regions.bounds, regions.count, out));
  };

  // A block scan (bounds null: rows of width 3) or a segment scan (rows of width 4: the fourth is the segment).
  const scanParts = (bytes: Uint8Array, bounds: Uint32Array | null, count: number): Match[] => {
    const width = bounds === null ? 3 : 4;
    for (let k = 0; k < 2; k++) {
      const db = block[k];
      parts[k]!.ranges = !db ? empty
        : scanInto(outs[k]!, (out) => (bounds === null ? db.scanRangesInto(bytes, out) : db.scanSegmentsInto(bytes, bounds, count, out)));
      parts[k]!.width = width;
    }
    if (block[2]) {
      regions.collect(parts[0]!.ranges, width, plan.main.length, plan.triggers, bounds, bytes.length);
      parts[2]!.ranges = gatedScan(bytes);
      parts[2]!.width = 4;
      parts[2]!.segments = bounds === null ? null : regions.segments;
    }
    return confirmRanges(rules, bytes, parts, bounds);
  };

  return {
    engine: 'native',
    detectors,
    scan(bytes: Uint8Array): Match[] {
      return scanParts(bytes, null, 0);
    },
    scanSegments(bytes: Uint8Array, bounds: Uint32Array, count: number): Match[] {
      return scanParts(bytes, bounds, count);
    },
    openStream(): ScanStream {
      streamDbs ??= streamGroups.map((ids, k) => (ids.length + streamTriggers(k).length === 0 ? null : compile(binding, spec('stream', ids, streamTriggers(k)), detectors, ids, options.cacheDir)));
      const live = streamGroups.flatMap((ids, k) => (streamDbs![k] ? [k] : []));
      return nativeStream(live.map((k) => streamDbs![k]!), live.map((k) => streamGroups[k]!), rules, gatedStream, live[0] === 0 ? parts[0]!.fixed : null, streamBuffers);
    },
    detectorsForField: forField,
  };
}

function compile(
  binding: NativeBinding, spec: DatabaseSpec, detectors: readonly DetectorDefinition[], ids: Uint32Array, cacheDir?: string | false,
): NativeDatabase {
  try {
    return cachedCompile(binding, spec, cacheDir);
  } catch (err) {
    const local = (err as { expression?: number }).expression ?? -1;
    const index = local >= 0 && local < ids.length ? ids[local]! : -1;
    const id = detectors[index]?.id ?? '(database)';
    throw new SluiceError('SLUICE_ERR_DETECTOR_COMPILE', `${id}: libhs: ${(err as Error).message}`, {
      details: { detector: id, expression: index },
      cause: err,
    });
  }
}

const widths = new Map<string, number | null>();

/** libhs knows each pattern's widest match; the confirm window (maxLength) must cover it. */
function checkWidths(binding: NativeBinding, rules: readonly CompiledRule[]): void {
  for (const rule of rules) for (const pattern of rule.def.prefilter ? [rule.def.pattern, rule.def.prefilter] : [rule.def.pattern]) checkWidth(binding, rule, pattern);
}

function checkWidth(binding: NativeBinding, rule: CompiledRule, pattern: string): void {
  const flags = rule.def.caseless ? binding.FLAGS.CASELESS : 0;
  const key = `${flags}:${pattern}`;
  let maxWidth = widths.get(key);
  if (maxWidth === undefined) {
    try {
      maxWidth = binding.expressionInfo(pattern, flags).maxWidth;
    } catch (err) {
      throw new SluiceError('SLUICE_ERR_DETECTOR_COMPILE', `${rule.def.id}: libhs: ${(err as Error).message}`, { details: { detector: rule.def.id }, cause: err });
    }
    widths.set(key, maxWidth);
  }
  if (maxWidth === null || maxWidth > rule.maxLength) {
    const width = maxWidth === null ? 'unbounded' : `${maxWidth} bytes`;
    throw new SluiceError('SLUICE_ERR_DETECTOR_INVALID', `${rule.def.id}: ${pattern === rule.def.pattern ? 'the pattern' : 'the prefilter'} can match ${width}, more than maxLength ${rule.maxLength}`, {
      details: { detector: rule.def.id },
    });
  }
}

/**
 * libhs results of one database: [id, firstEnd, lastEnd(, segment)] rows of `width`; `ids` maps local ids to rules
 * (ids beyond it are triggers, skipped). With width 4, the fourth column is the scanned segment: `segments` maps it
 * to the caller's segment (gated regions), else it is the caller's segment itself (or ignored in a block scan).
 */
interface Part {
  ranges: Uint32Array;
  ids: Uint32Array;
  /** Per local id: every rule sharing its pattern (see BlockPlan.gatedShared), or null (one rule: `ids`). */
  shared: readonly Uint32Array[] | null;
  width: 3 | 4;
  segments: Uint32Array | null;
  /** Per rule: its pattern's width when every match has it (exact reports only), else 0. */
  fixed: Int32Array | null;
}

/**
 * Widths of fixed-width patterns whose single report can be confirmed without a RegExp pass (confirmFixed): case-
 * sensitive (libhs and JS agree byte for byte), no secret group to locate, no prefilter or trigger.
 */
function fixedWidths(binding: NativeBinding, rules: readonly CompiledRule[]): Int32Array {
  const fixed = new Int32Array(rules.length);
  for (const rule of rules) {
    const def = rule.def;
    if (def.caseless || def.secretGroup !== undefined || def.prefilter || def.trigger) continue;
    const info = binding.expressionInfo(def.pattern, 0);
    if (info.maxWidth !== null && info.minWidth === info.maxWidth) fixed[rule.index] = info.maxWidth;
  }
  return fixed;
}

/**
 * Bytes decoded on both sides of a candidate window, so that candidates nearby reuse it. 32 reuses as often as 96
 * did (984 decodes per dense MB either way, 1280 with none) and decodes 174 KB instead of 300 KB per MB.
 */
const WINDOW_SLACK = 32;

/**
 * Decoded text around candidates: the whole body when candidates are dense, else one window per site that nearby
 * candidates reuse (a card number is also a phone, SSN and routing candidate). A window larger than needed changes no
 * result (as `whole` shows). A class rather than a closure per call (see README, hot-path rules).
 */
class DecodedWindows {
  private recent: TextWindow = { text: '', base: 0 };
  constructor(private readonly view: Buffer, private readonly whole: TextWindow | null) {}

  of(base: number, to: number): TextWindow {
    if (this.whole !== null) return this.whole;
    const recent = this.recent;
    if (base >= recent.base && to <= recent.base + recent.text.length) return recent;
    const from = Math.max(0, base - WINDOW_SLACK);
    return (this.recent = { text: latin1(this.view, from, Math.min(this.view.length, to + WINDOW_SLACK)), base: from });
  }
}

/** Confirm every part's ranges in windows of each rule's maxLength; `bounds`: the caller's segments, or null (block). */
function confirmRanges(rules: readonly CompiledRule[], bytes: Uint8Array, parts: readonly Part[], bounds: Uint32Array | null): Match[] {
  let rows = 0;
  for (const part of parts) rows += part.ranges.length / part.width;
  if (rows === 0) return [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Dense candidates: decode once and slice (O(1) in V8) rather than decoding overlapping windows.
  const whole = rows * 256 > bytes.length ? { text: view.toString('latin1'), base: 0 } : null;
  const windows = new DecodedWindows(view, whole);
  const out: Match[] = [];
  for (const { ranges, ids, shared, width, segments, fixed } of parts) {
    for (let i = 0; i < ranges.length; i += width) {
      const local = ranges[i]!;
      if (local >= ids.length) continue; // a trigger
      const first = ranges[i + 1]!;
      const last = ranges[i + 2]!;
      const segment = bounds === null ? undefined : segments === null ? ranges[i + 3]! : segments[ranges[i + 3]!]!;
      const lo = segment !== undefined ? bounds![2 * segment]! : 0;
      const hi = segment !== undefined ? bounds![2 * segment + 1]! : bytes.length;
      const sharing = shared === null ? null : shared[local]!;
      const count = sharing === null ? 1 : sharing.length;
      for (let j = 0; j < count; j++) {
        const rule = rules[sharing === null ? ids[local]! : sharing[j]!]!;
        const from = Math.max(lo, first - rule.maxLength);
        const to = Math.min(hi, last + 1);
        const exact = fixed !== null && first === last ? fixed[rule.index]! : 0;
        if (exact > 0) {
          const base = Math.max(0, last - exact - 2 - rule.contextWindow);
          confirmFixed(rule, windows.of(base, to), exact, last, from, lo, hi, out, segment);
          continue;
        }
        const base = Math.max(0, from - 2 - rule.contextWindow);
        confirmRange(rule, windows.of(base, to), from, to, lo, hi, out, segment);
      }
    }
  }
  return sortMatches(out);
}
