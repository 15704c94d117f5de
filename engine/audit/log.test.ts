/** @module audit/log.test — the audit log: chain, checkpoints, rotation, resume, sinks, backpressure and failure modes. */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createAuditLog, AUDIT_CHANNEL } from './log.js';
import { canonicalJson } from './canonical.js';
import { verifyAuditLog } from './verify.js';
import { sampleExchange } from './fixtures/events.js';
import type { AuditRecord, AuditSink } from './types.js';

const dirs: string[] = [];
function tempLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-audit-'));
  dirs.push(dir);
  return join(dir, 'audit.jsonl');
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);

describe('createAuditLog (file sink)', () => {
  it('writes open, events, checkpoints and a seal that verify', async () => {
    const path = tempLog();
    const log = createAuditLog({ path, checkpointEvery: 3 });
    for (let i = 0; i < 4; i++) for (const ev of sampleExchange('s1', `x${i}`)) await log.append(ev);
    await log.close();
    const records = lines(path);
    expect(records.map((r) => r.kind)).toEqual(['open', 'event', 'event', 'event', 'checkpoint', 'event', 'event', 'event', 'checkpoint', 'event', 'event', 'seal']);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    expect(records[4]!.mark).toMatchObject({ count: 3, head: records[3]!.hash });
    // Every line is exactly the canonical JSON of its record (the hash spliced in at its sorted place).
    for (const line of readFileSync(path, 'utf8').trim().split('\n')) expect(canonicalJson(JSON.parse(line))).toBe(line);
    const result = await verifyAuditLog(path);
    expect(result).toMatchObject({ ok: true, events: 8, checkpoints: 2, sealed: true, firstBadSeq: null });
    expect(log.stats).toMatchObject({ appended: 8, dropped: 0, checkpoints: 2 });
  });

  it('records findings by detector (counts and paths) and masked bodies, copying no unknown field', async () => {
    const path = tempLog();
    const log = createAuditLog({ path, maxBodyBytes: 16 });
    const [request, response] = sampleExchange('s1', 'x1');
    const leaky = { ...request, findings: [{ ...request.findings![0]!, value: 'AKIAREALSECRET' }], secret: 'x' } as never;
    await log.append(leaky);
    await log.append({ ...response, body: new Uint8Array([0xff, 0xfe, 0x00]) });
    await log.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('AKIAREALSECRET');
    const [, req, res] = lines(path);
    expect(req!.event!.findings).toEqual({ 'aws-access-key-id': { category: 'secret', count: 1, paths: ['/messages/0/content'] } });
    expect(req!.event!.body).toMatchObject({ encoding: 'utf8', data: '{"messages":[{"r', truncated: true });
    expect(res!.event!.body).toEqual({ encoding: 'base64', data: '//4A', bytes: 3, truncated: false });
    expect(req!.event!).not.toHaveProperty('secret');
  });

  it('rotates by size with link records, and verification spans the files', async () => {
    const path = tempLog();
    const log = createAuditLog({ path, maxFileBytes: 4096, checkpointEvery: 5 });
    for (let i = 0; i < 30; i++) for (const ev of sampleExchange('s1', `x${i}`)) await log.append(ev);
    await log.close();
    const names = readdirSync(join(path, '..')).sort();
    expect(names.length).toBeGreaterThan(3);
    expect(log.stats.rotations).toBe(names.length - 1);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, events: 60 });
    // Removing a middle rotated file breaks the chain at the next file's link.
    rmSync(join(path, '..', names[1]!));
    const broken = await verifyAuditLog(path);
    expect(broken.ok).toBe(false);
    expect(broken.error!.reason).toMatch(/seq|chain/);
  });

  it('resumes an existing log after a restart and keeps one chain', async () => {
    const path = tempLog();
    const first = createAuditLog({ path });
    await first.append(sampleExchange('s1', 'x1')[0]);
    await first.close();
    const second = createAuditLog({ path, checkpointEvery: 2 });
    await second.append(sampleExchange('s2', 'x2')[0]);
    await second.append(sampleExchange('s2', 'x2')[1]);
    await second.close();
    expect(lines(path).map((r) => r.kind)).toEqual(['open', 'event', 'seal', 'open', 'event', 'checkpoint', 'event', 'seal']); // checkpoints count events over the whole chain
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, events: 3 });
  });

  it('resumes a log whose active file is already full: the first batch rotates and the chain continues', async () => {
    const path = tempLog();
    const first = createAuditLog({ path, maxFileBytes: 1 << 20 });
    for (let i = 0; i < 5; i++) await first.append(sampleExchange('s1', `x${i}`)[0]);
    await first.close();
    const second = createAuditLog({ path, maxFileBytes: 2000 });
    await second.append(sampleExchange('s2', 'y')[0]);
    await second.close();
    expect(second.stats.rotations).toBeGreaterThan(0);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, events: 6 });
  });

  it('after a failed write the next batch continues the chain from the last written record', async () => {
    let fail = false;
    const written: AuditRecord[] = [];
    const flaky: AuditSink = {
      open: async () => null,
      write: async (_l, records) => {
        if (fail) throw new Error('EIO');
        written.push(...records);
      },
      sync: async () => {},
      close: async () => {},
    };
    const log = createAuditLog({ sink: flaky });
    await log.append(sampleExchange('s', 'a')[0]);
    fail = true;
    await expect(log.append(sampleExchange('s', 'b')[0])).rejects.toMatchObject({ code: 'SLUICE_ERR_AUDIT_SINK' });
    fail = false;
    await log.append(sampleExchange('s', 'c')[0]);
    await log.close();
    expect(written.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect(written.map((r) => r.event?.exchangeId ?? r.kind)).toEqual(['open', 'a', 'c', 'seal']);
    for (let i = 1; i < written.length; i++) expect(written[i]!.prev).toBe(written[i - 1]!.hash);
  });

  it('refuses to resume a log with a torn last line (fail closed)', async () => {
    const path = tempLog();
    const first = createAuditLog({ path, fsync: 'never' });
    await first.append(sampleExchange('s1', 'x1')[0]);
    await first.close();
    appendFileSync(path, '{"seq":3,"prev":"ab');
    const second = createAuditLog({ path });
    await expect(second.append(sampleExchange('s1', 'x2')[0])).rejects.toMatchObject({ code: 'SLUICE_ERR_AUDIT_SINK' });
    await expect(second.close()).rejects.toMatchObject({ code: 'SLUICE_ERR_AUDIT_SINK' });
  });

  it('validates options at construction', () => {
    expect(() => createAuditLog({})).toThrow(/path or a sink/);
    expect(() => createAuditLog({ path: 'x', fsync: 'sometimes' as never })).toThrow(/fsync/);
    expect(() => createAuditLog({ path: 'x', onError: 'ignore' as never })).toThrow(/onError/);
    expect(() => createAuditLog({ path: 'x', checkpointEvery: 0 })).toThrow(/checkpointEvery/);
  });
});

