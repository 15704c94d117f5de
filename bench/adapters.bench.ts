/** @module bench/adapters.bench — bare Fastify/Express/undici vs the same with Sluice on loopback (4 KB LLM-style JSON, allow + mask): saturated throughput, latency at a fixed rate, streamed TTFB. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import express from 'express';
import Fastify from 'fastify';
import { Agent, request, fetch as undiciFetch, type Dispatcher } from 'undici';
import { createIdentityResolver, createSluice, generateApiKey, hashApiKey, type Sluice } from '../engine/index.js';
import { sluiceExpress } from '../adapters/express.js';
import { sluiceFastify } from '../adapters/fastify.js';
import { sluiceDispatcher } from '../adapters/undici.js';
import { isMain, printTable, type BenchResult } from './types.js';
import { fixedRateLatency, fixedRateLatencyChild, type Latency } from './latency.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Bare and Sluice runs alternate this many times; each case keeps its best round (robust on a shared machine). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 16;
/** The unsaturated rate at which per-request latency is compared (well below every case's throughput). */
const RATE = Number(process.env.BENCH_RATE ?? 400);
const { key } = generateApiKey();
const AUTOCANNON = join(createRequire(import.meta.url).resolve('autocannon'), '..', 'autocannon.js');

/** A ~4 KB Anthropic-style request body with one email in it (allow + mask): the same bytes for every case. */
function llmBody(): string {
  const filler = 'The quarterly report shows steady growth across all regions, with notable gains in APAC. ';
  const messages = Array.from({ length: 8 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: filler.repeat(5) }));
  messages[3]!.content += ' Contact jane.roe@example.com for details.';
  return JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages });
}
const BODY = llmBody();
const BODY_FILE = join(mkdtempSync(join(tmpdir(), 'sluice-bench-')), 'body.json');
writeFileSync(BODY_FILE, BODY);

interface Load { rps: number; p50: number; p99: number }

/** autocannon in a child process: the load generator does not share the server's event loop. */
function cannon(url: string, seconds: number): Promise<Load> {
  const args = [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-H', `x-api-key=${key}`, '-i', BODY_FILE, url];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c; });
    child.on('error', reject);
    child.on('close', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number };
        if (r.non2xx > 0) return reject(new Error(`${url}: ${r.non2xx} non-2xx answers`));
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 });
      } catch (err) { reject(err); }
    });
  });
}

/** Run `a` and `b` alternately (after one warm-up each), keeping each one's best round. */
async function interleaved(a: () => Promise<Load>, b: () => Promise<Load>, warm: () => Promise<unknown>): Promise<[Load, Load]> {
  await warm();
  let bestA: Load | null = null;
  let bestB: Load | null = null;
  for (let i = 0; i < ROUNDS; i++) {
    const ra = await a();
    const rb = await b();
    if (!bestA || ra.rps > bestA.rps) bestA = ra;
    if (!bestB || rb.rps > bestB.rps) bestB = rb;
  }
  return [bestA!, bestB!];
}

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

async function fastifyApp(sluice: Sluice | null): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify();
  if (sluice) await app.register(sluiceFastify, { sluice });
  app.post('/echo', async (req) => req.body);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${url}/echo`, close: () => app.close() };
}

async function expressApp(sluice: Sluice | null): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  if (sluice) app.use(sluiceExpress(sluice));
  app.use(express.json());
  app.post('/echo', (req, res) => { res.json(req.body); });
  const server = createServer(app);
  const url = await listen(server);
  return { url: `${url}/echo`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** The upstream for undici: an echo and an Anthropic-style SSE stream, in its own process. */
const UPSTREAM = `
const http = require('node:http');
const ev = (t, d) => 'event: ' + t + '\\ndata: ' + JSON.stringify({ type: t, ...d }) + '\\n\\n';
const s = http.createServer((req, res) => {
  if (req.url === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(ev('message_start', { message: { id: 'msg_1', role: 'assistant', content: [] } }) + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    let n = 0;
    const t = setInterval(() => { res.write(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'token ' + n++ + ' ' } })); }, 2);
    res.on('close', () => clearInterval(t));
    return;
  }
  const parts = []; req.on('data', (c) => parts.push(c));
  req.on('end', () => { const b = Buffer.concat(parts); res.writeHead(200, { 'content-type': 'application/json', 'content-length': b.length }).end(b); });
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

function startUpstream(): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.once('data', (c: Buffer) => resolve({ base: `http://127.0.0.1:${String(c).trim()}`, child })));
}

/** Requests/s and latency of undici `request` (the client is what is measured: the interceptor runs in it). */
async function undiciLoad(url: string, dispatcher: Dispatcher, seconds = SECONDS): Promise<Load> {
  const lat: number[] = [];
  const stopAt = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const t = performance.now();
      const res = await request(url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, dispatcher });
      await res.body.arrayBuffer();
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  lat.sort((a, b) => a - b);
  return { rps: lat.length / seconds, p50: lat[Math.floor(lat.length * 0.5)]!, p99: lat[Math.floor(lat.length * 0.99)]! };
}

