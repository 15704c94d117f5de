/** @module audit/file-sink — the default sink: an append-only JSON Lines file with size rotation and an fsync policy. */
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { SluiceError } from '../errors.js';
import { scanFileTail } from './verify.js';
import type { AuditRecord, AuditSink } from './types.js';

/**
 * When written lines reach the disk:
 * - `always`   — fsync after every batch, before `append` resolves (the default; a crash loses nothing acknowledged);
 * - `interval` — fsync every `fsyncIntervalMs` and on rotate/close (a crash may lose that window);
 * - `never`    — leave it to the OS; fsync only on rotate/close.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface FileSinkOptions {
  path: string;
  /** Rotate when the active file would exceed this size (bytes). Default 64 MiB. */
  maxFileBytes?: number;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
}

/** A sink that can also rotate its medium; the log then writes a `link` record first in the new file. */
export interface RotatingSink extends AuditSink {
  shouldRotate(nextBytes: number): boolean;
  /** Close the active file, rename it aside and start a new one; returns the rotated file's name. */
  rotate(): Promise<string>;
}

/**
 * Create the file sink.
 *
 * @example
 * const log = createAuditLog({ sink: createFileSink({ path: 'audit.jsonl', fsync: 'interval' }) });
 */
export function createFileSink(options: FileSinkOptions): RotatingSink {
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const policy: FsyncPolicy = options.fsync ?? 'always';
  const intervalMs = options.fsyncIntervalMs ?? 1000;
  if (!['always', 'interval', 'never'].includes(policy)) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `fsync must be always, interval or never (got ${String(policy)})`);
  }
  if (!(maxFileBytes > 0) || !(intervalMs > 0)) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'maxFileBytes and fsyncIntervalMs must be positive');
  }
  let handle: FileHandle | null = null;
  let size = 0;
  let firstSeq = 0;
  let records = 0;
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;

  async function openActive(): Promise<void> {
    handle = await open(options.path, 'a');
    size = (await handle.stat()).size;
    if (policy === 'interval' && !timer) {
      timer = setInterval(() => void flush().catch(() => undefined), intervalMs);
      timer.unref();
    }
  }
  async function flush(): Promise<void> {
    if (handle && dirty) {
      dirty = false;
      await handle.sync();
    }
  }
  async function writeAll(buffer: Buffer): Promise<void> {
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await handle!.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
    }
  }

  return {
    async open() {
      const existing = await stat(options.path).catch(() => null);
      const tail = existing && existing.size > 0 ? await scanFileTail(options.path) : null;
      await openActive();
      if (!tail) return null;
      firstSeq = tail.firstSeq;
      records = tail.records;
      return { seq: tail.lastSeq, head: tail.head, count: tail.count };
    },
    async write(lines: string, written: AuditRecord[]) {
      if (!handle) throw new SluiceError('SLUICE_ERR_AUDIT_SINK', 'the file sink is not open');
      if (records === 0 && written.length > 0) firstSeq = written[0]!.seq;
      const buffer = Buffer.from(lines, 'utf8');
      const before = size;
      try {
        await writeAll(buffer);
      } catch (err) {
        await handle.truncate(before).catch(() => undefined); // never leave a torn line behind
        throw err;
      }
      size += buffer.length;
      records += written.length;
      dirty = true;
      if (policy === 'always') await flush();
    },
    shouldRotate(nextBytes: number) {
      return records > 0 && size + nextBytes > maxFileBytes;
    },
    async rotate() {
      await flush();
      await handle?.close();
      handle = null;
      const rotatedPath = `${options.path}.${String(firstSeq).padStart(12, '0')}`;
      await rename(options.path, rotatedPath);
      records = 0;
      await openActive();
      return basename(rotatedPath);
    },
    sync: flush,
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await flush();
      await handle?.close();
      handle = null;
    },
  };
}
