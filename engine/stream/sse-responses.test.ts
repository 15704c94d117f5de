/** @module stream/sse-responses.test — OpenAI Responses API streams (text deltas, function calls) and text held at a stream's end released masked. */
import { describe, it, expect } from 'vitest';
import { createSseMasker, type ToolCall } from './sse-mask.js';
import { SseParser, writeSseEvent } from './sse.js';
import { testScanner } from './scanner.test-helpers.js';

const AWS = 'AKIAIOSFODNN7EXAMPLE';
const ev = (type: string, data: Record<string, unknown>) => writeSseEvent({ event: type, data: JSON.stringify({ type, ...data }) });

async function run(input: string, size: number, opts: Partial<Parameters<typeof createSseMasker>[0]> = {}) {
  const m = createSseMasker({ scanner: testScanner(), ...opts });
  const buf = Buffer.from(input);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(await m.write(buf.subarray(i, i + size)));
  parts.push(await m.end());
  const out = Buffer.concat(parts).toString();
  const p = new SseParser();
  return { out, events: [...p.push(Buffer.from(out)), ...p.end()].map((e) => JSON.parse(e.data!)), masker: m };
}

const text = (parts: string[]) => [
  ev('response.created', { response: { id: 'resp_1', output: [] } }),
  ev('response.output_item.added', { output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } }),
  ...parts.map((delta) => ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta })),
  ev('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text: parts.join('') }),
].join('');

const call = (name: string, argParts: string[]) => {
  const item = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name, arguments: '' };
  const args = argParts.join('');
  return [
    ev('response.output_item.added', { output_index: 1, item }),
    ...argParts.map((delta) => ev('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta })),
    ev('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 1, arguments: args }),
    ev('response.output_item.done', { output_index: 1, item: { ...item, arguments: args } }),
    ev('response.completed', { response: { id: 'resp_1', output: [{ id: 'msg_1', type: 'message' }, { ...item, arguments: args }] } }),
  ].join('');
};

const deltas = (events: Array<Record<string, any>>, type: string) => events.filter((e) => e.type === type).map((e) => e.delta).join('');

describe('createSseMasker — OpenAI Responses API', () => {
  it('masks a secret split across response.output_text.delta events at any chunking', async () => {
    const input = text(['my key ', AWS.slice(0, 7), AWS.slice(7), ' is here']);
    for (const size of [1, 7, 50, input.length]) {
      const { events, out, masker } = await run(input, size);
      expect(deltas(events, 'response.output_text.delta')).toBe('my key [REDACTED:aws-access-key-id] is here');
      expect(events.find((e) => e.type === 'response.output_text.done').text).toBe('my key [REDACTED:aws-access-key-id] is here');
      expect(out).not.toContain(AWS.slice(0, 7));
      expect(masker.findings().map((f) => f.path)).toContain('/output/0/content/0/response.output_text.delta');
    }
  });

  it('holds a function call until the verdict and releases it with masked arguments', async () => {
    const seen: ToolCall[] = [];
    const { events, out } = await run(text(['ok']) + call('lookup', ['{"key":"AKIAIOSF', 'ODNN7EXAMPLE"}']), 13, { onToolCall: async (c) => (seen.push(c), { action: 'allow' }) });
    expect(seen).toEqual([{ id: 'call_1', name: 'lookup', input: { key: '[REDACTED:aws-access-key-id]' } }]);
    expect(JSON.parse(deltas(events, 'response.function_call_arguments.delta'))).toEqual({ key: '[REDACTED:aws-access-key-id]' });
    expect(events.find((e) => e.type === 'response.output_item.done' && e.item.type === 'function_call').item.arguments).toBe('{"key":"[REDACTED:aws-access-key-id]"}');
    expect(out).not.toContain('AKIAIOSF');
  });

  it('replaces a blocked function call by a message item, also in response.completed', async () => {
    const { events } = await run(call('drop_db', ['{}']), 64, { onToolCall: async () => ({ action: 'block', message: 'needs approval' }) });
    expect(events.some((e) => e.item?.type === 'function_call' || e.type.startsWith('response.function_call'))).toBe(false);
    expect(deltas(events, 'response.output_text.delta')).toBe('[sluice] tool call drop_db blocked: needs approval');
    const final = events.find((e) => e.type === 'response.completed').response.output;
    expect(final[1]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: '[sluice] tool call drop_db blocked: needs approval' }] });
  });

  it('fails a stream that ends inside a function call (never released undecided)', async () => {
    const m = createSseMasker({ scanner: testScanner() });
    await m.write(Buffer.from(ev('response.output_item.added', { output_index: 0, item: { id: 'fc', type: 'function_call', name: 'x' } })));
    await expect(m.end()).rejects.toMatchObject({ code: 'SLUICE_ERR_SSE_SYNTAX' });
  });
});

describe('createSseMasker — text held when a stream ends without closing its block', () => {
  it('Anthropic: releases the held text masked, as a text delta', async () => {
    const input = ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `cut short ${AWS.slice(0, 10)}` } }) +
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `${AWS.slice(10)} and the tail` } });
    const { events, out } = await run(input, 9);
    const released = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join('');
    expect(released).toBe('cut short [REDACTED:aws-access-key-id] and the tail');
    expect(out).not.toContain(AWS.slice(0, 10));
  });

  it('OpenAI chat: releases held content before [DONE] even without a finish_reason', async () => {
    const chunk = (content: string) => writeSseEvent({ data: JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] }) });
    const input = chunk('abrupt end tail text') + writeSseEvent({ data: '[DONE]' });
    const m = createSseMasker({ scanner: testScanner() });
    const out = Buffer.concat([await m.write(Buffer.from(input)), await m.end()]).toString();
    const p = new SseParser();
    const events = [...p.push(Buffer.from(out)), ...p.end()];
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.slice(0, -1).map((e) => JSON.parse(e.data!).choices[0].delta.content).join('')).toBe('abrupt end tail text');
  });
});
