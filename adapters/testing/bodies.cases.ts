/** @module adapters/testing/bodies.cases — bodies that are neither JSON nor SSE (text, XML, NDJSON, forms, binary, untyped) through each adapter. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createIdentityResolver, generateApiKey, hashApiKey, type Sluice } from '../../engine/index.js';
import { SAMPLES, testSluice } from './sluice-fixture.js';

/** A response route serving `parts` (written one after the other) with `type` (null: no Content-Type). */
export interface KindRoute { path: string; type: string | null; parts: Buffer[] }

const split = (text: string, secret: string): Buffer[] => {
  const at = text.indexOf(secret) + (secret.length >> 1);
  return [Buffer.from(text.slice(0, at)), Buffer.from(text.slice(at))];
};

/** A PNG-looking binary body carrying an e-mail in a text chunk: passed unscanned only with `binary: 'pass'`. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from(`tEXtmail ${SAMPLES.email}`), Buffer.alloc(64, 7)]);
const NDJSON = [{ id: 1, mail: SAMPLES.email }, { id: 2, note: 'clean' }, { id: 3, ssn: SAMPLES.ssn }].map((l) => JSON.stringify(l)).join('\n') + '\n';

/** The response routes every adapter app serves (GET). */
export const KIND_ROUTES: Record<string, KindRoute> = {
  text: { path: '/api/kinds/text', type: 'text/plain; charset=utf-8', parts: split(`note for ${SAMPLES.email}, ssn ${SAMPLES.ssn}`, SAMPLES.email) },
  xml: { path: '/api/kinds/xml', type: 'application/xml', parts: split(`<user><email>${SAMPLES.email}</email></user>`, SAMPLES.email) },
  ndjson: { path: '/api/kinds/ndjson', type: 'application/x-ndjson', parts: split(NDJSON, SAMPLES.ssn) },
  image: { path: '/api/kinds/image', type: 'image/png', parts: [PNG.subarray(0, 20), PNG.subarray(20)] },
  untypedText: { path: '/api/kinds/untyped-text', type: null, parts: split(`plain words and ${SAMPLES.email} here`, SAMPLES.email) },
  untypedBinary: { path: '/api/kinds/untyped-binary', type: null, parts: [PNG.subarray(0, 10), PNG.subarray(10)] },
};

/** POST: the handler records the raw request body it received (as latin-1 text) and answers `{ bytes }`. */
export const RAW_ROUTE = '/api/kinds/raw';

/** Starts an app serving KIND_ROUTES and RAW_ROUTE behind a Sluice; `seen` collects the raw request bodies. */
export type StartKindsApp = (sluice: Sluice, seen: string[]) => Promise<{ url: string; close(): Promise<void> }>;

const code = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

/** The built-in policy denies anonymous inbound callers: every call carries an agent's API key. */
const { key } = generateApiKey();
const AUTH = { 'x-api-key': key };

/** GET a route; a stream cut by Sluice (headers already sent) counts as a failure, never as bytes. */
async function get(url: string): Promise<{ status: number; type: string | null; body: Buffer } | { failed: true }> {
  try {
    const res = await fetch(url, { headers: AUTH });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  } catch {
    return { failed: true };
  }
}

/**
 * Run the body-kind suite against one adapter (the default `binary: 'deny'`, and `binary: 'pass'`).
 *
 * @example
 * runBodyKindCases('express', async (sluice, seen) => { ... return { url, close }; });
 */
