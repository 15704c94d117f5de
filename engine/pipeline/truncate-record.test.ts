/** @module pipeline/truncate-record.test — a request streamed past the inspection limit (oversize: 'truncate') is masked whole and recorded with its masked prefix. */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSluice } from './sluice.js';
import { createAuditLog } from '../audit/log.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-pipeline-truncate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLACK = 'xoxb-5153040295900-0775777321849-cVzxijYlDo9QprQkcV8TW39Y';
const EMAIL = 'john.doe@example.com';

interface Logged { event?: { phase: string; body: { data: string; bytes: number; truncated: boolean } | null; findings: Record<string, unknown> } }

/** Send `chunks` as an oversize request body; return what would be forwarded and the request's audit event. */
async function truncated(name: string, contentType: string, chunks: string[]): Promise<{ forwarded: string; event: NonNullable<Logged['event']> }> {
  const path = join(dir, `${name}.jsonl`);
  const sluice = await createSluice({ limits: { requestBytes: 256, oversize: 'truncate' }, audit: createAuditLog({ path, maxBodyBytes: 128 }) });
  async function* body(): AsyncGenerator<Buffer> { for (const c of chunks) yield Buffer.from(c); }
  const guarded = await sluice.request({
    adapter: 'test', direction: 'outbound', method: 'POST', protocol: 'https:', host: 'uploads.example.com', path: '/api/upload',
    headers: { 'content-type': contentType }, body: body(),
  });
  expect(guarded.truncated).toBe(true);
  const parts: Buffer[] = [];
  for await (const part of guarded.body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(part));
  await sluice.close();
  const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Logged);
  return { forwarded: Buffer.concat(parts).toString('utf8'), event: records.find((r) => r.event?.phase === 'request')!.event! };
}

describe("oversize: 'truncate' requests", () => {
  it('streams a JSON body masked past the limit and records the masked prefix (bounded) with the full size', async () => {
    const doc = JSON.stringify({ mail: EMAIL, pad: 'p'.repeat(400), token: SLACK, tail: 't'.repeat(300) });
    const chunks = [doc.slice(0, 300), doc.slice(300, 500), doc.slice(500)];
    const { forwarded, event } = await truncated('json', 'application/json', chunks);
    expect(JSON.parse(forwarded)).toMatchObject({ mail: '[REDACTED:email]', token: '[REDACTED:slack-bot-token]' });
    expect(event.body).not.toBeNull();
    expect(event.body!.data).toBe(forwarded.slice(0, 128));
    expect(event.body!.bytes).toBe(Buffer.byteLength(forwarded));
    expect(event.body!.truncated).toBe(true);
    expect(Object.keys(event.findings).sort()).toEqual(['email', 'slack-bot-token']);
  });

  it('streams a text body masked past the limit (secret split across chunks) and records it', async () => {
    const text = `hello ${EMAIL} ${'x'.repeat(500)} token ${SLACK} end`;
    const at = text.indexOf(SLACK) + 10;
    const { forwarded, event } = await truncated('text', 'text/plain', [text.slice(0, 300), text.slice(300, at), text.slice(at)]);
    expect(forwarded).toBe(text.replace(EMAIL, '[REDACTED:email]').replace(SLACK, '[REDACTED:slack-bot-token]'));
    expect(event.body!.data).toBe(forwarded.slice(0, 128));
    expect(event.body!.bytes).toBe(forwarded.length);
    const file = readFileSync(join(dir, 'text.jsonl'), 'utf8');
    for (const raw of [EMAIL, SLACK, SLACK.slice(0, 10)]) expect(file).not.toContain(raw);
  });
});
