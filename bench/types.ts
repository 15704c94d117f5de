/** @module bench/types — the row every bench file's `run()` returns, and the shared bench helpers. */
import { pathToFileURL } from 'node:url';
import Benchmark from 'benchmark';

/** One measured case. `ratio` compares it with the suite's common-approach baseline (> 1 = faster). */
export interface BenchResult {
  suite: string;
  name: string;
  /** Operations per second. */
  hz: number;
  /** Relative margin of error, in percent. */
  rme: number;
  /** What one operation is, e.g. `decisions/s`. */
  unit?: string;
  ratio?: number;
  note?: string;
}

/** A bench file: `export async function run(): Promise<BenchResult[]>`. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/**
 * True when the calling module is the process entry (`tsx bench/x.bench.ts`), so it runs standalone.
 *
 * @example
 * if (isMain(import.meta.url)) printTable(await run());
 */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]!).href;
}

/**
 * Run synchronous cases interleaved in one benchmark.js suite; returns them in the order given.
 * `BENCH_MAX_TIME` (seconds per case, default 2) trades precision for time.
 *
 * @example
 * const [plain, ours] = await measure('decision', { 'opa-wasm': () => p.evaluate(x), sluice: () => e.decide(x) });
 */
export function measure(suite: string, cases: Record<string, () => unknown>): Promise<Benchmark[]> {
  const maxTime = Number(process.env.BENCH_MAX_TIME ?? 2);
  return new Promise((resolve, reject) => {
    const bench = new Benchmark.Suite(suite);
    for (const [name, fn] of Object.entries(cases)) bench.add(name, fn, { maxTime, minSamples: 10 });
    bench
      .on('error', (event: { target: { error?: unknown } }) => reject(event.target.error))
      .on('complete', function (this: Benchmark.Suite) {
        resolve(this.map((b: Benchmark) => b));
      })
      .run({ async: true });
  });
}

/**
 * Print rows as one aligned table (suite, case, ops/s, ±rme, ratio, note).
 *
 * @example
 * printTable(await run());
 */
export function printTable(rows: BenchResult[], out: NodeJS.WritableStream = process.stdout): void {
  const header = ['suite', 'case', 'ops/s', '±rme', 'ratio', 'note'];
  const cells = rows.map((r) => [
    r.suite,
    r.name,
    `${Math.round(r.hz).toLocaleString('en')} ${r.unit ?? ''}`.trim(),
    `${r.rme.toFixed(1)}%`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 2 || i === 3 || i === 4 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  out.write(`${line(header).trimEnd()}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of cells) out.write(`${line(c).trimEnd()}\n`);
}
