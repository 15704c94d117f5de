/** @module audit/log — createAuditLog: a bounded queue feeding a hash chain with checkpoints, rotation and fail-closed sinks. */
import { channel } from 'node:diagnostics_channel';
import { SluiceError } from '../errors.js';
import { createFileSink, type FsyncPolicy, type RotatingSink } from './file-sink.js';
import { GENESIS_HASH, chainRecord, normalizeEvent, type ChainedRecord } from './record.js';
import { createFunctionSink, createStreamSink, type AuditRecordHandler } from './sinks.js';
import type { AuditEvent, AuditRecord, AuditRecordKind, AuditSink, AuditStats, RecordedEvent } from './types.js';

/** The diagnostics channel; messages are published only when someone subscribes. */
export const AUDIT_CHANNEL = 'sluice:audit';
const auditChannel = channel(AUDIT_CHANNEL);

/** What `sluice:audit` subscribers receive. */
export type AuditChannelMessage =
  | { type: 'record'; record: AuditRecord }
  | { type: 'dropped'; dropped: number; reason: string };

export interface AuditLogOptions {
  /** The file sink's path (the default sink). */
  path?: string;
  /** Another sink: 'stdout', a record handler, or any AuditSink. */
  sink?: 'stdout' | AuditRecordHandler | AuditSink;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  maxFileBytes?: number;
  /** Write a checkpoint record every N events. Default 1000. */
  checkpointEvery?: number;
  /** 'block' (default): a full queue waits, a failing sink rejects (the pipeline fails closed). 'drop': count and go on. */
  onError?: 'block' | 'drop';
  /** Events waiting for the sink before backpressure applies. Default 10000. */
  maxQueue?: number;
  /** How long a blocked append waits for queue space before rejecting. Default 10000 ms. */
  blockTimeoutMs?: number;
  /** Bodies longer than this are recorded truncated (flagged). Default 1 MiB. */
  maxBodyBytes?: number;
  now?: () => Date;
  /** Called with every checkpoint written, e.g. to publish the head elsewhere as an external anchor. */
  onCheckpoint?: (record: AuditRecord) => void;
}

export interface AuditLog {
  /** Append one event; resolves once written (and fsynced under 'always'). */
  append(event: AuditEvent): Promise<void>;
  /** Wait for queued events, then fsync. */
  flush(): Promise<void>;
  /** Drain, write a seal record, close the sink. */
  close(): Promise<void>;
  readonly stats: Readonly<AuditStats>;
  /** Bodies longer than this are recorded truncated; a pipeline keeps at most this much of a streamed body. */
  readonly maxBodyBytes: number;
}

interface Pending {
  event: RecordedEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function resolveSink(options: AuditLogOptions): AuditSink {
  const { sink, path } = options;
  if (sink === 'stdout') return createStreamSink(process.stdout);
  if (typeof sink === 'function') return createFunctionSink(sink);
  if (sink) return sink;
  if (!path) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createAuditLog needs a path or a sink');
  return createFileSink({ path, fsync: options.fsync, fsyncIntervalMs: options.fsyncIntervalMs, maxFileBytes: options.maxFileBytes });
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `${name} must be a positive number`);
  return v;
}

