/** @module bench/mask — Sluice tokenize+detect+mask vs JSON.parse and the naive parse+walk+regex+stringify mask; 1 GiB RSS check. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyMasks, builtinDetectors, createJsonMasker, createScanner, inspectJson, scannerInfo, type Scanner } from '../engine/index.js';
import { toJsSource } from '../engine/scan/pattern.js';
import { chunked, streamPayloads } from './tokenizer.bench.js';
import { isMain, measure, printTable, type BenchResult } from './types.js';

/** Today's common approach: JSON.parse, walk every string, one combined RegExp replace, JSON.stringify. */
function naiveMasker(): (bytes: Buffer) => string {
  const sources = builtinDetectors().map((d) => `(?:${toJsSource(d.pattern).replace(/\(\?<[A-Za-z_][A-Za-z0-9_]*>/g, '(?:')})`);
  const regex = new RegExp(sources.join('|'), 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(regex, '[REDACTED]');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
    }
    return v;
  };
  return (bytes) => JSON.stringify(walk(JSON.parse(bytes.toString('utf8'))));
}

function streamMask(scanner: Scanner, bytes: Buffer): number {
  const m = createJsonMasker({ scanner });
  let n = 0;
  chunked(bytes, (c) => (n += m.write(c).length));
  return n + m.end().length;
}

/** Peak RSS growth of a child streaming BENCH_RSS_BYTES (default 1 GiB) through the masker. */
function rssRow(): BenchResult {
  const script = fileURLToPath(new URL('./mask-rss.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { bytes: number; engine: string; peakGrowthMiB: number; mbps: number };
  return {
    suite: `mask, ${(r.bytes / 2 ** 30).toFixed(2)} GiB streamed in 64 KiB chunks (child process, ${r.engine})`,
    name: 'peak RSS growth',
    hz: r.peakGrowthMiB,
    rme: 0,
    unit: 'MiB',
    note: `target ≤ 64 MiB; ${r.mbps.toFixed(0)} MB/s`,
  };
}

/**
 * MB/s of JSON.parse (baseline), the naive mask, and Sluice's full pipeline with the complete builtin
 * detector set: streaming masker (64 KiB chunks) with the JS and native scanners, and inspectJson +
 * applyMasks (request path). ratio = ÷ JSON.parse; note = ÷ naive. Targets on 1 MB with native:
 * ≥ 1.0× JSON.parse and ≥ 5× naive.
 *
 * @example
 * printTable(await run());
 */
export async function run(): Promise<BenchResult[]> {
  const js = createScanner({ engine: 'js' });
  const hasNative = scannerInfo('native').engine === 'native';
  const native = hasNative ? createScanner({ engine: 'native' }) : null;
  const naive = naiveMasker();
  const rows: BenchResult[] = [];
  for (const [label, bytes] of streamPayloads()) {
    const cases: Record<string, () => unknown> = {
      'JSON.parse (buffered)': () => JSON.parse(bytes.toString('utf8')),
      'naive mask (parse+walk+regex+stringify)': () => naive(bytes),
      'sluice stream mask, js scanner': () => streamMask(js, bytes),
    };
    if (native) {
      cases['sluice stream mask, native scanner'] = () => streamMask(native, bytes);
      cases['sluice inspectJson+applyMasks, native'] = () => applyMasks(bytes, inspectJson(bytes, { scanner: native }).spans);
    }
    const found = inspectJson(bytes, { scanner: native ?? js }).spans.length;
    const results = await measure(`mask ${label}`, cases);
    const mbps = (i: number) => (results[i]!.hz * bytes.length) / 1e6;
    Object.keys(cases).forEach((name, i) => {
      const note = i === 0 ? 'baseline' : `${(mbps(i) / mbps(1)).toFixed(2)}x naive`;
      rows.push({ suite: `mask, ${label}, ${found} spans`, name, hz: mbps(i), rme: results[i]!.rme, unit: 'MB/s', ratio: mbps(i) / mbps(0), note });
    });
  }
  if (process.env.BENCH_RSS !== '0') rows.push(rssRow());
  return rows;
}

if (isMain(import.meta.url)) printTable(await run());