function failingSink(failFrom: number): AuditSink & { written: number } {
  const sink = {
    written: 0,
    async open() {
      return null;
    },
    async write(_lines: string, records: AuditRecord[]) {
      if (sink.written + records.length > failFrom) throw new Error('disk full');
      sink.written += records.length;
    },
    async sync() {},
    async close() {},
  };
  return sink;
}

describe('createAuditLog (sinks and failure modes)', () => {
  it('fails closed by default: a failing sink rejects append with SLUICE_ERR_AUDIT_SINK', async () => {
    const log = createAuditLog({ sink: failingSink(1) });
    await expect(log.append(sampleExchange('s', 'x')[0])).rejects.toMatchObject({ code: 'SLUICE_ERR_AUDIT_SINK' });
    expect(log.stats).toMatchObject({ failed: 1, dropped: 0, appended: 0 });
  });

  it("with onError 'drop' counts dropped events instead of failing", async () => {
    const log = createAuditLog({ sink: failingSink(2), onError: 'drop' });
    await log.append(sampleExchange('s', 'x')[0]);
    await log.append(sampleExchange('s', 'x')[1]);
    await log.append(sampleExchange('s', 'y')[0]);
    expect(log.stats).toMatchObject({ appended: 1, dropped: 2, failed: 2 });
  });

  it('applies backpressure: a full queue blocks, then rejects after blockTimeoutMs; drop mode counts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stuck: AuditSink = { open: async () => null, write: () => gate, sync: async () => {}, close: async () => {} };
    const log = createAuditLog({ sink: stuck, maxQueue: 2, blockTimeoutMs: 30 });
    const pending = [log.append(sampleExchange('s', 'a')[0])];
    await new Promise((r) => setTimeout(r, 5)); // the first batch is now in the stuck sink
    pending.push(log.append(sampleExchange('s', 'b')[0]), log.append(sampleExchange('s', 'c')[0]));
    await expect(log.append(sampleExchange('s', 'd')[0])).rejects.toThrow(/queue full/);
    release();
    await Promise.all(pending);
    const dropping = createAuditLog({ sink: { ...stuck, write: () => new Promise(() => {}) }, maxQueue: 1, onError: 'drop' });
    void dropping.append(sampleExchange('s', 'a')[0]);
    await new Promise((r) => setTimeout(r, 5));
    void dropping.append(sampleExchange('s', 'b')[0]);
    await dropping.append(sampleExchange('s', 'c')[0]);
    expect(dropping.stats.dropped).toBe(1);
  });

  it('writes JSON Lines to a stream sink and calls a function sink per record', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const toStream = createAuditLog({ sink: createStreamSinkFor(out) });
    await toStream.append(sampleExchange('s', 'x')[0]);
    await toStream.close();
    expect(text.trim().split('\n').map((l) => JSON.parse(l).kind)).toEqual(['open', 'event', 'seal']);
    const seen: AuditRecord[] = [];
    const toFn = createAuditLog({ sink: (record) => void seen.push(record) });
    await toFn.append(sampleExchange('s', 'x')[0]);
    await toFn.close();
    expect(seen.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(seen[1]!.prev).toBe(seen[0]!.hash);
  });

  it("publishes records on the 'sluice:audit' diagnostics channel when subscribed", async () => {
    const messages: unknown[] = [];
    const onMessage = (m: unknown) => messages.push(m);
    subscribe(AUDIT_CHANNEL, onMessage);
    try {
      const log = createAuditLog({ sink: () => undefined });
      await log.append(sampleExchange('s', 'x')[0]);
      await log.close();
    } finally {
      unsubscribe(AUDIT_CHANNEL, onMessage);
    }
    expect(messages.map((m) => (m as { record: AuditRecord }).record.kind)).toEqual(['open', 'event', 'seal']);
  });
});

import { createStreamSink } from './sinks.js';
function createStreamSinkFor(stream: NodeJS.WritableStream) {
  return createStreamSink(stream);
}
