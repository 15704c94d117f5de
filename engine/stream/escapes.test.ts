/** @module stream/escapes.test — DecodeArena against JSON.parse (differential) and its map back to raw offsets. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DecodeArena } from './escapes.js';

/** Raw JSON string content (no quotes) of `text`, with some characters escaped as \uXXXX. */
function rawOf(text: string, unicodeEvery: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    out += i % unicodeEvery === 1 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(ch).slice(1, -1);
  }
  return out;
}

describe('DecodeArena', () => {
  it('decodes like JSON.parse (UTF-8 bytes, lone surrogates as U+FFFD), short and long plain runs, in one arena', () => {
    const arena = new DecodeArena();
    const plain = fc.string({ unit: 'binary', maxLength: 40 });
    const long = fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 700 });
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, long), { minLength: 1, maxLength: 6 }), fc.oneof(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 40, max: 400 })), (parts, every) => {
        arena.reset();
        const raws = parts.map((p) => Buffer.from(`xx${rawOf(p, every)}yy`));
        const ranges = raws.map((raw) => arena.decode(raw, 2, raw.length - 2, 100));
        parts.forEach((p, k) => {
          const [s, e] = ranges[k]!;
          const expected = Buffer.from(JSON.parse(`"${raws[k]!.toString('utf8', 2, raws[k]!.length - 2)}"`) as string);
          expect(Buffer.from(arena.bytes.subarray(s, e)).equals(expected), JSON.stringify(p)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('maps decoded spans back to raw offsets, widened to whole escapes', () => {
    const arena = new DecodeArena();
    const raw = Buffer.from(`${'p'.repeat(300)}\\u0041KIA\\n${'q'.repeat(20)}`);
    const [s, e] = arena.decode(raw, 0, raw.length, 7);
    expect(e - s).toBe(300 + 4 + 1 + 20);
    expect(arena.rawSpan(s + 300, s + 304)).toEqual([7 + 300, 7 + 309]); // 'AKIA' ← '\u0041KIA'
    expect(arena.rawSpan(s + 304, s + 305)).toEqual([7 + 309, 7 + 311]); // '\n'
    expect(arena.rawSpan(s + 10, s + 20)).toEqual([17, 27]);
  });
});
