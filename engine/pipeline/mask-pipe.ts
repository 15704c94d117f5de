/** @module pipeline/mask-pipe — drives a (sync or async) streaming masker in order, into a byte sink; errors fail closed once. */
import { SluiceError, isSluiceError } from '../errors.js';
import type { ByteSink } from './decode.js';
import type { StreamMasker } from './seams.js';

/**
 * Coerce anything thrown into a SluiceError (unknown errors become SLUICE_ERR_INTERNAL).
 *
 * @example
 * sink.error(toSluiceError(err));
 */
export function toSluiceError(err: unknown): SluiceError {
  return isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_INTERNAL', undefined, { cause: err });
}

/**
 * A sink that forwards `error` at most once, and nothing after an error or the end.
 *
 * @example
 * const safe = onceSink(sink); safe.error(e1); safe.error(e2); // sink.error called once
 */
export function onceSink(sink: ByteSink): ByteSink & { readonly closed: boolean } {
  return new OnceSink(sink);
}

/**
 * A class, not an object literal with a `closed` getter: on Node 20 (V8 11.3) making such literals in a loop had
 * young-generation GC copy and promote ~2 MB per scavenge (measured; a class instance: nothing).
 */
class OnceSink implements ByteSink {
  closed = false;
  constructor(private readonly sink: ByteSink) {}
  data(chunk: Uint8Array): void { if (!this.closed && chunk.length) this.sink.data(chunk); }
  end(): void { if (!this.closed) { this.closed = true; this.sink.end(); } }
  error(err: SluiceError): void { if (!this.closed) { this.closed = true; this.sink.error(err); } }
}

/**
 * Feeds chunks to a masker in order. A masker returning promises (a held tool call) queues later chunks;
 * a synchronous one runs without allocating promises.
 *
 * @example
 * const pipe = new MaskPipe(masker, sink); pipe.write(chunk); pipe.end();
 */
export class MaskPipe {
  private pending: Promise<void> | null = null;
  private failed = false;

  constructor(private readonly masker: StreamMasker, private readonly sink: ByteSink) {}

  write(chunk: Uint8Array): void { this.step(() => this.masker.write(chunk), false); }

  end(): void { this.step(() => this.masker.end(), true); }

  /** Fail the stream (e.g. a decoder error upstream of the masker). */
  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.sink.error(toSluiceError(err));
  }

  private step(fn: () => Uint8Array | Promise<Uint8Array>, last: boolean): void {
    if (this.failed) return;
    const next = this.pending ? this.pending.then(() => this.run(fn, last)) : this.run(fn, last);
    if (!next) return;
    this.pending = next;
    void next.then(() => { if (this.pending === next) this.pending = null; });
  }

  private run(fn: () => Uint8Array | Promise<Uint8Array>, last: boolean): Promise<void> | undefined {
    if (this.failed) return undefined;
    let out: Uint8Array | Promise<Uint8Array>;
    try { out = fn(); } catch (err) { this.fail(err); return undefined; }
    if (out instanceof Uint8Array) { this.emit(out, last); return undefined; }
    return out.then((bytes) => this.emit(bytes, last), (err) => this.fail(err));
  }

  private emit(bytes: Uint8Array, last: boolean): void {
    if (this.failed) return;
    if (bytes.length) this.sink.data(bytes);
    if (last) this.sink.end();
  }
}
