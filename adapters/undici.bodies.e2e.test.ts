/** @module adapters/undici.bodies.e2e.test — text, XML, NDJSON, form, binary and untyped bodies through sluiceDispatcher to a loopback server. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { sluiceDispatcher } from './undici.js';
import { KIND_ROUTES, PNG, RAW_ROUTE } from './testing/bodies.cases.js';
import { SAMPLES, sluiceCause, testSluice } from './testing/sluice-fixture.js';
import type { Sluice } from '../engine/index.js';

const seen: string[] = [];
let server: Server;
let base: string;
let strict: { sluice: Sluice; dispatcher: Dispatcher };
let lax: { sluice: Sluice; dispatcher: Dispatcher };

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === RAW_ROUTE) {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => { seen.push(Buffer.concat(parts).toString('latin1')); res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); });
      return;
    }
    const route = Object.values(KIND_ROUTES).find((r) => r.path === req.url);
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200, route.type ? { 'content-type': route.type } : {});
    res.write(route.parts[0]);
    setTimeout(() => res.end(route.parts[1]), 5);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const make = async (binary: 'pass' | 'deny') => { const sluice = await testSluice({ binary }); return { sluice, dispatcher: sluiceDispatcher({ sluice }) }; };
  [strict, lax] = await Promise.all([make('deny'), make('pass')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([strict.dispatcher.close(), lax.dispatcher.close(), strict.sluice.close(), lax.sluice.close()]);
  server.closeAllConnections();
  server.close();
});

const get = (path: string, dispatcher: Dispatcher) => undiciFetch(`${base}${path}`, { dispatcher });
const post = (type: string, body: string | Buffer, dispatcher: Dispatcher) =>
  undiciFetch(`${base}${RAW_ROUTE}`, { method: 'POST', headers: { 'content-type': type }, body, dispatcher });

describe('undici: bodies that are neither JSON nor SSE', () => {
  it.each([
    ['text', 'note for [REDACTED:email], ssn [REDACTED:us-ssn]'],
    ['xml', '<user><email>[REDACTED:email]</email></user>'],
    ['untypedText', 'plain words and [REDACTED:email] here'],
  ])('masks a streamed %s response with the secret split across writes', async (name, expected) => {
    expect(await (await get(KIND_ROUTES[name]!.path, strict.dispatcher)).text()).toBe(expected);
  });

  it('masks an NDJSON response line by line', async () => {
    const text = await (await get(KIND_ROUTES.ndjson!.path, strict.dispatcher)).text();
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([{ id: 1, mail: '[REDACTED:email]' }, { id: 2, note: 'clean' }, { id: 3, ssn: '[REDACTED:us-ssn]' }]);
  });

  it('rejects binary responses (typed and sniffed) with SLUICE_ERR_BODY_UNSUPPORTED by default', async () => {
    for (const route of [KIND_ROUTES.image!, KIND_ROUTES.untypedBinary!]) {
      const err = await get(route.path, strict.dispatcher).then((r) => r.arrayBuffer()).then(() => null, (e: unknown) => e);
      expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_BODY_UNSUPPORTED');
    }
  });

  it("passes binary responses byte-identical with binary: 'pass'", async () => {
    for (const route of [KIND_ROUTES.image!, KIND_ROUTES.untypedBinary!]) {
      expect(Buffer.from(await (await get(route.path, lax.dispatcher)).arrayBuffer()).equals(PNG)).toBe(true);
    }
  });

  it('masks form, text and NDJSON request bodies before they leave', async () => {
    await post('application/x-www-form-urlencoded', `to=${encodeURIComponent(SAMPLES.email)}&n=1`, strict.dispatcher);
    expect(seen.at(-1)).toBe('to=[REDACTED:email]&n=1');
    await post('text/csv', `name,mail\njane,${SAMPLES.email}\n`, strict.dispatcher);
    expect(seen.at(-1)).toBe('name,mail\njane,[REDACTED:email]\n');
    await post('application/jsonl', `{"ssn":"${SAMPLES.ssn}"}\n`, strict.dispatcher);
    expect(seen.at(-1)).toBe('{"ssn":"[REDACTED:us-ssn]"}\n');
  });

  it('never sends a binary request body by default; sends it unscanned with binary: pass', async () => {
    const before = seen.length;
    const err = await post('application/octet-stream', PNG, strict.dispatcher).then(() => null, (e: unknown) => e);
    expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_BODY_UNSUPPORTED');
    expect(seen.length).toBe(before);
    await post('image/png', PNG, lax.dispatcher);
    expect(seen.at(-1)).toBe(PNG.toString('latin1'));
  });
});
