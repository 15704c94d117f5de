/** @module bench/run — `make bench`: runs every bench/*.bench.ts, prints one table, writes bench/results/<file>.json. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printTable, type BenchModule, type BenchResult } from './types.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(benchDir, 'results');

/**
 * Run the bench files whose name contains one of `filters` (all when empty); returns every row.
 * Each file's rows are written to bench/results/<file>.json as they complete.
 *
 * @example
 * // tsx bench/run.ts decision identity
 * const rows = await runAll(['decision']);
 */
export async function runAll(filters: string[] = []): Promise<BenchResult[]> {
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
    .sort();
  mkdirSync(resultsDir, { recursive: true });
  const rows: BenchResult[] = [];
  const failures: string[] = [];
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`bench: ${name} …\n`);
    try {
      const module = (await import(pathToFileURL(join(benchDir, file)).href)) as BenchModule;
      const results = await module.run();
      const document = { suite: name, date: new Date().toISOString(), node: process.version, results };
      writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(document, null, 2)}\n`);
      rows.push(...results);
    } catch (err) {
      failures.push(`${name}: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
  printTable(rows);
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.length} bench file(s) failed:\n${failures.join('\n')}\n`);
    process.exitCode = 1;
  }
  return rows;
}

await runAll(process.argv.slice(2));
