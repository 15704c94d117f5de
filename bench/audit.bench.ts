/** @module bench/audit — audit append throughput (hash chain, fsync policies) vs a plain JSON Lines write stream, same run. */
import { createWriteStream, mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Benchmark from 'benchmark';
import { canonicalJson, createAuditLog, type AuditEvent, type AuditLog } from '../engine/index.js';
import { sampleExchange } from '../engine/audit/fixtures/events.js';
import { isMain, measure, printTable, type BenchResult } from './types.js';

const BATCH = 100; // events appended concurrently per operation, as a busy service would

function runSuite(suite: Benchmark.Suite): Promise<Benchmark[]> {
  return new Promise((resolve, reject) => {
    suite
      .on('error', (e: { target: { error?: unknown } }) => reject(e.target.error))
      .on('complete', function (this: Benchmark.Suite) {
        resolve(this.map((b: Benchmark) => b));
      })
      .run({ async: true });
  });
}
const deferred = (fn: () => Promise<unknown>) => ({
  defer: true,
  maxTime: Number(process.env.BENCH_MAX_TIME ?? 2),
  fn: (d: { resolve(): void }) => void fn().then(() => d.resolve()),
});

/**
 * Events/s appended: the usual approach (JSON.stringify lines to a write stream, pino-style, no integrity)
 * and sync appendFile, against createAuditLog with fsync never / interval / always.
 *
 * @example
 * printTable(await run());
 */
export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-audit-bench-'));
  const events: AuditEvent[] = Array.from({ length: BATCH }, (_, i) => sampleExchange('bench', `x${i}`)[i % 2]!);
  const stream = createWriteStream(join(dir, 'plain.jsonl'), { flags: 'a' });
  const plainStream = () =>
    new Promise<void>((resolve) => {
      for (const e of events) stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
      stream.write('', () => resolve());
    });
  const appendSync = async () => {
    for (const e of events) appendFileSync(join(dir, 'append.jsonl'), `${JSON.stringify(e)}\n`);
  };
  const logs: Record<string, AuditLog> = {};
  for (const fsync of ['never', 'interval', 'always'] as const) logs[fsync] = createAuditLog({ path: join(dir, `${fsync}.jsonl`), fsync, maxFileBytes: 256 << 20 });
  const sluice = (log: AuditLog) => () => Promise.all(events.map((e) => log.append(e)));
  try {
    const results = await runSuite(
      new Benchmark.Suite('audit append')
        .add('write stream JSON lines (pino-style, no chain)', deferred(plainStream))
        .add('appendFileSync per event', deferred(appendSync))
        .add('sluice fsync=never', deferred(sluice(logs.never!)))
        .add('sluice fsync=interval', deferred(sluice(logs.interval!)))
        .add('sluice fsync=always (group commit)', deferred(sluice(logs.always!))),
    );
    const base = results[0]!.hz * BATCH;
    const rows: BenchResult[] = results.map((b, i) => ({
      suite: 'audit append',
      name: b.name!,
      hz: b.hz * BATCH,
      rme: b.stats.rme,
      unit: 'events/s',
      ...(i > 0 ? { ratio: (b.hz * BATCH) / base, note: 'ratio vs write stream' } : {}),
    }));
    const event = events[0]!;
    const [plain, chained] = await measure('audit record', {
      'JSON.stringify': () => JSON.stringify(event),
      'canonical JSON + SHA-256': () => createHash('sha256').update(canonicalJson(event)).digest('hex'),
    });
    rows.push({ suite: 'audit record', name: plain!.name!, hz: plain!.hz, rme: plain!.rme, unit: 'records/s' });
    rows.push({ suite: 'audit record', name: chained!.name!, hz: chained!.hz, rme: chained!.rme, unit: 'records/s', ratio: chained!.hz / plain!.hz, note: 'ratio vs JSON.stringify' });
    return rows;
  } finally {
    await Promise.all(Object.values(logs).map((l) => l.close()));
    stream.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printTable(await run());
