/** @module scan/byte-tail — the retained end of a byte stream: a small copied tail plus the current chunk, borrowed. */
import { latin1 } from './confirm.js';

/**
 * Bytes [base, limit) of a stream. The latest chunk is only borrowed (no copy): `keep(from)` copies the part of it
 * that is still needed and must run before the chunk's owner may reuse it (the end of every write).
 *
 * @example
 * const tail = new ByteTail(); tail.append(chunk); tail.latin1(0, 4); tail.keep(tail.limit - 100);
 */
export class ByteTail {
  /** Absolute offset of the first retained byte. */
  base = 0;
  private store = Buffer.allocUnsafe(0); // grown by keep(): small tails come from Node's buffer pool
  /** Copied bytes: store[head, head + stored) hold [base, base + stored). */
  private head = 0;
  private stored = 0;
  private chunk: Buffer | null = null;

  /** Absolute offset after the last byte. */
  get limit(): number {
    return this.base + this.stored + (this.chunk?.length ?? 0);
  }

  /** Borrow the next chunk (a chunk still borrowed is copied first). */
  append(chunk: Uint8Array): void {
    if (this.chunk !== null) this.keep(this.base);
    this.chunk = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }

  /** Bytes [from, to) (absolute, retained): a view when they lie in one piece, else a copy. */
  slice(from: number, to: number): Uint8Array {
    const split = this.base + this.stored;
    const at = this.head - this.base;
    if (to <= split) return this.store.subarray(at + from, at + to);
    if (from >= split) return this.chunk!.subarray(from - split, to - split);
    const out = Buffer.allocUnsafe(to - from);
    this.store.copy(out, 0, at + from, this.head + this.stored);
    this.chunk!.copy(out, split - from, 0, to - split);
    return out;
  }

  /** Bytes [from, to) (absolute, retained) decoded as latin1. */
  latin1(from: number, to: number): string {
    const split = this.base + this.stored;
    const at = this.head - this.base;
    if (to <= split) return latin1(this.store, at + from, at + to);
    if (from >= split) return latin1(this.chunk!, from - split, to - split);
    return latin1(this.store, at + from, this.head + this.stored) + latin1(this.chunk!, 0, to - split);
  }

  /**
   * Drop the bytes before `from` and copy what is left of the borrowed chunk. Dropping only moves `head`: the kept
   * bytes move to the front when the chunk would not fit after them (each byte moves O(1) times on average).
   */
  keep(from: number): void {
    const limit = this.limit;
    const start = Math.min(limit, Math.max(from, this.base));
    const split = this.base + this.stored;
    const fromStore = Math.max(0, split - start); // stored bytes kept
    this.head += this.stored - fromStore;
    const fromChunk = this.chunk === null ? 0 : limit - Math.max(start, split);
    if (this.head + fromStore + fromChunk > this.store.length) {
      const length = fromStore + fromChunk;
      const target = length > this.store.length / 2 ? Buffer.allocUnsafe(Math.max(2 * length, 256)) : this.store;
      this.store.copy(target, 0, this.head, this.head + fromStore);
      this.store = target;
      this.head = 0;
    }
    if (fromChunk > 0) this.chunk!.copy(this.store, this.head + fromStore, this.chunk!.length - fromChunk);
    this.base = start;
    this.stored = fromStore + fromChunk;
    this.chunk = null;
  }
}
