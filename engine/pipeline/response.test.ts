/** @module pipeline/response.test — small declared JSON responses take the one-pass path: same bytes as streaming, bounded by their length. */
import { describe, it, expect, beforeAll } from 'vitest';
import { createSluice, type Sluice } from './sluice.js';
import { WHOLE_JSON_BYTES } from './response.js';
import type { SluiceError } from '../errors.js';

const EMAIL = 'john.doe@example.com';
let sluice: Sluice;
beforeAll(async () => { sluice = await createSluice(); });

/** A request to a non-LLM API, then a JSON response fed in chunks of `chunk` bytes with the given Content-Length. */
async function respond(body: string, contentLength: number | null, chunk: number): Promise<{ out: string; error: SluiceError | null }> {
  const guarded = await sluice.request({
    adapter: 'test', direction: 'outbound', method: 'GET', protocol: 'https:', host: 'internal.example', path: '/users/1',
    headers: {}, body: null,
  });
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const sink = { data: (c: Uint8Array) => { parts.push(Buffer.from(c)); }, end: () => resolve({ out: Buffer.concat(parts).toString(), error: null }), error: (error: SluiceError) => resolve({ out: Buffer.concat(parts).toString(), error }) };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (contentLength !== null) headers['content-length'] = String(contentLength);
    void sluice.response(guarded.exchange, { status: 200, headers }, sink).then((res) => {
      const bytes = Buffer.from(body);
      for (let at = 0; at < bytes.length; at += chunk) res.write(bytes.subarray(at, at + chunk));
      res.end();
    });
  });
}

describe('response phase: small JSON of declared length', () => {
  const body = JSON.stringify({ user: { name: 'John', email: EMAIL, notes: 'x'.repeat(500) }, tags: ['a', EMAIL] });

  it('masks exactly as the streaming masker does (declared length vs chunked without one)', async () => {
    const declared = await respond(body, Buffer.byteLength(body), 7);
    const streamed = await respond(body, null, 7);
    expect(declared.error).toBeNull();
    expect(declared.out).not.toContain(EMAIL);
    expect(declared.out).toContain('[REDACTED:email]');
    expect(declared.out).toBe(streamed.out);
    expect(JSON.parse(declared.out)).toMatchObject({ user: { name: 'John' }, tags: ['a', '[REDACTED:email]'] });
  });

  it('refuses more bytes than declared, and emits nothing', async () => {
    const { out, error } = await respond(body, 64, 16);
    expect(error?.code).toBe('SLUICE_ERR_BODY_TOO_LARGE');
    expect(out).toBe('');
  });

  it('malformed JSON fails closed with a syntax error and nothing emitted', async () => {
    const bad = `${body.slice(0, 200)}${EMAIL}`;
    const { out, error } = await respond(bad, Buffer.byteLength(bad), 50);
    expect(error?.code).toMatch(/^SLUICE_ERR_JSON/);
    expect(out).toBe('');
  });

  it('a body over the one-pass size goes through the streaming masker, masked the same way', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 4000 }, (_, i) => ({ id: i, email: i === 7 ? EMAIL : 'none' })) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(WHOLE_JSON_BYTES);
    const { out, error } = await respond(big, Buffer.byteLength(big), 4096);
    expect(error).toBeNull();
    expect(out).not.toContain(EMAIL);
    expect(JSON.parse(out).items).toHaveLength(4000);
  });
});