/** Median time to the first body byte and to the first text delta of an SSE stream, bare and through Sluice interleaved. */
async function streamTimes(url: string, dispatchers: Dispatcher[], samples = 40): Promise<Array<{ ttfb: number; ttft: number }>> {
  const times = dispatchers.map(() => ({ ttfb: [] as number[], ttft: [] as number[] }));
  for (let i = 0; i < samples; i++) {
    for (const [k, dispatcher] of dispatchers.entries()) {
      const t = performance.now();
      const res = await undiciFetch(url, { method: 'POST', body: '{"stream":true}', headers: { 'content-type': 'application/json' }, dispatcher });
      const reader = res.body!.getReader();
      let seen = '';
      for (let first = true; ; first = false) {
        const { value, done } = await reader.read();
        if (first) times[k]!.ttfb.push(performance.now() - t);
        if (done) break;
        seen += Buffer.from(value).toString();
        if (seen.includes('text_delta')) { times[k]!.ttft.push(performance.now() - t); break; }
      }
      await reader.cancel();
    }
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return times.map((t) => ({ ttfb: median(t.ttfb), ttft: median(t.ttft) }));
}

function row(suite: string, name: string, m: Load, bare?: Load): BenchResult {
  return {
    suite, name, hz: m.rps, rme: 0, unit: 'req/s',
    ...(bare ? { ratio: m.rps / bare.rps } : {}),
    note: `p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms${bare ? `, +${(m.p99 - bare.p99).toFixed(2)} ms p99` : ''}`,
  };
}

/** Fixed-rate latency of `bare` and `guarded`, alternating twice; each keeps its lower p99 (same rule for both). */
async function latencyPair(bare: () => Promise<Latency>, guarded: () => Promise<Latency>): Promise<[Latency, Latency]> {
  const best = (a: Latency | null, b: Latency): Latency => (a && a.p99 <= b.p99 ? a : b);
  let b: Latency | null = null;
  let g: Latency | null = null;
  for (let i = 0; i < ROUNDS; i++) { b = best(b, await bare()); g = best(g, await guarded()); }
  return [b!, g!];
}

function latencyRows(suite: string, guardedName: string, [bare, guarded]: [Latency, Latency]): BenchResult[] {
  const name = `${suite} @${RATE} req/s`;
  const note = (l: Latency): string => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (${l.count} requests)`;
  return [
    { suite: name, name: 'bare', hz: 1000 / bare.p99, rme: 0, unit: '1/p99', note: note(bare) },
    { suite: name, name: guardedName, hz: 1000 / guarded.p99, rme: 0, unit: '1/p99', ratio: bare.p99 / guarded.p99,
      note: `${note(guarded)}, +${(guarded.p50 - bare.p50).toFixed(2)} ms p50, +${(guarded.p99 - bare.p99).toFixed(2)} ms p99` },
  ];
}

/**
 * Run the adapter benchmarks (one run, bare and with Sluice side by side, interleaved).
 *
 * @example
 * printTable(await run());
 */
export async function run(): Promise<BenchResult[]> {
  const identity = createIdentityResolver({ apiKeys: [{ id: 'bench', hash: hashApiKey(key), sub: 'bench', groups: ['agents'] }] });
  const sluice = await createSluice({ identity });
  const rows: BenchResult[] = [];
  for (const [suite, make] of [['fastify', fastifyApp], ['express', expressApp]] as const) {
    const [bareApp, guardedApp] = [await make(null), await make(sluice)];
    const [bare, guarded] = await interleaved(() => cannon(bareApp.url, SECONDS), () => cannon(guardedApp.url, SECONDS),
      () => Promise.all([cannon(bareApp.url, 1), cannon(guardedApp.url, 1)]));
    const fixed = { rate: RATE, seconds: SECONDS, body: BODY, headers: { 'content-type': 'application/json', 'x-api-key': key } };
    const latency = await latencyPair(() => fixedRateLatencyChild(bareApp.url, fixed), () => fixedRateLatencyChild(guardedApp.url, fixed));
    await Promise.all([bareApp.close(), guardedApp.close()]);
    rows.push(row(suite, 'bare', bare), row(suite, 'with Sluice', guarded, bare), ...latencyRows(suite, 'with Sluice', latency));
  }

  const { base, child } = await startUpstream();
  const plain = new Agent();
  const guardedAgent = sluiceDispatcher({ sluice });
  const [bare, guarded] = await interleaved(() => undiciLoad(`${base}/echo`, plain), () => undiciLoad(`${base}/echo`, guardedAgent),
    () => Promise.all([undiciLoad(`${base}/echo`, plain, 1), undiciLoad(`${base}/echo`, guardedAgent, 1)]));
  rows.push(row('undici', 'bare', bare), row('undici', 'with interceptor', guarded, bare));
  const fixed = { rate: RATE, seconds: SECONDS, body: BODY, headers: { 'content-type': 'application/json' } };
  rows.push(...latencyRows('undici', 'with interceptor',
    await latencyPair(() => fixedRateLatency(`${base}/echo`, fixed, plain), () => fixedRateLatency(`${base}/echo`, fixed, guardedAgent))));
  const [tBare, tSluice] = await streamTimes(`${base}/sse`, [plain, guardedAgent]);
  for (const [what, label] of [['ttfb', 'first byte'], ['ttft', 'first text delta']] as const) {
    rows.push({ suite: `sse ${what}`, name: 'bare', hz: 1000 / tBare![what], rme: 0, unit: `1/${what}`, note: `${label}: median ${tBare![what].toFixed(2)} ms` });
    rows.push({ suite: `sse ${what}`, name: 'through Sluice', hz: 1000 / tSluice![what], rme: 0, unit: `1/${what}`, ratio: tBare![what] / tSluice![what],
      note: `${label}: median ${tSluice![what].toFixed(2)} ms (+${(tSluice![what] - tBare![what]).toFixed(2)} ms)` });
  }
  await Promise.all([plain.close(), guardedAgent.close(), sluice.close()]);
  child.kill();
  return rows;
}

if (isMain(import.meta.url)) printTable(await run());
