/** @module pipeline/sniff — a masker for an untyped response body: holds its first bytes, sniffs them, then delegates. */
import { SNIFF_BYTES, sniffKind } from './body-kind.js';
import type { StreamMasker } from './seams.js';

const EMPTY = new Uint8Array(0);

/** A masker that releases bytes unchanged (a binary body passed unscanned, `binary: 'pass'`). */
export const PASS_THROUGH: StreamMasker = { write: (chunk) => chunk, end: () => EMPTY, findings: () => [] };

/**
 * Hold an untyped body's first `SNIFF_BYTES` (or all of it, if shorter), sniff them (`json`, `text` or `binary`)
 * and hand them and everything after to the masker `choose` returns for that kind. `choose` may throw (e.g. binary
 * bodies denied): the error fails the stream before any byte is released.
 *
 * @example
 * const masker = sniffingMasker((kind) => kind === 'json' ? createJsonMasker({ scanner }) : createTextMasker({ scanner }));
 */
export function sniffingMasker(choose: (kind: 'json' | 'text' | 'binary') => StreamMasker): StreamMasker {
  let inner: StreamMasker | null = null;
  let head: Buffer[] = [];
  let size = 0;
  /** Sniff the held bytes, pick the masker and give it those bytes. */
  const start = (): { masker: StreamMasker; first: Uint8Array | Promise<Uint8Array> } => {
    const bytes = Buffer.concat(head, size);
    head = [];
    const masker = choose(sniffKind(bytes));
    inner = masker;
    return { masker, first: masker.write(bytes) };
  };
  return {
    write(chunk) {
      if (inner) return inner.write(chunk);
      head.push(Buffer.from(chunk)); // a copy: the caller may reuse its chunk
      size += chunk.length;
      return size < SNIFF_BYTES ? EMPTY : start().first;
    },
    end() {
      if (inner) return inner.end();
      const { masker, first } = start();
      if (first instanceof Uint8Array) {
        const rest = masker.end();
        return rest instanceof Uint8Array ? Buffer.concat([first, rest]) : rest.then((r) => Buffer.concat([first, r]));
      }
      return first.then(async (f) => Buffer.concat([f, await masker.end()]));
    },
    findings: () => inner?.findings?.() ?? [],
  };
}