/**
 * Create an audit log. Options are validated here; the sink opens lazily on first use.
 *
 * @example
 * const log = createAuditLog({ path: 'audit.jsonl', fsync: 'interval', checkpointEvery: 500 });
 * await log.append({ sessionId, exchangeId, identity, adapter: 'express', phase: 'request', target, decision });
 * await log.close();
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const sink = resolveSink(options);
  const checkpointEvery = positive('checkpointEvery', options.checkpointEvery, 1000);
  const maxQueue = positive('maxQueue', options.maxQueue, 10_000);
  const blockTimeoutMs = positive('blockTimeoutMs', options.blockTimeoutMs, 10_000);
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, 1 << 20);
  const mode = options.onError ?? 'block';
  if (mode !== 'block' && mode !== 'drop') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', "onError must be 'block' or 'drop'");
  const now = options.now ?? (() => new Date());
  const rotating = typeof (sink as RotatingSink).shouldRotate === 'function' ? (sink as RotatingSink) : null;

  const stats: AuditStats = { appended: 0, dropped: 0, failed: 0, queued: 0, checkpoints: 0, rotations: 0 };
  const chain = { seq: 0, head: GENESIS_HASH, count: 0 };
  const queue: Pending[] = [];
  const spaceWaiters: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];
  let pumping = false;
  let closed = false;
  let warned = false;

  const mark = (kind: AuditRecordKind, extra: { file?: string } = {}): ChainedRecord =>
    chainRecord(chain.seq, chain.head, kind, {
      mark: { time: now().toISOString(), head: chain.head, count: chain.count, dropped: stats.dropped, ...extra },
    });
  const advance = (chained: ChainedRecord): ChainedRecord => {
    chain.seq = chained.record.seq + 1;
    chain.head = chained.record.hash;
    if (chained.record.kind === 'event') chain.count++;
    return chained;
  };
  const text = (chained: ChainedRecord[]) => chained.map((c) => `${c.line}\n`).join('');

  async function writeRecords(chained: ChainedRecord[], lines = text(chained)): Promise<void> {
    const records = chained.map((c) => c.record);
    await sink.write(lines, records);
    for (const record of records) {
      if (record.kind === 'checkpoint') {
        stats.checkpoints++;
        options.onCheckpoint?.(record);
      }
      if (auditChannel.hasSubscribers) auditChannel.publish({ type: 'record', record } satisfies AuditChannelMessage);
    }
  }

  const opened = (async () => {
    const resume = await sink.open();
    if (resume) Object.assign(chain, { seq: resume.seq + 1, head: resume.head, count: resume.count });
    const record = mark('open');
    await writeRecords([record]);
    advance(record);
  })();
  opened.catch(() => undefined); // surfaced through append/close

  function buildBatch(batch: Pending[], linkFile: string | null): ChainedRecord[] {
    const records: ChainedRecord[] = [];
    if (linkFile !== null) records.push(advance(mark('link', { file: linkFile })));
    for (const item of batch) {
      records.push(advance(chainRecord(chain.seq, chain.head, 'event', { event: item.event })));
      if (chain.count % checkpointEvery === 0) records.push(advance(mark('checkpoint')));
    }
    return records;
  }

  async function writeBatch(batch: Pending[]): Promise<void> {
    let snapshot = { ...chain };
    try {
      await opened;
      snapshot = { ...chain }; // after the open record: a retry or a rotation rebuilds from here
      let records = buildBatch(batch, null);
      let lines = text(records);
      if (rotating?.shouldRotate(Buffer.byteLength(lines))) {
        Object.assign(chain, snapshot);
        const file = await rotating.rotate();
        stats.rotations++;
        records = buildBatch(batch, file);
        lines = text(records);
      }
      await writeRecords(records, lines);
      stats.appended += batch.length;
      for (const item of batch) item.resolve();
    } catch (err) {
      Object.assign(chain, snapshot);
      stats.failed += batch.length;
      const reason = err instanceof Error ? err.message : String(err);
      if (mode === 'drop') {
        dropped(batch.length, `sink failed: ${reason}`);
        for (const item of batch) item.resolve();
      } else {
        const error = new SluiceError('SLUICE_ERR_AUDIT_SINK', reason, { cause: err });
        for (const item of batch) item.reject(error);
      }
    }
  }

  function dropped(n: number, reason: string): void {
    stats.dropped += n;
    if (auditChannel.hasSubscribers) auditChannel.publish({ type: 'dropped', dropped: stats.dropped, reason } satisfies AuditChannelMessage);
    if (!warned) {
      warned = true;
      process.emitWarning(`sluice audit: events dropped (${reason}); see stats.dropped`, { code: 'SLUICE_AUDIT_DROPPED' });
    }
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, 512);
      stats.queued = queue.length;
      while (spaceWaiters.length > 0 && queue.length < maxQueue) spaceWaiters.shift()!();
      await writeBatch(batch);
    }
    pumping = false;
    while (idleWaiters.length > 0) idleWaiters.shift()!();
  }

  function waitForSpace(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        spaceWaiters.splice(spaceWaiters.indexOf(onSpace), 1);
        resolve(false);
      }, blockTimeoutMs);
      const onSpace = () => {
        clearTimeout(timer);
        resolve(true);
      };
      spaceWaiters.push(onSpace);
    });
  }

  const idle = () => (pumping || queue.length > 0 ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve());

  return {
    stats,
    maxBodyBytes,
    async append(event: AuditEvent): Promise<void> {
      if (closed) throw new SluiceError('SLUICE_ERR_AUDIT_SINK', 'the audit log is closed');
      const recorded = normalizeEvent(event, now(), { maxBodyBytes });
      while (queue.length >= maxQueue) {
        if (mode === 'drop') return dropped(1, 'queue full');
        if (!(await waitForSpace())) throw new SluiceError('SLUICE_ERR_AUDIT_SINK', `queue full for ${blockTimeoutMs} ms`);
      }
      const done = new Promise<void>((resolve, reject) => queue.push({ event: recorded, resolve, reject }));
      stats.queued = queue.length;
      void pump();
      return done;
    },
    async flush() {
      await idle();
      await opened.catch(() => undefined);
      await sink.sync();
    },
    async close() {
      if (closed) return;
      closed = true;
      await idle();
      try {
        await opened;
        const seal = mark('seal');
        await writeRecords([seal]);
        advance(seal);
      } catch (err) {
        await sink.close().catch(() => undefined);
        throw new SluiceError('SLUICE_ERR_AUDIT_SINK', `could not seal the log: ${(err as Error).message}`, { cause: err });
      }
      await sink.close();
    },
  };
}
