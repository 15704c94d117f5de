/** @module bench/mask-rss — child process: stream a generated body (default 1 GiB) through the JSON masker; prints peak RSS growth as JSON. */
import { createJsonMasker, createScanner } from '../engine/index.js';
import { recordList } from './payloads.js';

const total = Number(process.env.BENCH_RSS_BYTES ?? 1024 * 1024 * 1024);
const engine = (process.env.BENCH_RSS_ENGINE ?? 'auto') as 'auto' | 'js' | 'native';
const scanner = createScanner({ engine });
// One 64 KiB slice of array elements, repeated: generated once, never stored whole.
const list = recordList(256 * 1024, 9).toString();
const inner = list.slice(1, list.lastIndexOf('}', 64 * 1024) + 1);
const element = Buffer.from(inner + ',');
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
let peakHeap = 0;
let peakExternal = 0;
const masker = createJsonMasker({ scanner });
let sent = 0;
let out = 0;
const started = performance.now();
out += masker.write(Buffer.from('[')).length;
while (sent < total) {
  out += masker.write(Buffer.from(element)).length; // a fresh Buffer per chunk, as a socket would deliver
  sent += element.length;
  if ((sent / element.length) % 64 === 0) {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
  }
}
out += masker.write(Buffer.from('0]')).length + masker.end().length;
peak = Math.max(peak, process.memoryUsage().rss);
const seconds = (performance.now() - started) / 1000;
global.gc?.();
const retainedHeapMiB = process.memoryUsage().heapUsed / 2 ** 20; // after a full GC: a leak would show here
process.stdout.write(JSON.stringify({ bytes: sent, out, engine: scanner.engine, baselineMiB: baseline / 2 ** 20, peakGrowthMiB: (peak - baseline) / 2 ** 20, peakHeapMiB: peakHeap / 2 ** 20, retainedHeapMiB, peakExternalMiB: peakExternal / 2 ** 20, mbps: sent / 1e6 / seconds }) + '\n');
