/** @module scan/prefilter.test — detector `prefilter` (libhs) and `anchor` (confirm) hints change no result, only speed. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { generateCorpus } from '../../rules/detectors/corpus/generate.js';
import { createScanner, scannerInfo } from './select.js';
import type { DetectorDefinition, Match } from './scanner.js';

const nativeAvailable = scannerInfo('native').engine === 'native';
const strip = (ms: Match[]) => ms.map((m) => `${m.detector}@${m.start}-${m.end}:${m.confidence.toFixed(3)}`);

describe.skipIf(!nativeAvailable)('prefilters (native engine)', () => {
  const detectors = builtinDetectors();
  const prefiltered = detectors.filter((d) => d.prefilter);
  const withoutPrefilters: DetectorDefinition[] = detectors.map(({ prefilter: _ignored, ...rest }) => rest);

  it('are used by some builtin detectors', () => {
    expect(prefiltered.map((d) => d.id)).toEqual(expect.arrayContaining(['email', 'ipv4-address']));
  });

  it('give the same matches as the full patterns on the labeled corpus and every example', () => {
    const fast = createScanner({ engine: 'native', detectors });
    const exact = createScanner({ engine: 'native', detectors: withoutPrefilters });
    const docs = generateCorpus(detectors, { seed: 99, perDetector: 6, negatives: 200 });
    const texts = [...docs.map((d) => d.body), ...prefiltered.flatMap((d) => [...d.examples.match, ...d.examples.noMatch])];
    let found = 0;
    for (const text of texts) {
      const bytes = Buffer.from(text);
      const got = strip(fast.scan(bytes));
      expect(got).toEqual(strip(exact.scan(bytes)));
      found += got.filter((m) => prefiltered.some((d) => m.startsWith(`${d.id}@`))).length;
    }
    expect(found).toBeGreaterThanOrEqual(prefiltered.length * 6); // each has 6 labeled documents, plus examples
    // Stream mode too (prefiltered rules run in their own libhs stream).
    const all = Buffer.from(texts.join('\n'));
    const stream = fast.openStream();
    const streamed: Match[] = [];
    for (let at = 0; at < all.length; at += 777) streamed.push(...stream.write(all.subarray(at, at + 777)));
    streamed.push(...stream.end());
    expect(strip(streamed).sort()).toEqual(strip(exact.scan(all)).sort()); // writes report in confirm order
  });

  it('give the same matches as the full patterns on random text of their characters', () => {
    const fast = createScanner({ engine: 'native', detectors });
    const exact = createScanner({ engine: 'native', detectors: withoutPrefilters });
    const piece = fc.oneof(
      fc.constantFrom('+1 415 555 2671', '+44 (20) 7946-0958', 'ana.b@corp.example.de', '10.0.0.1', 'fe80::1', 'MTg5OTE1NjE5MjI4NzYyMzgx.nV20r7.'),
      fc.string({ unit: fc.constantFrom('+', '1', '4', '9', '0', ' ', '.', '(', ')', '-', ':', 'a', 'F', '@', '_'), maxLength: 40 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
      const bytes = Buffer.from(parts.join(''));
      expect(strip(fast.scan(bytes))).toEqual(strip(exact.scan(bytes)));
    }), { numRuns: 400 });
  });

  it('must stay within maxLength (the confirm window)', () => {
    const def: DetectorDefinition = {
      id: 'ticket', category: 'secret', description: 'test', pattern: 'tkt_[a-z]{8}', prefilter: '_[a-z]+', keywords: ['tkt_'],
      maxLength: 12, confidence: 0.9, examples: { match: ['tkt_abcdefgh'], noMatch: ['tkt_'] },
    };
    expect(() => createScanner({ engine: 'native', detectors: [def] })).toThrow(/prefilter can match unbounded/);
    const scanner = createScanner({ engine: 'native', detectors: [{ ...def, prefilter: '_[a-z]{8}' }] });
    expect(scanner.scan(Buffer.from('id tkt_abcdefgh.')).map((m) => [m.start, m.end])).toEqual([[3, 15]]);
  });
});

describe('anchors (both engines)', () => {
  const detectors = builtinDetectors();
  const withoutAnchors: DetectorDefinition[] = detectors.map(({ anchor: _ignored, ...rest }) => rest);
  const docs = generateCorpus(detectors, { seed: 123, perDetector: 4, negatives: 100 });
  // Long runs of local-part characters before and between addresses stress the skip.
  const dense = Buffer.from(`${'a.b-c_d'.repeat(40)}@x ${'q'.repeat(90)} jane.doe@example.com, mailto:${'z'.repeat(64)}@corp.example.de x@y.io`);
  for (const engine of nativeAvailable ? (['js', 'native'] as const) : (['js'] as const)) {
    it(`give the same matches with and without anchors (${engine})`, () => {
      const fast = createScanner({ engine, detectors });
      const exact = createScanner({ engine, detectors: withoutAnchors });
      expect(detectors.some((d) => d.anchor)).toBe(true);
      const emails = strip(fast.scan(dense)).filter((m) => m.startsWith('email@'));
      expect(emails.length).toBeGreaterThanOrEqual(2);
      expect(emails).toEqual(strip(exact.scan(dense)).filter((m) => m.startsWith('email@')));
      for (const doc of docs) expect(strip(fast.scan(Buffer.from(doc.body)))).toEqual(strip(exact.scan(Buffer.from(doc.body))));
      // Random text of e-mail parts: runs of local-part chars of every length around the run max, mailto: prefixes
      // in and out of place, '@' in runs, non-ASCII bytes (the anchor run bounds where a match may start).
      for (const text of randomEmailTexts(200)) {
        const bytes = Buffer.from(text);
        expect(strip(fast.scan(bytes))).toEqual(strip(exact.scan(bytes)));
      }
      const all = Buffer.from(docs.map((d) => d.body).join('\n'));
      const stream = fast.openStream();
      const streamed: Match[] = [];
      for (let at = 0; at < all.length; at += 333) streamed.push(...stream.write(all.subarray(at, at + 333)));
      streamed.push(...stream.end());
      expect(strip(streamed).sort()).toEqual(strip(exact.scan(all)).sort());
    });
  }
});

/** Seeded random texts built from e-mail fragments (the same texts every run). */
function randomEmailTexts(count: number): string[] {
  let seed = 7;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const parts = ['@', 'mailto:', 'ailto:', 'MAILTO:', ':', ' ', '.', '-', '+', '%', '_', 'a', 'Z', '9', 'é', '/', 'example.com', 'corp.example.de', 'x.io', '@localhost'];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < 300) text += next() < 0.15 ? 'b'.repeat(55 + Math.floor(next() * 20)) : pick(parts);
    texts.push(text);
  }
  return texts;
}
