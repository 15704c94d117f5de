import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectBody } from './body.js';

const chunks = (n: number, size: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.alloc(size, 0x61 + (i % 26)));

async function drain(rest: AsyncIterator<Uint8Array | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let next = await rest.next(); !next.done; next = await rest.next()) parts.push(Buffer.from(next.value));
  return Buffer.concat(parts);
}

describe('collectBody over a Node.js Readable (event-based path)', () => {
  it('collects every chunk of a stream that fits', async () => {
    const parts = chunks(5, 1000);
    const { bytes, rest } = await collectBody(Readable.from(parts), 10_000);
    expect(rest).toBeNull();
    expect(Buffer.from(bytes).equals(Buffer.concat(parts))).toBe(true);
  });

  it('over the limit returns the prefix and the rest, which continues exactly where the prefix ends', async () => {
    const parts = chunks(40, 1000);
    const { bytes, rest } = await collectBody(Readable.from(parts), 4_500);
    expect(bytes.length).toBe(5_000);
    expect(rest).not.toBeNull();
    const all = Buffer.concat([Buffer.from(bytes), await drain(rest!)]);
    expect(all.equals(Buffer.concat(parts))).toBe(true);
  });

  it('rejects when the stream errors or closes before its end (never a silently short body)', async () => {
    const failing = new PassThrough();
    const p1 = collectBody(failing, 1 << 20);
    failing.write('{"a":');
    failing.destroy(new Error('socket hang up'));
    await expect(p1).rejects.toThrow('socket hang up');

    const closing = new PassThrough();
    const p2 = collectBody(closing, 1 << 20);
    closing.write('{"a":');
    closing.destroy();
    await expect(p2).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('an already-ended stream is an empty body; string chunks become UTF-8 bytes', async () => {
    const ended = Readable.from([]);
    for await (const _ of ended) void _;
    expect((await collectBody(ended, 10)).bytes.length).toBe(0);
    const { bytes } = await collectBody(Readable.from(['hé', 'llo'], { objectMode: true }), 100);
    expect(Buffer.from(bytes).toString('utf8')).toBe('héllo');
  });
});
