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

/** One measured case: the best round's rate and its margin of error. */
export interface Measured {
  name: string;
  hz: number;
  rme: number;
}

function runOnce(suite: string, cases: Record<string, () => unknown>, maxTime: number): Promise<Benchmark[]> {
  return new Promise((resolve, reject) => {
    const bench = new Benchmark.Suite(suite);
    for (const [name, fn] of Object.entries(cases)) bench.add(name, fn, { maxTime, minSamples: 5 });
    bench
      .on('error', (event: { target: { error?: unknown } }) => reject(event.target.error))
      .on('complete', function (this: Benchmark.Suite) {
        resolve(this.map((b: Benchmark) => b));
      })
      .run({ async: true });
  });
}

/**
 * Run synchronous cases with benchmark.js in several interleaved rounds (A B C, A B C, …) and keep each case's
 * best round, so load from other processes biases no case more than another. `BENCH_MAX_TIME` (seconds per
 * case, default 2) is split over `BENCH_ROUNDS` rounds (default 4).
 *
 * @example
 * const [plain, ours] = await measure('decision', { 'opa-wasm': () => p.evaluate(x), sluice: () => e.decide(x) });
 */
export async function measure(suite: string, cases: Record<string, () => unknown>): Promise<Measured[]> {
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
  const maxTime = Number(process.env.BENCH_MAX_TIME ?? 2) / rounds;
  const best = new Map<string, Measured>();
  for (let round = 0; round < rounds; round++) {
    for (const b of await runOnce(suite, cases, maxTime)) {
      const name = String(b.name);
      if (!(best.get(name)?.hz! >= b.hz)) best.set(name, { name, hz: b.hz, rme: b.stats.rme });
    }
  }
  return Object.keys(cases).map((name) => best.get(name)!);
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
