/** @module bench/scanner — native (libhs) vs JS scanner vs one combined RegExp, MB/s on 1 MB and 16 MB payloads. */
import { builtinDetectors } from '../rules/detectors/registry.js';
import { createScanner, type Scanner } from '../engine/index.js';
import type { DetectorDefinition } from '../engine/scan/scanner.js';
import { toJsSource } from '../engine/scan/pattern.js';
import { loadNative } from '../engine/scan/native.js';
import { planBlock, Regions, type Trigger } from '../engine/scan/gate.js';
import { cachedCompile } from '../engine/scan/cache.js';
import { anthropicRequest, prose, rng } from './payloads.js';
import { isMain, measure, printTable, type BenchResult } from './types.js';

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** Today's common approach: one alternation of every detector pattern, run with exec over the decoded text. */
function combinedRegExp(): (bytes: Uint8Array) => number {
  const sources = builtinDetectors().map((d) => `(?:${toJsSource(d.pattern).replace(/\(\?<[A-Za-z_][A-Za-z0-9_]*>/g, '(?:')})`);
  const regex = new RegExp(sources.join('|'), 'g');
  return (bytes) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    let count = 0;
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) count++;
    return count;
  };
}

/**
 * The libhs work of the native scanner alone, before the JS confirm step: the main database (with the digit
 * triggers), the prefiltered one, and the trigger-gated one over the packed trigger regions.
 */
function rawLibhs(detectors: DetectorDefinition[]): (bytes: Uint8Array) => number {
  const native = loadNative();
  if (!native.ok) throw new Error(native.reason);
  const binding = native.binding;
  const plan = planBlock(detectors);
  const flag = (caseless: boolean | undefined) => (caseless ? binding.FLAGS.CASELESS : 0);
  const db = (ids: Uint32Array, triggers: Trigger[] = []) => cachedCompile(binding, {
    patterns: [...Array.from(ids, (i) => detectors[i]!.prefilter ?? detectors[i]!.pattern), ...triggers.map((t) => t.pattern)],
    flags: Uint32Array.from([...Array.from(ids, (i) => flag(detectors[i]!.caseless)), ...triggers.map((t) => flag(t.caseless))]),
    gaps: Uint32Array.from([...Array.from(ids, (i) => detectors[i]!.maxLength), ...triggers.map((t) => t.reach)]),
    mode: 'block',
  }, undefined);
  const [main, prefiltered, gated] = [db(plan.main, plan.triggers), db(plan.prefiltered), db(plan.gatedPatterns)];
  const regions = new Regions();
  let out = new Uint32Array(1 << 20);
  return (bytes) => {
    const n = main.scanRangesInto(bytes, out);
    if (n > out.length) out = new Uint32Array(2 * n); // sized once; the next call scans into it
    regions.collect(out.subarray(0, Math.min(n, out.length)), 3, plan.main.length, plan.triggers, null, bytes.length);
    const found = n + prefiltered.scanRangesInto(bytes, out);
    return found + (regions.count > 0 ? gated.scanRegionsInto(bytes, regions.bounds, regions.count, out) : 0);
  };
}

function streamScan(scanner: Scanner, bytes: Uint8Array): number {
  const stream = scanner.openStream();
  let count = 0;
  for (let at = 0; at < bytes.length; at += CHUNK) count += stream.write(bytes.subarray(at, at + CHUNK)).length;
  return count + stream.end().length;
}

/**
 * Throughput (MB/s) of each engine with the full builtin detector set on raw text with planted fake secrets
 * (1 MB and 16 MB with a secret every ~1.2 KB; 16 MB with one every ~9 KB) and a 1 MB Anthropic request body.
 * Baseline: one combined JS RegExp. Also native stream mode (64 KiB chunks) vs block mode, and libhs alone.
 *
 * @example
 * const rows = await run(); // ratio = MB/s ÷ combined RegExp MB/s
 */
export async function run(): Promise<BenchResult[]> {
  const detectors = builtinDetectors();
  const native = createScanner({ engine: 'native', detectors });
  const js = createScanner({ engine: 'js', detectors });
  const combined = combinedRegExp();
  const raw = rawLibhs(detectors);
  const payloads: [string, Buffer][] = [
    ['raw text 1 MB', Buffer.from(prose(rng(1), MB))],
    ['raw text 16 MB', Buffer.from(prose(rng(2), 16 * MB))],
    ['raw text 16 MB, sparse secrets', Buffer.from(prose(rng(4), 16 * MB, 9000))],
    ['anthropic request 1 MB', anthropicRequest(MB, 3)],
  ];
  const rows: BenchResult[] = [];
  for (const [label, bytes] of payloads) {
    const expected = js.scan(bytes).length;
    const found = native.scan(bytes).length;
    if (found !== expected || streamScan(native, bytes) !== expected) throw new Error(`${label}: engines disagree (${found} vs ${expected})`);
    const cases: Record<string, () => unknown> = {
      'combined RegExp': () => combined(bytes),
      'js scanner': () => js.scan(bytes),
      'native scanner (block)': () => native.scan(bytes),
      'native scanner (stream, 64 KiB chunks)': () => streamScan(native, bytes),
      'libhs alone (candidates, no confirm)': () => raw(bytes),
    };
    const results = await measure(`scanner ${label}`, cases);
    const mbps = (i: number) => (results[i]!.hz * bytes.length) / 1e6;
    const base = mbps(0);
    const suite = `scanner, ${label}, ${detectors.length} detectors, ${expected} findings`;
    Object.keys(cases).forEach((name, i) => {
      const note = i === 0 ? 'baseline' : i === 3 ? `${((mbps(3) / mbps(2)) * 100).toFixed(0)}% of block` : undefined;
      rows.push({ suite, name, hz: mbps(i), rme: results[i]!.rme, unit: 'MB/s', ratio: mbps(i) / base, ...(note ? { note } : {}) });
    });
  }
  return rows;
}

if (isMain(import.meta.url)) printTable(await run());
