/** @module pipeline/decode — content-encoding decoding with caps on decoded size, ratio and number of encodings. */
import * as zlib from 'node:zlib';
import { SluiceError } from '../errors.js';

/** Caps applied while decoding a body. */
export interface DecodeLimits {
  /** Largest decoded body, in bytes. */
  maxDecodedBytes: number;
  /** Largest decoded/encoded ratio, checked once the decoded size passes `ratioFloorBytes`. */
  maxRatio: number;
  /** Most content-encodings stacked on one body (`gzip, br` is 2). */
  maxEncodings: number;
  /** Bodies decoding to fewer bytes than this are never ratio-checked (small bodies compress well). */
  ratioFloorBytes: number;
}

type Factory = () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;
type SyncDecode = (buf: Uint8Array, opts: { maxOutputLength: number }) => Buffer;

const zstd = (zlib as unknown as { createZstdDecompress?: Factory; zstdDecompressSync?: SyncDecode });
const STREAMS: Record<string, Factory> = {
  gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress,
  ...(zstd.createZstdDecompress ? { zstd: zstd.createZstdDecompress } : {}),
};
const SYNC: Record<string, SyncDecode> = {
  gzip: zlib.gunzipSync, 'x-gzip': zlib.gunzipSync, deflate: zlib.inflateSync, br: zlib.brotliDecompressSync,
  ...(zstd.zstdDecompressSync ? { zstd: zstd.zstdDecompressSync } : {}),
};

/**
 * The encodings of a Content-Encoding header in the order they were applied; `identity` dropped.
 * Unknown encodings throw SLUICE_ERR_ENCODING_UNSUPPORTED; too many throw SLUICE_ERR_DECOMPRESSION_BOMB.
 *
 * @example
 * parseEncodings('gzip, br', limits); // ['gzip', 'br']
 */
export function parseEncodings(header: string | string[] | undefined, limits: DecodeLimits): string[] {
  if (header === undefined) return [];
  const list = (Array.isArray(header) ? header.join(',') : header)
    .split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '' && s !== 'identity');
  for (const enc of list) {
    if (!STREAMS[enc]) throw new SluiceError('SLUICE_ERR_ENCODING_UNSUPPORTED', enc, { details: { encoding: enc } });
  }
  if (list.length > limits.maxEncodings) {
    throw new SluiceError('SLUICE_ERR_DECOMPRESSION_BOMB', `${list.length} stacked encodings`, { details: { encodings: list.length } });
  }
  return list;
}

function checkRatio(decoded: number, encoded: number, limits: DecodeLimits): void {
  if (decoded > limits.maxDecodedBytes) {
    throw new SluiceError('SLUICE_ERR_DECOMPRESSION_BOMB', `decoded size exceeds ${limits.maxDecodedBytes} bytes`, { details: { limit: limits.maxDecodedBytes } });
  }
  if (decoded > limits.ratioFloorBytes && decoded > encoded * limits.maxRatio) {
    throw new SluiceError('SLUICE_ERR_DECOMPRESSION_BOMB', `ratio above ${limits.maxRatio}`, { details: { ratio: limits.maxRatio } });
  }
}

/**
 * Decode a whole body (request bodies, buffered responses). Corrupt data throws SLUICE_ERR_DECODE.
 *
 * @example
 * const plain = decodeBody(gzipSync(json), ['gzip'], limits);
 */
export function decodeBody(bytes: Uint8Array, encodings: string[], limits: DecodeLimits): Uint8Array {
  let out = bytes;
  for (let i = encodings.length - 1; i >= 0; i--) {
    try {
      out = SYNC[encodings[i]!]!(out, { maxOutputLength: limits.maxDecodedBytes + 1 });
    } catch (cause) {
      if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') checkRatio(limits.maxDecodedBytes + 1, bytes.length, limits);
      throw new SluiceError('SLUICE_ERR_DECODE', `${encodings[i]} data is corrupt`, { cause });
    }
    checkRatio(out.length, bytes.length, limits);
  }
  return out;
}

/** Receives decoded bytes. `error` is called at most once, after which nothing else is. */
export interface ByteSink {
  data(chunk: Uint8Array): void;
  end(): void;
  error(err: SluiceError): void;
}

/**
 * A streaming decoder: write encoded chunks, decoded chunks reach `sink` (asynchronously, in order).
 *
 * @example
 * const dec = createDecoder(['gzip'], limits, { data: (c) => out.push(c), end: done, error: fail });
 * dec.write(chunk); dec.end();
 */
export function createDecoder(encodings: string[], limits: DecodeLimits, sink: ByteSink): { write(chunk: Uint8Array): void; end(): void } {
  const chain = [...encodings].reverse().map((enc) => STREAMS[enc]!());
  for (let i = 0; i < chain.length - 1; i++) chain[i]!.pipe(chain[i + 1]!);
  const first = chain[0]!;
  const last = chain[chain.length - 1]!;
  let encoded = 0;
  let decoded = 0;
  let failed = false;
  const fail = (err: SluiceError): void => {
    if (failed) return;
    failed = true;
    for (const z of chain) z.destroy();
    sink.error(err);
  };
  for (const z of chain) z.on('error', (cause) => fail(new SluiceError('SLUICE_ERR_DECODE', 'corrupt compressed data', { cause })));
  last.on('data', (chunk: Buffer) => {
    if (failed) return;
    decoded += chunk.length;
    try { checkRatio(decoded, encoded, limits); } catch (err) { return fail(err as SluiceError); }
    sink.data(chunk);
  });
  last.on('end', () => { if (!failed) sink.end(); });
  return {
    write(chunk) { if (!failed) { encoded += chunk.length; first.write(chunk); } },
    end() { if (!failed) first.end(); },
  };
}
