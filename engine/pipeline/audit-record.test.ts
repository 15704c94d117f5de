/** @module pipeline/audit-record.test — response events carry the masked body (JSON) or masked events (SSE); replay rebuilds streams. */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSluice, type Sluice } from './sluice.js';
import { createAuditLog } from '../audit/log.js';
import { replay } from '../audit/replay.js';
import { SluiceError } from '../errors.js';
import type { AuditEvent } from '../audit/types.js';
import type { AuditLike } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-pipeline-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLACK = 'xoxb-5153040295900-0775777321849-cVzxijYlDo9QprQkcV8TW39Y';
const EMAIL = 'john.doe@example.com';
const SSE_HEADERS = { 'content-type': 'text/event-stream' };

const sse = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const textDelta = (text: string): string => sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });

/** An Anthropic stream whose text carries the secret split across two deltas (and across network chunks). */
const STREAM = [
  sse('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test', content: [] } }),
  sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  textDelta('Your token is '), textDelta(SLACK.slice(0, 21)), textDelta(SLACK.slice(21)), textDelta(', mail '), textDelta(EMAIL),
  sse('content_block_stop', { index: 0 }), sse('message_stop', {}),
].join('');

/** Run one exchange through the pipeline: request phase, then the response fed in `chunks` pieces. */
async function exchange(sluice: Sluice, response: { headers: Record<string, string>; body: string; chunks?: number }): Promise<{ out: string; error: SluiceError | null }> {
  const prompt = JSON.stringify({ model: 'claude-test', max_tokens: 64, stream: true, messages: [{ role: 'user', content: `use ${SLACK}` }] });
  const guarded = await sluice.request({
    adapter: 'test', direction: 'outbound', method: 'POST', protocol: 'https:', host: 'api.anthropic.com', path: '/v1/messages',
    headers: { 'content-type': 'application/json' }, body: prompt,
  });
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const sink = {
      data: (c: Uint8Array) => { parts.push(Buffer.from(c)); },
      end: () => resolve({ out: Buffer.concat(parts).toString('utf8'), error: null }),
      error: (e: SluiceError) => resolve({ out: Buffer.concat(parts).toString('utf8'), error: e }),
    };
    void sluice.response(guarded.exchange, { status: 200, headers: response.headers }, sink).then((res) => {
      const bytes = Buffer.from(response.body);
      const step = Math.ceil(bytes.length / (response.chunks ?? 7));
      for (let i = 0; i < bytes.length; i += step) res.write(bytes.subarray(i, i + step));
      res.end();
    });
  });
}

async function logged(name: string, maxBodyBytes?: number): Promise<{ path: string; sluice: Sluice }> {
  const path = join(dir, `${name}.jsonl`);
  const sluice = await createSluice({ audit: createAuditLog({ path, ...(maxBodyBytes ? { maxBodyBytes } : {}) }) });
  return { path, sluice };
}

describe('audit events of the response phase', () => {
  it('records a streamed response as its masked SSE events: replay rebuilds the masked text, no raw secret in the log', async () => {
    const { path, sluice } = await logged('sse');
    const { out, error } = await exchange(sluice, { headers: SSE_HEADERS, body: STREAM });
    await sluice.close();
    expect(error).toBeNull();
    expect(out).toContain('[REDACTED:slack-bot-token]');

    const timeline = await replay(path);
    expect(timeline.verify.ok).toBe(true);
    const steps = timeline.sessions[0]!.exchanges[0]!.steps;
    expect(steps.map((s) => s.phase)).toEqual(['request', 'response']);
    expect(steps[0]!.body).toContain('use [REDACTED:slack-bot-token]');
    expect(steps[1]!.stream?.text).toBe('Your token is [REDACTED:slack-bot-token], mail [REDACTED:email]');
    expect(steps[1]!.streamTruncated).toBe(false);
    expect(Object.keys(steps[1]!.findings).sort()).toEqual(['email', 'slack-bot-token']);

    const file = readFileSync(path, 'utf8');
    for (const raw of [SLACK, SLACK.slice(0, 21), SLACK.slice(21), EMAIL]) expect(file).not.toContain(raw);
  });

  it('records a JSON response as its masked bytes, cut at maxBodyBytes with the full size kept', async () => {
    const { path, sluice } = await logged('json', 64);
    const body = JSON.stringify({ content: [{ type: 'text', text: `mail ${EMAIL} ${'x'.repeat(200)}` }] });
    const { out, error } = await exchange(sluice, { headers: { 'content-type': 'application/json' }, body });
    await sluice.close();
    expect(error).toBeNull();
    const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event?: { phase: string; body: { data: string; bytes: number; truncated: boolean } } });
    const response = records.find((r) => r.event?.phase === 'response')!.event!;
    expect(response.body.truncated).toBe(true);
    expect(response.body.bytes).toBe(Buffer.byteLength(out));
    expect(response.body.data).toBe(out.slice(0, 64));
    expect(response.body.data).toContain('[REDACTED:email]');
  });

  it('keeps SSE events up to maxBodyBytes and flags the rest as truncated', async () => {
    const { path, sluice } = await logged('sse-cut', 300);
    const { error } = await exchange(sluice, { headers: SSE_HEADERS, body: STREAM, chunks: 3 });
    await sluice.close();
    expect(error).toBeNull();
    const step = (await replay(path)).sessions[0]!.exchanges[0]!.steps[1]!;
    expect(step.streamTruncated).toBe(true);
    expect(step.stream!.events).toBeGreaterThan(0);
    expect(step.stream!.events).toBeLessThan(9);
  });

  it('fails the stream closed when the response event cannot be recorded', async () => {
    const appended: AuditEvent[] = [];
    const audit: AuditLike = {
      append: async (event) => {
        if (event.phase === 'response') throw new SluiceError('SLUICE_ERR_AUDIT_SINK', 'disk full');
        appended.push(event);
      },
    };
    const sluice = await createSluice({ audit });
    const { error } = await exchange(sluice, { headers: SSE_HEADERS, body: STREAM });
    expect(error?.code).toBe('SLUICE_ERR_AUDIT_SINK');
    expect(appended.map((e) => e.phase)).toEqual(['request']);
  });
});