export function runBodyKindCases(adapter: string, start: StartKindsApp): void {
  describe(`${adapter}: bodies that are neither JSON nor SSE`, () => {
    const seen: string[] = [];
    let strict: Sluice;
    let lax: Sluice;
    let app: { url: string; close(): Promise<void> };
    let passApp: { url: string; close(): Promise<void> };
    beforeAll(async () => {
      const identity = createIdentityResolver({ apiKeys: [{ id: 'agent-1', hash: hashApiKey(key), sub: 'agent-1', groups: ['agents'] }] });
      [strict, lax] = await Promise.all([testSluice({ identity }), testSluice({ identity, binary: 'pass' })]);
      [app, passApp] = await Promise.all([start(strict, seen), start(lax, seen)]);
    }, 60_000);
    afterAll(async () => { await Promise.all([app.close(), passApp.close()]); await Promise.all([strict.close(), lax.close()]); });

    it.each([
      ['text', `note for [REDACTED:email], ssn [REDACTED:us-ssn]`],
      ['xml', '<user><email>[REDACTED:email]</email></user>'],
      ['untypedText', 'plain words and [REDACTED:email] here'],
    ])('masks a streamed %s response with the secret split across writes', async (name, expected) => {
      const res = await get(`${app.url}${KIND_ROUTES[name]!.path}`);
      expect(res).toMatchObject({ status: 200 });
      expect((res as { body: Buffer }).body.toString()).toBe(expected);
    });

    it('masks an NDJSON response line by line, every line still JSON', async () => {
      const res = await get(`${app.url}${KIND_ROUTES.ndjson!.path}`) as { body: Buffer; type: string };
      expect(res.type).toContain('application/x-ndjson');
      expect(res.body.toString().trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([
        { id: 1, mail: '[REDACTED:email]' }, { id: 2, note: 'clean' }, { id: 3, ssn: '[REDACTED:us-ssn]' }]);
    });

    it('denies a binary response by default with SLUICE_ERR_BODY_UNSUPPORTED, none of its bytes released', async () => {
      const res = await fetch(`${app.url}${KIND_ROUTES.image!.path}`, { headers: AUTH });
      expect(res.status).toBe(502);
      expect(await code(res)).toBe('SLUICE_ERR_BODY_UNSUPPORTED');
      const untyped = await get(`${app.url}${KIND_ROUTES.untypedBinary!.path}`);
      // Untyped: the verdict comes with the first bytes; the stream is either answered with the coded error or cut.
      if (!('failed' in untyped)) {
        expect(untyped.status).toBeGreaterThanOrEqual(400);
        expect(untyped.body.toString()).toContain('SLUICE_ERR_BODY_UNSUPPORTED');
        expect(untyped.body.includes(PNG.subarray(0, 8))).toBe(false);
      }
    });

    it("passes binary responses unscanned and byte-identical with binary: 'pass'", async () => {
      for (const route of [KIND_ROUTES.image!, KIND_ROUTES.untypedBinary!]) {
        const res = await get(`${passApp.url}${route.path}`) as { status: number; body: Buffer };
        expect(res.status).toBe(200);
        expect(res.body.equals(PNG)).toBe(true);
      }
    });

    const post = (base: string, type: string, body: string | Buffer) => fetch(`${base}${RAW_ROUTE}`, { method: 'POST', headers: { ...AUTH, 'content-type': type }, body });

    it.each([
      ['application/x-www-form-urlencoded', `to=${encodeURIComponent(SAMPLES.email)}&n=1&raw=${SAMPLES.ssn}`, 'to=[REDACTED:email]&n=1&raw=[REDACTED:us-ssn]'],
      ['text/plain', `mail ${SAMPLES.email}`, 'mail [REDACTED:email]'],
      ['application/x-ndjson', `{"a":"${SAMPLES.email}"}\nnot json ${SAMPLES.ssn}\n`, '{"a":"[REDACTED:email]"}\nnot json [REDACTED:us-ssn]\n'],
    ])('masks a %s request body before the handler sees it', async (type, body, expected) => {
      const res = await post(app.url, type, body);
      expect(res.status).toBe(200);
      expect(seen.at(-1)).toBe(expected);
    });

    it('refuses a binary request body with 415 by default (handler not run), passes it with binary: pass', async () => {
      const before = seen.length;
      const res = await post(app.url, 'image/png', PNG);
      expect(res.status).toBe(415);
      expect(await code(res)).toBe('SLUICE_ERR_BODY_UNSUPPORTED');
      expect(seen.length).toBe(before);
      expect((await post(passApp.url, 'application/octet-stream', PNG)).status).toBe(200);
      expect(seen.at(-1)).toBe(PNG.toString('latin1'));
    });

    it('refuses a UTF-16 text body whatever binary says (the scanner cannot read it)', async () => {
      const res = await post(passApp.url, 'text/plain; charset=utf-16le', Buffer.from(`mail ${SAMPLES.email}`, 'utf16le'));
      expect(res.status).toBe(415);
      expect(await code(res)).toBe('SLUICE_ERR_BODY_UNSUPPORTED');
    });
  });
}
