/** @module scan/native-stream — the native engine's stream mode: libhs streams, trigger-gated regions, shared confirm. */
import { SluiceError } from '../errors.js';
import type { Match, ScanStream } from './scanner.js';
import type { CompiledRule } from './confirm.js';
import { ConfirmState, mergeInto } from './confirm-stream.js';
import { Regions, type Trigger } from './gate.js';
import type { NativeDatabase } from './native.js';

/** Trigger-gated detectors in stream mode: a block database scanned over each trigger region once it is complete. */
export interface GatedStream {
  db: NativeDatabase;
  /** Every gated detector index. */
  ids: Uint32Array;
  /** Local id in `db` → the detector indexes sharing its pattern (BlockPlan.gatedShared). */
  shared: readonly Uint32Array[];
  triggers: readonly Trigger[];
  /** Local id of trigger 0 in the first stream database (the main one). */
  firstTrigger: number;
}

/** A reusable result array for libhs `*Into` scans, grown to the largest result (see scanInto). */
export class ResultBuffer {
  constructor(public out: Uint32Array) {}
}

/**
 * A libhs block scan into `buffer` (no allocation while results fit): when they do not, the buffer grows and the
 * scan runs again (a block scan can be repeated). Returns the results.
 *
 * @example
 * const rows = scanInto(buffer, (out) => db.scanRangesInto(bytes, out));
 */
export function scanInto(buffer: ResultBuffer, scan: (out: Uint32Array) => number): Uint32Array {
  let n = runScan(() => scan(buffer.out));
  if (n > buffer.out.length) {
    buffer.out = new Uint32Array(Math.max(n, 2 * buffer.out.length));
    n = runScan(() => scan(buffer.out));
  }
  return buffer.out.subarray(0, n);
}

/**
 * Result buffers of the native streams of one scanner, shared: a stream uses them only inside `write` / `end`
 * (synchronous), so one grown pair serves every stream, and a new stream's first large write neither rescans its
 * trigger regions into a larger buffer nor gets its rows as a new array.
 *
 * @example
 * const buffers = new StreamBuffers(); nativeStream(dbs, groups, rules, null, null, buffers);
 */
export class StreamBuffers {
  /** Results of the libhs stream writes (grown to the largest write's). */
  rows = new Uint32Array(256);
  /** Results of the trigger-region scans. */
  readonly regions = new ResultBuffer(new Uint32Array(64));
  /** The trigger regions of one scan (filled and used inside it). */
  readonly bounds = new Regions();
}

/**
 * Run a libhs call, turning its failure into SLUICE_ERR_SCAN.
 *
 * @example
 * const rows = runScan(() => db.scanRanges(bytes));
 */
export function runScan<T>(scan: () => T): T {
  try {
    return scan();
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_SCAN', (err as Error).message, { cause: err });
  }
}

/**
 * A stream over libhs stream databases `dbs` (local ids mapped to rules by `groups`; ids past a group are
 * triggers of the first one). Gated detectors are block-scanned over each trigger region [te - reach, te + reach)
 * once its bytes have arrived; until then their confirm windows stay open (ConfirmState horizon), so every
 * chunking gives the block result.
 *
 * `fixed`: per rule, the width of a fixed-width pattern of the first database (see confirmFixed), or null.
 * `buffers`: the scanner's shared result buffers.
 *
 * @example
 * const stream = nativeStream(streamDbs, groups, rules, gated, null, new StreamBuffers()); stream.write(chunk); stream.end();
 */
export function nativeStream(
  dbs: readonly NativeDatabase[], groups: readonly Uint32Array[], rules: readonly CompiledRule[], gated: GatedStream | null, fixed: Int32Array | null,
  buffers: StreamBuffers,
): ScanStream {
  const streams = dbs.map((db) => db.openStream());
  const state = new ConfirmState(rules, [], 'bytes', fixed);
  const pending: number[] = []; // trigger regions [start, end) not scanned yet, in order
  const regions = buffers.bounds;
  const maxReach = gated ? Math.max(...gated.triggers.map((t) => t.reach)) : 0;
  let ended = false;

  const addRegion = (from: number, end: number) => {
    const start = Math.max(0, from);
    const n = pending.length;
    if (n === 0 || start > pending[n - 1]!) pending.push(start, end);
    else if (start >= pending[n - 2]!) pending[n - 1] = Math.max(pending[n - 1]!, end);
    else mergeInto(pending, start, end); // a longer-reach trigger's region starts before the last one: keep them sorted
  };
  const mark = (ranges: Uint32Array, ids: Uint32Array, k: number) => {
    for (let i = 0; i < ranges.length; i += 3) {
      const local = ranges[i]!;
      if (local >= ids.length) {
        if (gated && k === 0) addRegion(ranges[i + 1]! - gated.triggers[local - gated.firstTrigger]!.reach, ranges[i + 2]! + gated.triggers[local - gated.firstTrigger]!.reach);
        continue;
      }
      const rule = rules[ids[local]!]!;
      const exact = k === 0 && ranges[i + 1] === ranges[i + 2] ? ranges[i + 2]! : -1; // main database: exact pattern ends
      state.mark(rule.index, ranges[i + 1]! - rule.maxLength, ranges[i + 2]! + 1, exact); // the block scan's window
    }
  };
  /** Scan the complete regions (all of them, clipped, when `final`) and mark their candidates. */
  const scanRegions = (g: GatedStream, final: boolean) => {
    const limit = state.limit;
    let n = 0;
    while (n < pending.length && (final || pending[n + 1]! <= limit)) n += 2;
    if (n > 0) {
      const from = pending[0]!;
      const to = Math.min(limit, pending[n - 1]!);
      regions.count = 0;
      for (let k = 0; k < n; k += 2) regions.push(pending[k]! - from, Math.min(limit, pending[k + 1]!) - from, 0);
      pending.splice(0, n);
      if (regions.count > 0) {
        const bytes = state.bytes(from, to);
        const rows = scanInto(buffers.regions, (out) => g.db.scanRegionsInto(bytes, regions.bounds, regions.count, out));
        for (let i = 0; i < rows.length; i += 4) {
          for (const r of g.shared[rows[i]!]!) {
            const rule = rules[r]!;
            state.mark(rule.index, from + rows[i + 1]! - rule.maxLength, from + rows[i + 2]! + 1);
          }
        }
      }
    }
    // later gated candidates end after a pending region's start or after a future trigger's region start
    const horizon = final ? Infinity : Math.min(pending.length > 0 ? pending[0]! : Infinity, limit + 1 - maxReach);
    for (const r of g.ids) state.setHorizon(r, horizon);
  };

  return {
    write(chunk: Uint8Array): Match[] {
      if (ended) throw new SluiceError('SLUICE_ERR_SCAN', 'write after end of stream');
      for (let k = 0; k < streams.length; k++) {
        const found = runScan(() => streams[k]!.writeInto(chunk, buffers.rows));
        if (typeof found !== 'number') buffers.rows = new Uint32Array(2 * found.length); // larger for the next chunk
        mark(typeof found === 'number' ? buffers.rows.subarray(0, found) : found, groups[k]!, k);
      }
      state.append(chunk);
      if (gated) scanRegions(gated, false);
      return state.confirm(false);
    },
    end(): Match[] {
      if (ended) return [];
      ended = true;
      for (let k = 0; k < streams.length; k++) mark(runScan(() => streams[k]!.close()), groups[k]!, k);
      if (gated) scanRegions(gated, true);
      return state.confirm(true);
    },
  };
}
