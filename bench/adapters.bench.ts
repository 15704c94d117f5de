/** @module bench/adapters.bench — bare Fastify/Express/undici vs the same with Sluice on loopback (4 KB LLM-style JSON, allow + mask), and streamed TTFB. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import express from 'express';
import Fastify from 'fastify';
import { Agent, request, fetch as undiciFetch, type Dispatcher } from 'undici';
import { createIdentityResolver, createSluice, generateApiKey, hashApiKey, type Sluice } from '../engine/index.js';
import { sluiceExpress } from '../adapters/express.js';
import { sluiceFastify } from '../adapters/fastify.js';
import { sluiceDispatcher } from '../adapters/undici.js';
import { isMain, printTable, type BenchResult } from './types.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const { key } = generateApiKey();

/** A ~4 KB Anthropic-style request body with one email in it (allow + mask). */
function llmBody(): string {
  const filler = 'The quarterly report shows steady growth across all regions, with notable gains in APAC. ';
  const messages = Array.from({ length: 8 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: filler.repeat(5) }));
  messages[3]!.content += ' Contact jane.roe@example.com for details.';
  return JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages });
}
const BODY = llmBody();

async function load(url: string): Promise<{ rps: number; p50: number; p99: number }> {
  const r = await autocannon({ url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json', 'x-api-key': key }, connections: 16, duration: SECONDS });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
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

/** Requests/s and latency of undici `request` with concurrency 16 against an echo server. */
async function undiciLoad(url: string, dispatcher: Dispatcher): Promise<{ rps: number; p50: number; p99: number }> {
  const lat: number[] = [];
  const stopAt = performance.now() + SECONDS * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const t = performance.now();
      const res = await request(url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, dispatcher });
      await res.body.arrayBuffer();
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  lat.sort((a, b) => a - b);
  return { rps: lat.length / SECONDS, p50: lat[Math.floor(lat.length * 0.5)]!, p99: lat[Math.floor(lat.length * 0.99)]! };
}

/** Median time to the first body byte of an SSE stream (first event sent at once, then every 5 ms). */
async function ttfb(url: string, dispatcher: Dispatcher, samples = 40): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const res = await undiciFetch(url, { method: 'POST', body: '{"stream":true}', headers: { 'content-type': 'application/json' }, dispatcher });
    const reader = res.body!.getReader();
    await reader.read();
    times.push(performance.now() - t);
    await reader.cancel();
  }
  times.sort((a, b) => a - b);
  return times[samples >> 1]!;
}

function row(suite: string, name: string, m: { rps: number; p50: number; p99: number }, bare?: { rps: number; p99: number }): BenchResult {
  return {
    suite, name, hz: m.rps, rme: 0, unit: 'req/s',
    ...(bare ? { ratio: m.rps / bare.rps } : {}),
    note: `p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms${bare ? `, +${(m.p99 - bare.p99).toFixed(2)} ms p99` : ''}`,
  };
}

/**
 * Run the adapter benchmarks (one run, bare and with Sluice side by side).
 *
 * @example
 * printTable(await run());
 */
export async function run(): Promise<BenchResult[]> {
  const identity = createIdentityResolver({ apiKeys: [{ id: 'bench', hash: hashApiKey(key), sub: 'bench', groups: ['agents'] }] });
  const sluice = await createSluice({ identity });
  const rows: BenchResult[] = [];
  for (const [suite, make] of [['fastify', fastifyApp], ['express', expressApp]] as const) {
    const bareApp = await make(null);
    const bare = await load(bareApp.url);
    await bareApp.close();
    const guardedApp = await make(sluice);
    const guarded = await load(guardedApp.url);
    await guardedApp.close();
    rows.push(row(suite, 'bare', bare), row(suite, 'with Sluice', guarded, bare));
  }

  const echo = createServer((req, res) => {
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: ping\ndata: {"type":"ping"}\n\n');
      const timer = setInterval(() => res.write('data: {"type":"ping"}\n\n'), 5);
      res.on('close', () => clearInterval(timer));
      return;
    }
    req.pipe(res.writeHead(200, { 'content-type': 'application/json' }));
  });
  const base = await listen(echo);
  const plain = new Agent();
  const guardedAgent = sluiceDispatcher({ sluice });
  const bare = await undiciLoad(`${base}/api/echo`, plain);
  const guarded = await undiciLoad(`${base}/api/echo`, guardedAgent);
  rows.push(row('undici', 'bare', bare), row('undici', 'with interceptor', guarded, bare));
  const tBare = await ttfb(`${base}/sse`, plain);
  const tSluice = await ttfb(`${base}/sse`, guardedAgent);
  rows.push({ suite: 'sse ttfb', name: 'bare', hz: 1000 / tBare, rme: 0, unit: '1/ttfb', note: `median ${tBare.toFixed(2)} ms` });
  rows.push({ suite: 'sse ttfb', name: 'through Sluice', hz: 1000 / tSluice, rme: 0, unit: '1/ttfb', ratio: tBare / tSluice, note: `median ${tSluice.toFixed(2)} ms (+${(tSluice - tBare).toFixed(2)} ms)` });
  await Promise.all([plain.close(), guardedAgent.close(), sluice.close()]);
  echo.closeAllConnections();
  echo.close();
  return rows;
}

if (isMain(import.meta.url)) printTable(await run());
