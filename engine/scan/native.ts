/** @module scan/native — loads the libhs binding (engine/native/build/Release/sluice_hs.node), never throwing. */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** A compiled libhs database (see engine/native/src/database.cc). */
export interface NativeDatabase {
  readonly mode: 'block' | 'stream';
  /** Compiled size in bytes. */
  readonly size: number;
  /** Every end offset libhs reports: [id, end, id, end, …]. */
  scan(bytes: Uint8Array): Uint32Array;
  /** Ends of one id closer than its gap merged: [id, firstEnd, lastEnd, …]. */
  scanRanges(bytes: Uint8Array): Uint32Array;
  /**
   * Candidates per [start, end) segment: [id, firstEnd, lastEnd, segment, …], buffer-absolute ends inside the
   * segment. Sorted, disjoint, nearly contiguous segments are covered by one scan; other sets of segments are
   * copied back to back (a NUL after each) and scanned once. Either way a range may also hold ends of matches
   * that start before the segment: confirm within the segment.
   */
  scanSegments(bytes: Uint8Array, bounds: Uint32Array, count: number): Uint32Array;
  /** `scanRanges` into `out`: returns the result length; `out` holds the results only when they fit. */
  scanRangesInto(bytes: Uint8Array, out: Uint32Array): number;
  /** `scanSegments` into `out`: returns the result length; `out` holds the results only when they fit. */
  scanSegmentsInto(bytes: Uint8Array, bounds: Uint32Array, count: number, out: Uint32Array): number;
  /**
   * Candidates in non-empty regions [start, end) of `bytes` (any order), scanned by one libhs call over a copy
   * of them back to back (a NUL after each): [id, firstEnd, lastEnd, region, …] with ends in `bytes` (a match over
   * a join is dropped or only a spurious candidate). Returns the result length; `out` holds them only when they fit.
   */
  scanRegionsInto(bytes: Uint8Array, bounds: Uint32Array, count: number, out: Uint32Array): number;
  openStream(): NativeStream;
  serialize(): Buffer;
}

/** A libhs stream; ends are absolute over the whole stream. */
export interface NativeStream {
  readonly offset: number;
  /** [id, firstEnd, lastEnd, …] reported while scanning this chunk. */
  write(chunk: Uint8Array): Uint32Array;
  /** `write` into `out`: the result length when it fits in `out`, else the results as a new array. */
  writeInto(chunk: Uint8Array, out: Uint32Array): number | Uint32Array;
  /** End-of-data reports; the stream is unusable afterwards. */
  close(): Uint32Array;
}

/** The binding's exports. */
export interface NativeBinding {
  readonly version: string;
  readonly FLAGS: Readonly<Record<'CASELESS' | 'DOTALL' | 'MULTILINE' | 'SINGLEMATCH' | 'UTF8' | 'PREFILTER', number>>;
  /** Throws an Error with `expression` (index of the bad pattern) when a pattern is rejected. */
  compile(patterns: string[], flags: Uint32Array, mode: 'block' | 'stream', gaps: Uint32Array): NativeDatabase;
  deserialize(bytes: Uint8Array, mode: 'block' | 'stream', gaps: Uint32Array): NativeDatabase;
  expressionInfo(pattern: string, flags: number): { minWidth: number; maxWidth: number | null };
  /**
   * DecodeArena.decodeAll in C++ (engine/native/src/json_strings.cc): for each of `count` values [bounds[2k],
   * bounds[2k + 1]) of validated raw JSON string content in src, its `reach` context bytes and decoded form appended
   * to `out` at state[0], its runs to the run arrays at state[1], its decoded bounds to `decoded`. Returns 0 (state
   * advanced), or minus the run capacity needed (nothing committed). Absent from bindings built before it.
   */
  decodeJsonStrings?(
    src: Uint8Array, bounds: Uint32Array, count: number, reach: number, out: Uint8Array, state: Int32Array,
    runDec: Int32Array, runRaw: Int32Array, runRawLen: Int32Array, decoded: Uint32Array,
  ): number;
  /**
   * The JsonTokenizer's string loop in C++ (json_strings.cc): stop * 2 + escaped, where stop is the first index in
   * [from, to) at a quote, a control byte, or a backslash not followed by a two-byte escape within range (`to` when
   * none), and escaped = 1 when it stepped over a two-byte escape. Absent from bindings built before it.
   */
  findJsonStringStop?(bytes: Uint8Array, from: number, to: number): number;
}

/** The outcome of loading the binding: the binding, or why it is unavailable. */
export type NativeLoad =
  | { ok: true; binding: NativeBinding; path: string; libhs: string }
  | { ok: false; path: string; reason: string };

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the addon is looked for: env SLUICE_NATIVE_PATH, else engine/native/build/Release/sluice_hs.node
 * (resolved from this file, also when running from dist/).
 *
 * @example
 * nativeModulePath() // '/app/engine/native/build/Release/sluice_hs.node'
 */
export function nativeModulePath(): string {
  const override = process.env.SLUICE_NATIVE_PATH;
  if (override) return resolve(override);
  const relative = 'native/build/Release/sluice_hs.node';
  const fromSource = resolve(here, '..', relative);
  if (existsSync(fromSource)) return fromSource;
  return resolve(here, '..', '..', '..', 'engine', relative); // dist/engine/scan → engine/native
}

let cached: NativeLoad | undefined;
let cachedPath: string | undefined;

/**
 * Loads the binding once per path; any failure (missing file, missing libhs.so.5, unsupported CPU)
 * becomes `{ ok: false, reason }`.
 *
 * @example
 * const native = loadNative();
 * if (!native.ok) console.log('JS scanner, because', native.reason);
 */
export function loadNative(): NativeLoad {
  const path = nativeModulePath();
  if (cached && cachedPath === path) return cached;
  cachedPath = path;
  cached = tryLoad(path);
  return cached;
}

function tryLoad(path: string): NativeLoad {
  if (!existsSync(path)) return { ok: false, path, reason: `native addon not built (${path} is missing; run make native)` };
  try {
    const binding = createRequire(import.meta.url)(path) as NativeBinding;
    return { ok: true, binding, path, libhs: binding.version.trim().split(/\s+/)[0] ?? binding.version };
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    return { ok: false, path, reason: `native addon failed to load: ${message.split('\n')[0]}` };
  }
}
