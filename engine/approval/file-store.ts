/** @module approval/file-store — the durable default ApprovalStore: a JSON Lines journal, replayed on open, compacted, fsynced. */
import { open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SluiceError } from '../errors.js';
import { withFileLock, type LockOptions } from './file-lock.js';
import type { ApprovalRecord, ApprovalState, ApprovalStore } from './types.js';

export interface FileStoreOptions extends LockOptions {
  path: string;
  /** Finished records (denied, expired, consumed, revoked, lapsed grants) older than this are dropped at compaction. Default 7 days. */
  retainMs?: number;
}

const TERMINAL: ApprovalState[] = ['denied', 'expired', 'consumed', 'revoked'];

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(dirname(path), 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

/**
 * Open (creating if needed) a file-backed store. Every change is one fsynced `put` line appended under an
 * exclusive lock file, after re-reading what other processes appended — so the CLI and a running service
 * can share one file, and compare-and-set updates stay atomic across them. On open the journal is
 * replayed and, when mostly superseded, compacted (written aside, fsynced, renamed over).
 *
 * @example
 * const store = await createFileStore({ path: '.sluice/approvals.jsonl' });
 */
export async function createFileStore(options: FileStoreOptions): Promise<ApprovalStore & { readonly skippedLines: number }> {
  const { path } = options;
  const retainMs = options.retainMs ?? 7 * 24 * 3600 * 1000;
  const records = new Map<string, ApprovalRecord>();
  let offset = 0;
  let ino = -1;
  let lines = 0;
  let skippedLines = 0;

  // Refreshes run one at a time: two concurrent reads from one offset would advance it twice.
  let refreshing: Promise<void> = Promise.resolve();
  const refresh = (): Promise<void> => (refreshing = refreshing.then(readNew, readNew));

  async function readNew(): Promise<void> {
    const info = await stat(path).catch(() => null);
    if (!info) return;
    if (info.ino !== ino || info.size < offset) {
      records.clear();
      offset = 0;
      lines = 0;
      ino = info.ino;
    }
    if (info.size === offset) return;
    const start = offset;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(info.size - offset);
      await handle.read(buffer, 0, buffer.length, start);
      const end = buffer.lastIndexOf(0x0a) + 1; // a torn last line waits (or is skipped once terminated)
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
        if (line === '') continue;
        lines++;
        try {
          const entry = JSON.parse(line) as { op: string; record: ApprovalRecord };
          if (entry.op === 'put' && typeof entry.record?.id === 'string') records.set(entry.record.id, entry.record);
          else skippedLines++;
        } catch {
          skippedLines++;
        }
      }
      offset = start + end;
    } finally {
      await handle.close();
    }
  }
  async function append(record: ApprovalRecord): Promise<void> {
    const handle = await open(path, 'a+');
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n'; // terminate a torn line left by a crash
      }
      await handle.write(`${prefix}${JSON.stringify({ op: 'put', record })}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  const locked = <T>(fn: () => Promise<T>) =>
    withFileLock(path, async () => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof SluiceError) throw err;
        throw new SluiceError('SLUICE_ERR_APPROVAL_STORE', (err as Error).message, { cause: err });
      }
    }, options);

  async function compact(): Promise<void> {
    const now = Date.now();
    const keep = [...records.values()].filter((r) => {
      const finished = TERMINAL.includes(r.state) || (r.grantExpiresAt !== null && r.grantExpiresAt < now);
      return !finished || now - (r.decidedAt ?? r.createdAt) < retainMs;
    });
    const temp = `${path}.compact-${process.pid}`;
    const handle = await open(temp, 'w');
    try {
      await handle.write(keep.map((record) => `${JSON.stringify({ op: 'put', record })}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await fsyncDir(path);
  }

  await locked(async () => {
    await refresh();
    if (lines > 64 && lines > 2 * records.size) {
      await compact();
      await refresh();
    }
  });

  return {
    get skippedLines() {
      return skippedLines;
    },
    refresh: () => refresh(),
    async get(id) {
      const record = records.get(id);
      return record && structuredClone(record);
    },
    async list() {
      return [...records.values()].map((r) => structuredClone(r));
    },
    create: (record) =>
      locked(async () => {
        await refresh();
        if (records.has(record.id)) throw new SluiceError('SLUICE_ERR_APPROVAL_STORE', `duplicate approval id ${record.id}`);
        await append(record);
        await refresh();
      }),
    update: (id: string, from: ApprovalState[], patch: Partial<ApprovalRecord>) =>
      locked(async () => {
        await refresh();
        const current = records.get(id);
        if (!current || !from.includes(current.state)) return undefined;
        const next = { ...current, ...patch, id };
        await append(next);
        await refresh();
        return structuredClone(next);
      }),
    async close() {},
  };
}
