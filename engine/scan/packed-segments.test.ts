/** @module scan/packed-segments.test — native scanSegments over far-apart segments (packed) equals one scan per segment. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { generateCorpus } from '../../rules/detectors/corpus/generate.js';
import { createScanner, scannerInfo } from './select.js';
import type { Match, Scanner } from './scanner.js';

const nativeAvailable = (() => {
  try {
    return scannerInfo('native').engine === 'native';
  } catch {
    return false;
  }
})();

const key = (m: Match) => `${m.segment}:${m.start}-${m.end}:${m.detector}:${m.confidence}`;

/** The reference: every segment scanned alone (count 1: in place, neither covered nor packed). */
function oneByOne(scanner: Scanner, bytes: Uint8Array, pairs: readonly (readonly [number, number])[]): string[] {
  return pairs.flatMap(([s, e], i) => scanner.scanSegments(bytes, Uint32Array.from([s, e]), 1).map((m) => key({ ...m, segment: i }))).sort();
}

function batched(scanner: Scanner, bytes: Uint8Array, pairs: readonly (readonly [number, number])[]): string[] {
  return scanner.scanSegments(bytes, Uint32Array.from(pairs.flat()), pairs.length).map(key).sort();
}

describe.skipIf(!nativeAvailable)('native scanSegments (skipped without the Vectorscan binding: make native)', () => {
  const scanner = nativeAvailable ? createScanner({ engine: 'native', cacheDir: false }) : (null as unknown as Scanner);
  const docs = generateCorpus(builtinDetectors(), { seed: 11, perDetector: 3, negatives: 60 }).map((d) => d.body);

  it('packed far-apart segments give the matches of one scan per segment (corpus documents as segments)', () => {
    // Documents separated by long fillers of secret-looking text (so a scan over the gaps would find more).
    const filler = ' ghp_' + 'a'.repeat(36) + ' 4111 1111 1111 1111 '.repeat(4);
    const pieces: string[] = [];
    const pairs: [number, number][] = [];
    let at = 0;
    for (const doc of docs) {
      const len = Buffer.byteLength(doc);
      pairs.push([at, at + len]);
      pieces.push(doc, filler);
      at += len + Buffer.byteLength(filler);
    }
    const bytes = Buffer.from(pieces.join(''));
    const want = oneByOne(scanner, bytes, pairs);
    expect(want.length).toBeGreaterThan(docs.length / 2);
    expect(batched(scanner, bytes, pairs)).toEqual(want);
    expect(batched(scanner, bytes, [...pairs].reverse())).toEqual(oneByOne(scanner, bytes, [...pairs].reverse()));
  });

  it('random segments (sorted or not, empty, overlapping, near or far apart) give the matches of one scan each', () => {
    const text = Buffer.from(docs.slice(0, 40).join(' | '));
    const pair = fc.tuple(fc.nat(text.length), fc.nat(300)).map(([s, n]) => [s, Math.min(text.length, s + n)] as const);
    fc.assert(fc.property(fc.array(pair, { minLength: 2, maxLength: 30 }), fc.boolean(), (raw, sort) => {
      const pairs = sort ? [...raw].sort((a, b) => a[0] - b[0]) : raw;
      expect(batched(scanner, text, pairs)).toEqual(oneByOne(scanner, text, pairs));
    }), { numRuns: 150 });
  });

  it('still rejects a segment out of range', () => {
    const bytes = Buffer.from('abc');
    expect(() => scanner.scanSegments(bytes, Uint32Array.from([0, 1, 2, 9]), 2)).toThrow(/segment 1 out of range/);
  });
});
