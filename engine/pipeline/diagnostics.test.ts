/** @module pipeline/diagnostics.test — the diagnostics channels carry one message per decision, and one exchange id per exchange. */
import diagnostics_channel from 'node:diagnostics_channel';
import { describe, it, expect, beforeAll } from 'vitest';
import { createSluice, type Sluice } from './sluice.js';
import { decisionChannel, timingChannel } from './exchange.js';

let sluice: Sluice;
beforeAll(async () => { sluice = await createSluice(); });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** One request + JSON response exchange through the pipeline; resolves with the masked response body. */
async function exchange(body: string): Promise<{ id: string; out: string }> {
  const guarded = await sluice.request({
    adapter: 'test', direction: 'outbound', method: 'POST', protocol: 'https:', host: 'internal.example', path: '/notes',
    headers: { 'content-type': 'application/json' }, body,
  });
  const out = await new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    const sink = { data: (c: Uint8Array) => { parts.push(Buffer.from(c)); }, end: () => resolve(Buffer.concat(parts).toString()), error: reject };
    void sluice.response(guarded.exchange, { status: 200, headers: { 'content-type': 'application/json' } }, sink).then((res) => res.send(Buffer.from(body)), reject);
  });
  return { id: guarded.exchange.id, out };
}

describe('diagnostics channels', () => {
  it('publish each decision and its timing, with the same exchange id for both phases', async () => {
    const decisions: Array<Record<string, unknown>> = [];
    const timings: Array<Record<string, unknown>> = [];
    const onDecision = (m: unknown): void => { decisions.push(m as Record<string, unknown>); };
    const onTiming = (m: unknown): void => { timings.push(m as Record<string, unknown>); };
    diagnostics_channel.subscribe('sluice:decision', onDecision);
    diagnostics_channel.subscribe('sluice:timing', onTiming);
    try {
      const { id, out } = await exchange(JSON.stringify({ note: 'mail jane.roe@example.com' }));
      expect(out).toContain('[REDACTED:email]');
      expect(id).toMatch(UUID);
      expect(decisions.map((d) => [d.phase, d.exchangeId, d.allow])).toEqual([['request', id, true], ['response', id, true]]);
      expect((decisions[0]!.findings as Array<{ detector: string }>).map((f) => f.detector)).toEqual(['email']);
      expect(timings.map((t) => [t.phase, t.exchangeId, typeof t.decideMs])).toEqual([['request', id, 'number'], ['response', id, 'number']]);
    } finally {
      diagnostics_channel.unsubscribe('sluice:decision', onDecision);
      diagnostics_channel.unsubscribe('sluice:timing', onTiming);
    }
  });

  it('publish nothing when nobody listens, and every exchange keeps its own stable id', async () => {
    expect(decisionChannel.hasSubscribers).toBe(false);
    expect(timingChannel.hasSubscribers).toBe(false);
    const a = await exchange('{"n":1}');
    const b = await exchange('{"n":2}');
    expect(a.id).toMatch(UUID);
    expect(b.id).toMatch(UUID);
    expect(a.id).not.toBe(b.id);
  });

  it('give an exchange the same id however often it is read', async () => {
    const guarded = await sluice.request({ adapter: 'test', direction: 'outbound', method: 'GET', protocol: 'https:', host: 'internal.example', path: '/', headers: {}, body: null });
    expect(guarded.exchange.id).toBe(guarded.exchange.id);
  });
});
