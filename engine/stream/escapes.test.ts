/** @module stream/escapes.test — DecodeArena against JSON.parse (differential) and its map back to raw offsets. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DecodeArena } from './escapes.js';
import { loadNative } from '../scan/native.js';

const nativeLoads = loadNative().ok;

/** Raw JSON string content (no quotes) of `text`, with some characters escaped as \uXXXX. */
function rawOf(text: string, unicodeEvery: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    out += i % unicodeEvery === 1 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(ch).slice(1, -1);
  }
  return out;
}

describe('DecodeArena (JS loop)', () => {
  const newArena = () => new DecodeArena();
  it('decodes like JSON.parse (UTF-8 bytes, lone surrogates as U+FFFD), short and long plain runs, in one arena', () => {
    const arena = newArena();
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

  it('context: the reach bytes before buf[start] (NULs where buf has fewer), with no run', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.nat(12), fc.nat(10), (buf, at, reach) => {
      const start = at % (buf.length + 1);
      const arena = newArena();
      arena.context(buf, start, reach);
      const body = Buffer.concat([Buffer.alloc(reach), buf.subarray(0, start)]);
      expect(Buffer.from(arena.bytes.subarray(0, arena.length))).toEqual(body.subarray(body.length - reach));
      const [ds, de] = arena.decode(Buffer.from('ab'), 0, 2, 100);
      expect([ds, de]).toEqual([reach, reach + 2]);
      expect(arena.rawSpan(ds, de)).toEqual([100, 102]);
    }));
  });

  it('grows its run map for a long value with many escapes, appended after earlier values', () => {
    const arena = newArena();
    const lines = Buffer.from(JSON.stringify(Array.from({ length: 3000 }, (_, i) => `line ${i} "q"`).join('\n')));
    const first = Buffer.from('ab\\ncd');
    arena.decode(first, 0, first.length, 0);
    const [s, e] = arena.decode(lines, 1, lines.length - 1, 1000);
    expect(Buffer.from(arena.bytes.subarray(s, e)).toString()).toBe(JSON.parse(lines.toString()));
    const at = Buffer.from(arena.bytes.subarray(s, e)).indexOf('line 2999');
    expect(arena.rawSpan(s + at, s + at + 9)).toEqual([1000 + lines.indexOf('line 2999'), 1000 + lines.indexOf('line 2999') + 9]);
  });

  it('maps decoded spans back to raw offsets, widened to whole escapes', () => {
    const arena = newArena();
    const raw = Buffer.from(`${'p'.repeat(300)}\\u0041KIA\\n${'q'.repeat(20)}`);
    const [s, e] = arena.decode(raw, 0, raw.length, 7);
    expect(e - s).toBe(300 + 4 + 1 + 20);
    expect(arena.rawSpan(s + 300, s + 304)).toEqual([7 + 300, 7 + 309]); // 'AKIA' ← '\u0041KIA'
    expect(arena.rawSpan(s + 304, s + 305)).toEqual([7 + 309, 7 + 311]); // '\n'
    expect(arena.rawSpan(s + 10, s + 20)).toEqual([17, 27]);
  });

  it('differential: decoded bytes and rawSpan of every decoded span match a byte-by-byte oracle (every escape form)', () => {
    const arena = newArena();
    // One character written raw (when JSON allows it), as a short escape, or as \uXXXX (surrogates alone or paired).
    const piece = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).map((ch) => JSON.stringify(ch).slice(1, -1)),
      fc.constantFrom('\\n', '\\t', '\\r', '\\b', '\\f', '\\"', '\\\\', '\\/', '/'),
      fc.integer({ min: 0, max: 0xffff }).map((u) => `\\u${u.toString(16).padStart(4, '0')}`),
      fc.constantFrom('\\ud83d\\ude00', '\\uD83D\\uDE00', '\\ud800x', '\\udc00\\ud800'),
      fc.string({ unit: 'grapheme-ascii', minLength: 10, maxLength: 90 }).map((t) => JSON.stringify(t).slice(1, -1)),
    );
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), { minLength: 1, maxLength: 4 }), fc.nat(50), (raws, rawBase) => {
        arena.reset();
        for (const rawText of raws) {
          const raw = Buffer.from(`"${rawText}"`);
          const [s, e] = arena.decode(raw, 1, raw.length - 1, rawBase);
          const oracle = decodeOracle(raw, 1, raw.length - 1);
          expect(Buffer.from(arena.bytes.subarray(s, e)).equals(Buffer.from(oracle.bytes)), rawText).toBe(true);
          for (let a = 0; a < oracle.bytes.length; a++) {
            for (let b = a + 1; b <= oracle.bytes.length && b <= a + 6; b++) {
              expect(arena.rawSpan(s + a, s + b), `${rawText} [${a}, ${b})`).toEqual([rawBase + oracle.from[a]!, rawBase + oracle.to[b - 1]!]);
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('DecodeArena.decodeAll', () => {
  const escaped = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 1 }).map((ch) => JSON.stringify(ch).slice(1, -1)),
    fc.constantFrom('\\n', '\\t', '\\"', '\\\\', '\\/', '\\u0041', '\\ud83d\\ude00', '\\udc00', '\\u00e9'),
    fc.string({ unit: 'grapheme-ascii', minLength: 5, maxLength: 200 }).map((t) => JSON.stringify(t).slice(1, -1)),
  );
  const value = fc.array(escaped, { maxLength: 60 }).map((p) => p.join(''));
  /** A body holding the values as JSON strings after some padding; their raw content bounds in it. */
  const body = fc.tuple(fc.array(value, { minLength: 1, maxLength: 6 }), fc.nat(80)).map(([values, pad]) => {
    let text = ' '.repeat(pad);
    const bounds: number[] = [];
    for (const v of [...values, 'x'.repeat(600)]) { // the last one lifts every batch over the native threshold
      text += '"';
      bounds.push(Buffer.byteLength(text), Buffer.byteLength(text) + Buffer.byteLength(v));
      text += `${v}", `;
    }
    return { buf: Buffer.from(text), bounds: Uint32Array.from(bounds) };
  });

  it('appends reach context bytes and the decoded values, as context + decode would', () => {
    const arena = new DecodeArena();
    const reference = new DecodeArena();
    fc.assert(fc.property(body, fc.nat(70), ({ buf, bounds }, reach) => {
      arena.reset();
      reference.reset();
      const count = bounds.length / 2;
      const decoded = new Uint32Array(bounds.length);
      arena.decodeAll(buf, bounds, count, reach, decoded);
      for (let k = 0; k < count; k++) {
        reference.context(buf, bounds[2 * k]!, reach);
        expect(reference.decode(buf, bounds[2 * k]!, bounds[2 * k + 1]!, 0)).toEqual([decoded[2 * k], decoded[2 * k + 1]]);
      }
      expect(Buffer.from(arena.bytes.subarray(0, arena.length)).equals(Buffer.from(reference.bytes.subarray(0, reference.length)))).toBe(true);
    }), { numRuns: 100 });
  });

  // the addon's decoder needs the binding (make native; libhs present)
  it.skipIf(!nativeLoads)('gives the same bytes, bounds and raw spans in the addon as in JS (run map grown on demand)', () => {
    fc.assert(fc.property(body, fc.nat(70), fc.nat(3), ({ buf, bounds }, reach, earlier) => {
      const [js, native] = [new DecodeArena(), new DecodeArena()];
      native.useNative(true);
      expect(native.native).toBe(true);
      const count = bounds.length / 2;
      const results = [js, native].map((arena) => {
        for (let e = 0; e < earlier; e++) arena.decodeAll(buf, bounds, count, reach, new Uint32Array(bounds.length)); // runs already there
        const decoded = new Uint32Array(bounds.length);
        arena.decodeAll(buf, bounds, count, reach, decoded);
        return decoded;
      });
      expect([...results[1]!]).toEqual([...results[0]!]);
      expect(Buffer.from(native.bytes.subarray(0, native.length)).equals(Buffer.from(js.bytes.subarray(0, js.length)))).toBe(true);
      const decoded = results[0]!;
      for (let k = 0; k < count; k++) {
        for (let a = decoded[2 * k]!; a < decoded[2 * k + 1]!; a += 7) {
          const b = Math.min(decoded[2 * k + 1]!, a + 1 + (a % 5));
          expect(native.rawSpan(a, b)).toEqual(js.rawSpan(a, b));
        }
      }
    }), { numRuns: 150 });
  });
});

/** Decoded bytes of raw content buf[start, end), each with the raw range it came from (a whole escape, or its own byte). */
function decodeOracle(buf: Buffer, start: number, end: number): { bytes: number[]; from: number[]; to: number[] } {
  const bytes: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const put = (data: Buffer, a: number, b: number) => {
    for (const x of data) bytes.push(x), from.push(a), to.push(b);
  };
  let i = start;
  while (i < end) {
    if (buf[i] !== 0x5c) {
      put(buf.subarray(i, i + 1), i, i + 1);
      i++;
      continue;
    }
    let len = buf[i + 1] === 0x75 ? 6 : 2;
    if (len === 6 && /^\\u[dD][89abAB]..\\u[dD][c-fC-F]/.test(buf.toString('latin1', i, i + 12))) len = 12;
    put(Buffer.from(JSON.parse(`"${buf.toString('latin1', i, i + len)}"`) as string), i, i + len);
    i += len;
  }
  return { bytes, from, to };
}

