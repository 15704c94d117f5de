/** @module pipeline/decode.test — decoding with caps: sizes, ratios, stacked and unknown encodings, corrupt data. */
import { describe, it, expect } from 'vitest';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { createDecoder, decodeBody, parseEncodings, type DecodeLimits } from './decode.js';
import { isSluiceError, type SluiceError } from '../errors.js';

const limits: DecodeLimits = { maxDecodedBytes: 1 << 20, maxRatio: 100, maxEncodings: 2, ratioFloorBytes: 64 * 1024 };
const json = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'hello '.repeat(50) }] }));

function stream(encoded: Buffer, encodings: string[], chunk = 7): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Uint8Array[] = [];
    const dec = createDecoder(encodings, limits, { data: (c) => out.push(c), end: () => resolve(Buffer.concat(out)), error: reject });
    for (let i = 0; i < encoded.length; i += chunk) dec.write(encoded.subarray(i, i + chunk));
    dec.end();
  });
}

describe('parseEncodings', () => {
  it('lists encodings in applied order, dropping identity', () => {
    expect(parseEncodings('gzip, identity, BR', limits)).toEqual(['gzip', 'br']);
    expect(parseEncodings(undefined, limits)).toEqual([]);
  });
  it('rejects unknown encodings and too many stacked ones with coded errors', () => {
    expect(() => parseEncodings('compress-9000', limits)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_ENCODING_UNSUPPORTED' }));
    expect(() => parseEncodings('gzip, gzip, gzip', limits)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_DECOMPRESSION_BOMB' }));
  });
});

describe('decodeBody (whole bodies)', () => {
  it('round-trips gzip, deflate, br and a stack of two', () => {
    expect(Buffer.from(decodeBody(gzipSync(json), ['gzip'], limits))).toEqual(json);
    expect(Buffer.from(decodeBody(deflateSync(json), ['deflate'], limits))).toEqual(json);
    expect(Buffer.from(decodeBody(brotliCompressSync(json), ['br'], limits))).toEqual(json);
    expect(Buffer.from(decodeBody(brotliCompressSync(gzipSync(json)), ['gzip', 'br'], limits))).toEqual(json);
  });
  it('stops a bomb by size and by ratio', () => {
    const bomb = gzipSync(Buffer.alloc(4 << 20));
    expect(() => decodeBody(bomb, ['gzip'], limits)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_DECOMPRESSION_BOMB' }));
    const dense = gzipSync(Buffer.alloc(512 * 1024));
    expect(() => decodeBody(dense, ['gzip'], limits)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_DECOMPRESSION_BOMB' }));
  });
  it('answers corrupt data with SLUICE_ERR_DECODE', () => {
    expect(() => decodeBody(Buffer.from('not gzip at all'), ['gzip'], limits)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_DECODE' }));
  });
});

describe('createDecoder (streaming)', () => {
  it('decodes chunk by chunk', async () => {
    expect(await stream(gzipSync(json), ['gzip'])).toEqual(json);
    expect(await stream(brotliCompressSync(deflateSync(json)), ['deflate', 'br'], 3)).toEqual(json);
  });
  it('fails a streamed bomb once, with the coded error', async () => {
    const err = await stream(gzipSync(Buffer.alloc(4 << 20)), ['gzip'], 1024).catch((e: SluiceError) => e);
    expect(isSluiceError(err, 'SLUICE_ERR_DECOMPRESSION_BOMB')).toBe(true);
  });
  it('fails corrupt streamed data with SLUICE_ERR_DECODE', async () => {
    const err = await stream(Buffer.from('garbage garbage garbage'), ['gzip']).catch((e: SluiceError) => e);
    expect(isSluiceError(err, 'SLUICE_ERR_DECODE')).toBe(true);
  });
});
