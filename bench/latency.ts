/** @module bench/latency — per-request latency at a fixed, unsaturated request rate (requests sent on a schedule, µs resolution). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { isMain } from './types.js';

/** Latency percentiles in milliseconds, and how many requests were measured. */
export interface Latency { p50: number; p99: number; count: number }

/** Options of a fixed-rate run. */
export interface FixedRate { rate: number; seconds: number; body: string; headers: Record<string, string> }

/** The first second of requests warms the client and server up (JIT) and is not recorded. */
const WARM_SECONDS = 1;

/** Sorted samples (ms) of POSTs sent at `rate` per second for `seconds` after the warm-up, each timed from its send. */
async function samples(url: string, opts: FixedRate, dispatcher?: Dispatcher): Promise<number[]> {
  const warm = Math.round(opts.rate * WARM_SECONDS);
  const total = warm + Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const lat: number[] = [];
  const t0 = performance.now() + 10;
  const one = async (i: number): Promise<void> => {
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    const res = await request(url, { method: 'POST', body: opts.body, headers: opts.headers, ...(dispatcher ? { dispatcher } : {}) });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`${url}: status ${res.statusCode}`);
    if (i >= warm) lat.push(performance.now() - sent);
  };
  await Promise.all(Array.from({ length: total }, (_, i) => one(i)));
  return lat.sort((a, b) => a - b);
}

function summarize(sorted: number[]): Latency {
  const percentile = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return { p50: percentile(0.5), p99: percentile(0.99), count: sorted.length };
}

/**
 * Send POSTs at `rate` per second for `seconds` (after a warm-up second), each timed from when it is sent. The rate
 * is far below saturation, so requests do not queue behind each other (timing from the schedule would count timer
 * lateness). Runs in this process: use it when the client is what is measured (undici).
 *
 * @example
 * const { p50, p99 } = await fixedRateLatency(url, { rate: 500, seconds: 3, body, headers }, dispatcher);
 */
export async function fixedRateLatency(url: string, opts: FixedRate, dispatcher?: Dispatcher): Promise<Latency> {
  return summarize(await samples(url, opts, dispatcher));
}

/**
 * The same, from a child process running this module (the load generator must not share a server's event loop:
 * Fastify, Express).
 *
 * @example
 * const { p99 } = await fixedRateLatencyChild(url, { rate: 500, seconds: 3, body, headers });
 */
export function fixedRateLatencyChild(url: string, opts: FixedRate): Promise<Latency> {
  const env = { ...process.env, FIXED_RATE: JSON.stringify({ url, opts }) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`latency client exited ${code}`));
      resolve(summarize(JSON.parse(out) as number[]));
    });
  });
}

if (isMain(import.meta.url) && process.env.FIXED_RATE) {
  const { url, opts } = JSON.parse(process.env.FIXED_RATE) as { url: string; opts: FixedRate };
  process.stdout.write(JSON.stringify(await samples(url, opts)));
}
