/** @module pipeline/body — bounded buffering of request bodies, and the streamed remainder of an oversize one. */

/** A request body as adapters hand it over. */
export type BodyInput = Uint8Array | string | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | null | undefined;

/** A buffered prefix, and (when the body was larger than the limit) the unread remainder. */
export interface Collected {
  bytes: Uint8Array;
  /** Chunks after the prefix; null when the body fit. */
  rest: AsyncIterator<Uint8Array | string> | null;
}

const EMPTY = new Uint8Array(0);
const toBytes = (c: Uint8Array | string): Uint8Array => (typeof c === 'string' ? Buffer.from(c) : c);

/**
 * Buffer up to `limit` bytes. A larger body returns its first chunks (≥ limit bytes) and the iterator of the rest,
 * which the caller must either refuse or stream through a masker — never forward unscanned.
 *
 * @example
 * const { bytes, rest } = await collectBody(req, 8 << 20);
 */
export async function collectBody(body: BodyInput, limit: number): Promise<Collected> {
  if (body === null || body === undefined) return { bytes: EMPTY, rest: null };
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = toBytes(body);
    return { bytes, rest: null, ...(bytes.length > limit ? { bytes: bytes.subarray(0, limit), rest: once(bytes.subarray(limit)) } : {}) };
  }
  if (isNodeReadable(body)) return collectReadable(body, limit);
  const it = Symbol.asyncIterator in body
    ? (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
    : toAsync((body as Iterable<Uint8Array | string>)[Symbol.iterator]());
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    const chunk = toBytes(next.value);
    parts.push(chunk);
    size += chunk.length;
    if (size > limit) return { bytes: Buffer.concat(parts, size), rest: it };
  }
  return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), rest: null };
}

/** The part of a Node.js Readable that event-based collection needs (an IncomingMessage, a Fastify payload). */
interface NodeReadable extends AsyncIterable<Uint8Array | string> {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  readableEnded?: boolean;
}

function isNodeReadable(body: object): body is NodeReadable {
  const r = body as Partial<NodeReadable> & { read?: unknown };
  return typeof r.on === 'function' && typeof r.read === 'function' && typeof r.pause === 'function' && Symbol.asyncIterator in body;
}

/**
 * Collect a Node.js Readable with 'data'/'end' events (several times cheaper per request than async iteration).
 * Over `limit`, the stream is paused and its async iterator returned as the rest. A stream that closes or errs
 * before 'end' rejects (ERR_STREAM_PREMATURE_CLOSE), as async iteration would.
 */
function collectReadable(body: NodeReadable, limit: number): Promise<Collected> {
  if (body.readableEnded) return Promise.resolve({ bytes: EMPTY, rest: null });
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    let size = 0;
    // Method shorthand, not named arrows: per-request closures stay plain (no name defined on each one).
    const on = {
      detach(): void {
        body.removeListener('data', on.data);
        body.removeListener('end', on.end);
        body.removeListener('error', on.error);
        body.removeListener('close', on.close);
      },
      data(chunk: Uint8Array | string): void {
        const bytes = toBytes(chunk);
        parts.push(bytes);
        size += bytes.length;
        if (size <= limit) return;
        on.detach();
        body.pause();
        resolve({ bytes: Buffer.concat(parts, size), rest: body[Symbol.asyncIterator]() });
      },
      end(): void {
        on.detach();
        resolve({ bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), rest: null });
      },
      error(err: Error): void { on.detach(); reject(err); },
      close(): void {
        on.detach();
        reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      },
    };
    body.on('data', on.data);
    body.on('end', on.end);
    body.on('error', on.error);
    body.on('close', on.close);
  });
}

function once(chunk: Uint8Array): AsyncIterator<Uint8Array> {
  let done = false;
  return { async next() { return done ? { done: true, value: undefined } : ((done = true), { done: false, value: chunk }); } };
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { async next() { return it.next(); } };
}
