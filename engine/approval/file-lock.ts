/** @module approval/file-lock — an exclusive lock file (O_EXCL) with stale-lock recovery for cross-process writes. */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '../errors.js';

export interface LockOptions {
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** A lock older than this, or whose process is gone, is broken. Default 30000 ms. */
  staleMs?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakIfStale(lockPath: string, staleMs: number): Promise<void> {
  const [content, info] = await Promise.all([readFile(lockPath, 'utf8').catch(() => null), stat(lockPath).catch(() => null)]);
  if (content === null || info === null) return; // released meanwhile
  const pid = Number.parseInt(content.split(' ')[0] ?? '', 10);
  const dead = Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
  if (dead || Date.now() - info.mtimeMs > staleMs) await unlink(lockPath).catch(() => undefined);
}

/**
 * Run `fn` while holding `<path>.lock`, created exclusively; waits (with jitter) while another live
 * process holds it, breaks locks left by dead processes, and rejects with SLUICE_ERR_APPROVAL_STORE on timeout.
 *
 * @example
 * await withFileLock('approvals.jsonl', async () => appendRecord(record));
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}`;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(token);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SluiceError('SLUICE_ERR_APPROVAL_STORE', `cannot create ${lockPath}`, { cause: err });
      }
      await breakIfStale(lockPath, options.staleMs ?? 30_000);
      if (Date.now() > deadline) throw new SluiceError('SLUICE_ERR_APPROVAL_STORE', `timed out waiting for ${lockPath}`);
      await sleep(5 + Math.random() * 15);
    }
  }
  try {
    return await fn();
  } finally {
    const current = await readFile(lockPath, 'utf8').catch(() => null);
    if (current === token) await unlink(lockPath).catch(() => undefined);
  }
}
