/** @module scan/byte-tail.test — the retained stream tail equals the plain concatenation of what it keeps. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ByteTail } from './byte-tail.js';

describe('ByteTail', () => {
  it('reads any retained range like the concatenated stream, across keeps and borrowed chunks', () => {
    const step = fc.record({ chunk: fc.uint8Array({ maxLength: 90 }), keepBack: fc.nat(120), reads: fc.array(fc.tuple(fc.nat(200), fc.nat(200)), { maxLength: 4 }) });
    fc.assert(fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
      const tail = new ByteTail();
      let all = Buffer.alloc(0);
      for (const { chunk, keepBack, reads } of steps) {
        const owned = Buffer.from(chunk); // the caller's buffer: scribbled over after keep()
        tail.append(owned);
        all = Buffer.concat([all, owned]);
        expect(tail.limit).toBe(all.length);
        for (const [a, b] of reads) {
          const span = tail.limit - tail.base;
          const from = tail.base + (span === 0 ? 0 : a % (span + 1));
          const to = from + (span === 0 ? 0 : b % (tail.limit - from + 1));
          expect(Buffer.from(tail.slice(from, to))).toEqual(all.subarray(from, to));
          expect(tail.latin1(from, to)).toBe(all.toString('latin1', from, to));
        }
        const before = tail.base;
        tail.keep(tail.limit - keepBack);
        owned.fill(0x7e);
        expect(tail.base).toBe(Math.max(before, all.length - keepBack));
        expect(tail.latin1(tail.base, tail.limit)).toBe(all.toString('latin1', tail.base, all.length));
      }
    }), { numRuns: 300 });
  });

  it('stays exact over a long stream of small chunks (dropped bytes only move the head; kept ones move when full)', () => {
    const tail = new ByteTail();
    let all = Buffer.alloc(0);
    for (let i = 0; i < 2000; i++) {
      const chunk = Buffer.from(Array.from({ length: 1 + ((i * 7) % 90) }, (_, j) => (i + j) & 255));
      tail.append(chunk);
      all = Buffer.concat([all, chunk]);
      tail.keep(tail.limit - ((i * 13) % 120));
      chunk.fill(0);
      expect(tail.latin1(tail.base, tail.limit)).toBe(all.toString('latin1', tail.base, all.length));
      expect(Buffer.from(tail.slice(tail.base, tail.limit))).toEqual(all.subarray(tail.base));
    }
  });

  it('keeps the whole borrowed chunk when a second one arrives before keep()', () => {
    const tail = new ByteTail();
    const first = Buffer.from('abc');
    tail.append(first);
    tail.append(Buffer.from('def'));
    first.fill(0);
    expect(tail.latin1(0, 6)).toBe('abcdef');
    expect(Buffer.from(tail.slice(2, 5)).toString()).toBe('cde');
  });
});
