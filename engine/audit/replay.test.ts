/** @module audit/replay.test — timelines grouped by session and exchange, SSE streams rebuilt from masked deltas. */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog } from './log.js';
import { formatTimeline, replay } from './replay.js';
import { reconstructStream } from './sse-text.js';
import { sampleExchange } from './fixtures/events.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const anthropicStream = [
  { event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1"}}' },
  { event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}' },
  { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Your key is "}}' },
  { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"[REDACTED:aws-access-key-id]."}}' },
  { event: 'content_block_start', data: '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t1","name":"run_sql","input":{}}}' },
  { event: 'content_block_delta', data: '{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\": \\"SEL"}}' },
  { event: 'content_block_delta', data: '{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ECT 1\\"}"}}' },
  { event: 'message_stop', data: '{"type":"message_stop"}' },
];

describe('reconstructStream', () => {
  it('concatenates Anthropic text and tool-input deltas', () => {
    expect(reconstructStream(anthropicStream)).toEqual({
      text: 'Your key is [REDACTED:aws-access-key-id].',
      tools: [{ name: 'run_sql', input: '{"query": "SELECT 1"}' }],
      events: 8,
    });
  });

  it('concatenates OpenAI Chat Completions and Responses deltas', () => {
    const chat = [
      { data: '{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}' },
      { data: '{"choices":[{"index":0,"delta":{"content":"lo"}}]}' },
      { data: '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"lookup","arguments":"{\\"id\\""}}]}}]}' },
      { data: '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":7}"}}]}}]}' },
      { data: '[DONE]' },
    ];
    expect(reconstructStream(chat)).toMatchObject({ text: 'Hello', tools: [{ name: 'lookup', input: '{"id":7}' }] });
    const responses = [
      { event: 'response.output_text.delta', data: '{"type":"response.output_text.delta","delta":"Hi "}' },
      { event: 'response.output_text.delta', data: '{"type":"response.output_text.delta","delta":"there"}' },
    ];
    expect(reconstructStream(responses).text).toBe('Hi there');
  });
});

describe('replay', () => {
  async function writeLog(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-replay-'));
    dirs.push(dir);
    const path = join(dir, 'audit.jsonl');
    const log = createAuditLog({ path });
    const [req1, res1] = sampleExchange('s1', 'x1');
    const [req2] = sampleExchange('s2', 'x2');
    await log.append(req1);
    await log.append(req2);
    await log.append({ ...req2, phase: 'tool_call', decision: { allow: false, reasons: ['run_sql needs approval'], approval: { id: 'apr_1', kind: 'once', outcome: 'denied' } } });
    await log.append({ ...res1, body: null, sse: anthropicStream, llm: { provider: 'anthropic', model: 'm', stream: true } });
    await log.close();
    return path;
  }

  it('groups events by session and exchange in log order and rebuilds streams', async () => {
    const timeline = await replay(await writeLog());
    expect(timeline.verify.ok).toBe(true);
    expect(timeline.sessions.map((s) => s.sessionId)).toEqual(['s1', 's2']);
    const x1 = timeline.sessions[0]!.exchanges[0]!;
    expect(x1.steps.map((s) => s.phase)).toEqual(['request', 'response']);
    expect(x1.steps[0]!.body).toContain('[REDACTED:aws-access-key-id]');
    expect(x1.steps[1]!.stream!.text).toBe('Your key is [REDACTED:aws-access-key-id].');
    const text = formatTimeline(timeline);
    expect(text).toMatch(/log verified: 4 events/);
    expect(text).toMatch(/tool_call POST api\.anthropic\.com\/v1\/messages → deny \(run_sql needs approval\) · approval apr_1 denied/);
    expect(text).toMatch(/tool run_sql\(\{"query": "SELECT 1"\}\)/);
  });

  it('filters by session and still replays a log that does not verify, saying so', async () => {
    const path = await writeLog();
    const only = await replay(path, { session: 's2' });
    expect(only.sessions.map((s) => s.sessionId)).toEqual(['s2']);
    expect(only.sessions[0]!.exchanges[0]!.steps).toHaveLength(2);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"allow":false', '"allow":true '));
    const tampered = await replay(path);
    expect(tampered.verify.ok).toBe(false);
    expect(formatTimeline(tampered)).toMatch(/LOG DOES NOT VERIFY at seq 3/);
  });
});
