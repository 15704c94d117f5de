/** @module bench/latency — per-request latency at a fixed, unsaturated request rate (requests sent on a schedule, µs resolution). */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';

/** Latency percentiles in milliseconds, and how many requests were measured. */
export interface Latency { p50: number; p99: number; count: number }

/** Options of a fixed-rate run. */
export interface FixedRate { rate: number; seconds: number; body: string; headers: Record<string, string> }

/** The first second of requests warms the client and server up (JIT) and is not recorded. */
const WARM_SECONDS = 1;

const percentile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

/**
 * Send POSTs at `rate` per second for `seconds` (after a warm-up second), each timed from when it is sent. The rate is far below
 * saturation, so requests do not queue behind each other (timing from the schedule would count timer lateness). Runs in this process: use it when the client is what is measured (undici).
 *
 * @example
 * const { p50, p99 } = await fixedRateLatency(url, { rate: 500, seconds: 3, body, headers }, dispatcher);
 */
export async function fixedRateLatency(url: string, opts: FixedRate, dispatcher?: Dispatcher): Promise<Latency> {
  const warm = Math.round(opts.rate * WARM_SECONDS);
  const total = warm + Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const lat: number[] = [];
  const t0 = performance.now() + 10;
  const one = async (i: number): Promise<void> => {
    const at = t0 + i * interval;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    const res = await request(url, { method: 'POST', body: opts.body, headers: opts.headers, ...(dispatcher ? { dispatcher } : {}) });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`${url}: status ${res.statusCode}`);
    if (i >= warm) lat.push(performance.now() - sent);
  };
  await Promise.all(Array.from({ length: total }, (_, i) => one(i)));
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), count: lat.length };
}

const CLIENT = `
const { request } = require(process.env.UNDICI);
const o = JSON.parse(process.env.FIXED_RATE);
(async () => {
  const warm = Math.round(o.rate * o.warm), total = warm + Math.round(o.rate * o.seconds), interval = 1000 / o.rate, lat = [], t0 = performance.now() + 10;
  await Promise.all(Array.from({ length: total }, async (_, i) => {
    const at = t0 + i * interval, wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    const res = await request(o.url, { method: 'POST', body: o.body, headers: o.headers });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error('status ' + res.statusCode);
    if (i >= warm) lat.push(performance.now() - sent);
  }));
  process.stdout.write(JSON.stringify(lat));
})().catch((e) => { console.error(e); process.exit(1); });`;

/**
 * The same, from a child process (the load generator must not share a server's event loop: Fastify, Express).
 *
 * @example
 * const { p99 } = await fixedRateLatencyChild(url, { rate: 500, seconds: 3, body, headers });
 */
export function fixedRateLatencyChild(url: string, opts: FixedRate): Promise<Latency> {
  const env = { ...process.env, UNDICI: createRequire(import.meta.url).resolve('undici'), FIXED_RATE: JSON.stringify({ url, warm: WARM_SECONDS, ...opts }) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CLIENT], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`latency client exited ${code}`));
      const lat = (JSON.parse(out) as number[]).sort((a, b) => a - b);
      resolve({ p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), count: lat.length });
    });
  });
}
