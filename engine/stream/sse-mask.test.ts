/** @module stream/sse-mask.test — provider-aware SSE masking: split secrets, tool-call holds, refusals. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createSseMasker, type ToolCall } from './sse-mask.js';
import { SseParser, writeSseEvent } from './sse.js';
import { testScanner } from './scanner.test-helpers.js';

const AWS = 'AKIAIOSFODNN7EXAMPLE';
const ev = (event: string, data: unknown) => writeSseEvent({ event, data: JSON.stringify(data) });

function anthropicStream(textParts: string[], tool?: { name: string; parts: string[] }): string {
  let s = ev('message_start', { type: 'message_start', message: { id: 'msg_1', content: [] } });
  s += ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (const t of textParts) s += ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } });
  s += ev('content_block_stop', { type: 'content_block_stop', index: 0 });
  if (tool) {
    s += ev('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: tool.name, input: {} } });
    for (const p of tool.parts) s += ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: p } });
    s += ev('content_block_stop', { type: 'content_block_stop', index: 1 });
  }
  s += ev('message_delta', { type: 'message_delta', delta: { stop_reason: tool ? 'tool_use' : 'end_turn' } });
  return s + ev('message_stop', { type: 'message_stop' });
}

async function runMasker(input: string, size: number, opts: Partial<Parameters<typeof createSseMasker>[0]> = {}) {
  const m = createSseMasker({ scanner: testScanner(), ...opts });
  const buf = Buffer.from(input);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(await m.write(buf.subarray(i, i + size)));
  parts.push(await m.end());
  const out = Buffer.concat(parts);
  const p = new SseParser();
  const events = [...p.push(out), ...p.end()].map((e) => ({ event: e.event, data: JSON.parse(e.data!) }));
  return { out: out.toString(), events, masker: m };
}

const textOf = (events: Array<{ data: any }>, index = 0) =>
  events.filter((e) => e.data.type === 'content_block_delta' && e.data.index === index && e.data.delta.type === 'text_delta').map((e) => e.data.delta.text).join('');

describe('createSseMasker — Anthropic', () => {
  it('masks a secret split across deltas at any split and chunking; the stream stays valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 200 }), async (cuts, size) => {
        const text = `hello, my key is ${AWS} — keep it secret. More text after the key follows here.`;
        const parts: string[] = [];
        let at = 0;
        for (const c of cuts) if (at < text.length) parts.push(text.slice(at, (at = Math.min(text.length, at + c))));
        if (at < text.length) parts.push(text.slice(at));
        const { events, out, masker } = await runMasker(anthropicStream(parts), size);
        expect(textOf(events)).toBe(text.replace(AWS, '[REDACTED:aws-access-key-id]'));
        for (let k = 0; k + 6 <= AWS.length; k++) expect(out).not.toContain(AWS.slice(k, k + 6));
        expect(masker.findings()).toEqual([{ detector: 'aws-access-key-id', category: 'secret', path: '/content/0/text', count: 1 }]);
      }),
      { numRuns: 60 },
    );
  }, 60_000); // harness timeout for a loaded machine

  it('keeps time to first byte: text before the hold window is released at once', async () => {
    const m = createSseMasker({ scanner: testScanner() });
    const head = anthropicStream(['x'.repeat(200)]).split('event: content_block_stop')[0]!;
    const out = Buffer.from(await m.write(Buffer.from(head))).toString();
    expect(out).toContain('x'.repeat(200 - 80)); // all but the longest detector (80 bytes) is out
  });

  it('holds a tool call until the verdict, masks its input, and releases it when allowed', async () => {
    const seen: ToolCall[] = [];
    const { events, masker } = await runMasker(anthropicStream(['ok'], { name: 'run_sql', parts: ['{"query": "select', ` '${AWS.slice(0, 9)}`, `${AWS.slice(9)}'"}`] }), 17, {
      onToolCall: async (call) => (seen.push(call), { action: 'allow' }),
    });
    expect(seen).toEqual([{ id: 'toolu_1', name: 'run_sql', input: { query: "select '[REDACTED:aws-access-key-id]'" } }]);
    const json = events.filter((e) => e.data.delta?.type === 'input_json_delta').map((e) => e.data.delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ query: "select '[REDACTED:aws-access-key-id]'" });
    expect(masker.toolCalls.map((c) => c.action)).toEqual(['allow']);
  });

  it('replaces a blocked tool call by a refusal text block and ends the turn', async () => {
    let release!: (v: { action: 'block'; message: string }) => void;
    const m = createSseMasker({ scanner: testScanner(), onToolCall: () => new Promise((r) => (release = r)) });
    const input = Buffer.from(anthropicStream(['hi'], { name: 'drop_db', parts: ['{}'] }));
    const pending = m.write(input);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false); // held until the verdict
    release({ action: 'block', message: 'needs approval' });
    const out = Buffer.concat([await pending, await m.end()]);
    const p = new SseParser();
    const events = [...p.push(out), ...p.end()].map((e) => JSON.parse(e.data!));
    expect(events.some((e) => e.content_block?.type === 'tool_use')).toBe(false);
    expect(textOf(events.map((data) => ({ data })), 1)).toBe('[sluice] tool call drop_db blocked: needs approval');
    expect(events.find((e) => e.type === 'message_delta').delta.stop_reason).toBe('end_turn');
  });
});

describe('createSseMasker — OpenAI chat and generic', () => {
  const chunk = (delta: unknown, finish: string | null = null) => writeSseEvent({ data: JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] }) });

  it('stitches choices[].delta.content and holds tool_calls until finish', async () => {
    const calls: ToolCall[] = [];
    const input =
      chunk({ role: 'assistant', content: 'key AKIAIOSF' }) + chunk({ content: 'ODNN7EXAMPLE done' }) +
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }) + chunk({}, 'tool_calls') + writeSseEvent({ data: '[DONE]' });
    const m = createSseMasker({ scanner: testScanner(), onToolCall: async (c) => (calls.push(c), { action: 'allow' }) });
    const out = Buffer.concat([await m.write(Buffer.from(input)), await m.end()]).toString();
    const p = new SseParser();
    const events = [...p.push(Buffer.from(out)), ...p.end()];
    expect(events.at(-1)!.data).toBe('[DONE]');
    const datas = events.slice(0, -1).map((e) => JSON.parse(e.data!));
    expect(datas.map((d) => d.choices[0].delta.content ?? '').join('')).toBe('key [REDACTED:aws-access-key-id] done');
    expect(calls).toEqual([{ id: 'call_1', name: 'get', input: { a: 1 } }]);
    expect(datas.map((d) => d.choices[0].delta.tool_calls?.[0]?.function?.arguments ?? '').join('')).toBe('{"a":1}');
    expect(datas.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('masks unknown events as JSON when they parse, else as text; comments pass through', async () => {
    const input = `: keep-alive\n\n${writeSseEvent({ event: 'x', data: JSON.stringify({ v: `k ${AWS}` }) })}data: raw ${AWS} text\n\n`;
    const m = createSseMasker({ scanner: testScanner() });
    const out = Buffer.concat([await m.write(Buffer.from(input)), await m.end()]).toString();
    expect(out).toBe(`: keep-alive\n\nevent: x\ndata: {"v":"k [REDACTED:aws-access-key-id]"}\n\ndata: raw [REDACTED:aws-access-key-id] text\n\n`);
  });
});
