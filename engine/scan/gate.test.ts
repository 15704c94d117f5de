/** @module scan/gate.test — trigger regions, and trigger-gated detectors giving exactly the ungated results. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors, loadDetectors } from '../../rules/detectors/registry.js';
import { generateCorpus } from '../../rules/detectors/corpus/generate.js';
import { planBlock, Regions } from './gate.js';
import { createScanner, scannerInfo } from './select.js';
import type { DetectorDefinition, Match, Scanner } from './scanner.js';

const nativeAvailable = scannerInfo('native').engine === 'native';
/** `bytes` through a new stream of `scanner` in writes of `size` bytes: every match it reports. */
const streamed = (scanner: Scanner, bytes: Uint8Array, size: number): Match[] => {
  const stream = scanner.openStream();
  const got: Match[] = [];
  for (let at = 0; at < bytes.length; at += size) got.push(...stream.write(bytes.subarray(at, at + size)));
  return [...got, ...stream.end()];
};
const strip = (ms: Match[]) => ms.map((m) => `${m.detector}@${m.start}-${m.end}:${m.confidence.toFixed(3)}${m.segment === undefined ? '' : `#${m.segment}`}`);

describe('planBlock and Regions', () => {
  const defs = [
    { id: 'a', pattern: 'x[0-9]{5}', maxLength: 6, trigger: '[0-9]{3}' },
    { id: 'b', pattern: 'abc', maxLength: 3 },
    { id: 'c', pattern: 'y[0-9]{9}', maxLength: 10, trigger: '[0-9]{3}' },
    { id: 'd', pattern: 'z@q', maxLength: 3, prefilter: '@q', trigger: 'q' },
  ] as unknown as DetectorDefinition[];

  it('puts triggered detectors apart, one trigger per distinct pattern with the largest reach', () => {
    const plan = planBlock(defs);
    expect([...plan.main]).toEqual([1]);
    expect([...plan.gated]).toEqual([0, 2]);
    expect([...plan.prefiltered]).toEqual([3]);
    expect(plan.triggers).toEqual([{ pattern: '[0-9]{3}', caseless: false, reach: 10 }]);
    expect([...plan.gatedPatterns]).toEqual([0, 2]);
  });

  it('compiles one gated pattern for detectors with the same pattern, flags and maxLength', () => {
    const same = [...defs, { id: 'e', pattern: 'x[0-9]{5}', maxLength: 6, trigger: '[0-9]{4}' }, { id: 'f', pattern: 'x[0-9]{5}', maxLength: 7, trigger: '[0-9]{3}' }] as unknown as DetectorDefinition[];
    const plan = planBlock(same);
    expect([...plan.gated]).toEqual([0, 2, 4, 5]);
    expect([...plan.gatedPatterns]).toEqual([0, 2, 5]);
    expect(plan.gatedShared.map((list) => [...list])).toEqual([[0, 4], [2], [5]]);
    expect(planBlock(builtinDetectors()).gatedPatterns.length).toBeLessThan(planBlock(builtinDetectors()).gated.length); // the two nine-digit detectors
  });

  it('builds clipped, merged regions around trigger ranges and skips detector ids', () => {
    const regions = new Regions();
    const triggers = [{ pattern: 't', caseless: false, reach: 10 }, { pattern: 'u', caseless: false, reach: 2 }];
    // rows [id, first, last]: id 0 is a detector (skipped), ids 1, 2 are triggers 0, 1
    regions.collect(Uint32Array.from([0, 5, 5, 1, 4, 6, 1, 20, 20, 2, 50, 51, 2, 40, 40]), 3, 1, triggers, null, 45);
    expect([...regions.bounds.subarray(0, 2 * regions.count)]).toEqual([0, 30, 38, 42]); // [48, 53) lies past the end
    // width 4: clipped to each row's segment; regions of different segments never merge
    const segments = Uint32Array.from([0, 8, 8, 30]);
    regions.collect(Uint32Array.from([1, 6, 6, 0, 1, 9, 9, 1]), 4, 1, triggers, segments, 30);
    expect([...regions.bounds.subarray(0, 2 * regions.count)]).toEqual([0, 8, 8, 19]);
    expect([...regions.segments.subarray(0, regions.count)]).toEqual([0, 1]);
  });

  it('rejects a detector whose example match holds no trigger match', () => {
    const def = { id: 'acme-num', category: 'pii', description: 'test number', pattern: '#[0-9]{6}', trigger: '[0-9]{7}', keywords: [], maxLength: 7, confidence: 0.9, examples: { match: ['#123456'], noMatch: ['#12345'] } };
    expect(() => loadDetectors([def])).toThrow(/trigger/);
    expect(loadDetectors([{ ...def, trigger: '[0-9]{6}' }])[0]!.trigger).toBe('[0-9]{6}');
  });
});

describe.skipIf(!nativeAvailable)('trigger-gated detectors (native engine)', () => {
  const detectors = builtinDetectors();
  const gated = detectors.filter((d) => d.trigger && !d.prefilter);
  const ungated: DetectorDefinition[] = detectors.map(({ trigger: _ignored, ...rest }) => rest);
  const fast = createScanner({ engine: 'native', detectors });
  const exact = createScanner({ engine: 'native', detectors: ungated });

  it('are used by the digit detectors and the field-name secret (a keyword trigger)', () => {
    expect(gated.map((d) => d.id)).toEqual(expect.arrayContaining(['credit-card', 'us-ssn', 'phone-number', 'generic-secret']));
  });

  it('keep stream regions sorted when a longer-reach trigger ends after shorter-reach ones (block results)', () => {
    const defs = loadDetectors([
      { id: 'acme-num', category: 'pii', description: 'test number', pattern: '#[0-9]{6}', trigger: '[0-9]{4}', keywords: ['#'], maxLength: 7, confidence: 0.9, examples: { match: ['#123456'], noMatch: ['#12345'] } },
      { id: 'acme-secret', category: 'secret', description: 'test secret', pattern: 'secret=[a-z]{20,40}', trigger: 'secret', keywords: ['secret'], maxLength: 47, confidence: 0.9, examples: { match: ['secret=abcdefghijklmnopqrstuvwxyz'], noMatch: ['secret=abc'] } },
    ]);
    const gatedScanner = createScanner({ engine: 'native', detectors: defs });
    const plain = createScanner({ engine: 'native', detectors: defs.map(({ trigger: _ignored, ...rest }) => rest) });
    // two digit regions (reach 7) are pending when `secret` ends: its region (reach 47) starts before both
    const bytes = Buffer.from(`a few words #123456${' '.repeat(20)}#654321 secret=abcdefghijklmnopqrstuvwxyz${' and more'.repeat(9)}`);
    const expected = strip(plain.scan(bytes));
    expect(expected).toHaveLength(3);
    for (const size of [1, 5, 13, bytes.length]) {
      expect(strip(streamed(gatedScanner, bytes, size)), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('keep the bytes of a region that stays open longer than the retained tail (a long digit run) in stream mode', () => {
    const defs = loadDetectors([
      { id: 'acme-num', category: 'pii', description: 'test number', pattern: '#[0-9]{6}', trigger: '[0-9]{4}', keywords: ['#'], maxLength: 7, confidence: 0.9, examples: { match: ['#123456'], noMatch: ['#12345'] } },
    ]);
    const gatedScanner = createScanner({ engine: 'native', detectors: defs });
    // the region opened by "#1234" grows with every trigger of the run: it is scanned only after 300 more bytes
    const bytes = Buffer.from(`text #123456${'7'.repeat(300)} #765432 end`);
    const expected = strip(gatedScanner.scan(bytes));
    expect(expected).toHaveLength(2);
    for (const size of [1, 4, 9, 64]) {
      expect(strip(streamed(gatedScanner, bytes, size)), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('give each of several interleaved streams its block results (the streams share their result buffers)', () => {
    const docs = generateCorpus(detectors, { seed: 5, perDetector: 4, negatives: 30 });
    const small = Buffer.from(docs.slice(0, 20).map((d) => d.body).join(' 0000 '));
    const large = Buffer.from(docs.map((d) => d.body).join(' 0000 ')); // its writes outgrow the buffers the small one sized
    const inputs = [small, large, small.subarray(7)];
    const expected = inputs.map((bytes) => strip(exact.scan(bytes)).sort());
    const streams = inputs.map(() => fast.openStream());
    const got: Match[][] = inputs.map(() => []);
    const sizes = [97, 8192, 61];
    for (let at = 0; ; at++) {
      let active = false;
      inputs.forEach((bytes, k) => {
        const from = at * sizes[k]!;
        if (from >= bytes.length) return;
        active = true;
        got[k]!.push(...streams[k]!.write(bytes.subarray(from, from + sizes[k]!)));
      });
      if (!active) break;
    }
    streams.forEach((stream, k) => got[k]!.push(...stream.end()));
    got.forEach((matches, k) => expect(strip(matches).sort(), `stream ${k}`).toEqual(expected[k]));
    expect(expected[1]!.length).toBeGreaterThan(100);
  });

  it('give the same matches as ungated scanning on the corpus, the examples and digit-heavy text', () => {
    const docs = generateCorpus(detectors, { seed: 7, perDetector: 6, negatives: 150 });
    const texts = [...docs.map((d) => d.body), ...gated.flatMap((d) => [...d.examples.match, ...d.examples.noMatch]), docs.map((d) => d.body).join('\n')];
    let found = 0;
    for (const text of texts) {
      const got = strip(fast.scan(Buffer.from(text)));
      expect(got).toEqual(strip(exact.scan(Buffer.from(text))));
      found += got.filter((m) => gated.some((d) => m.startsWith(`${d.id}@`))).length;
    }
    expect(found).toBeGreaterThanOrEqual(gated.length * 6);
    const piece = fc.oneof(
      fc.constantFrom(...gated.flatMap((d) => d.examples.match), 'ssn ', 'routing ', 'card ', 'call me ', 'x', '\n'),
      fc.string({ unit: fc.constantFrom('0', '1', '2', '4', '5', '9', ' ', '-', '.', '(', ')', 'a'), maxLength: 30 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const bytes = Buffer.from(parts.join(''));
      expect(strip(fast.scan(bytes))).toEqual(strip(exact.scan(bytes)));
    }), { numRuns: 300 });
  });

  it('give the same matches in segment scans (sorted, overlapping and unsorted segments)', () => {
    const cuts = fc.array(fc.nat(400), { minLength: 2, maxLength: 24 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...gated.flatMap((d) => d.examples.match), ' ssn: ', ' x ', '0000'), { maxLength: 25 }), cuts, fc.boolean(), (parts, points, shuffle) => {
      const bytes = Buffer.from(parts.join(' '));
      const sorted = points.map((p) => Math.min(p, bytes.length)).sort((a, b) => a - b);
      const pairs: number[][] = [];
      for (let k = 0; k + 1 < sorted.length; k += 2) pairs.push([sorted[k]!, sorted[k + 1]!]);
      if (shuffle) pairs.reverse().push([0, bytes.length]); // unsorted, overlapping
      const bounds = Uint32Array.from(pairs.flat());
      expect(strip(fast.scanSegments(bytes, bounds, pairs.length))).toEqual(strip(exact.scanSegments(bytes, bounds, pairs.length)));
    }), { numRuns: 200 });
  });

  it('give the block results in stream mode at every chunking (regions complete across chunks)', () => {
    const docs = generateCorpus(detectors, { seed: 11, perDetector: 3, negatives: 40 });
    const text = [...gated.flatMap((d) => d.examples.match), ...docs.map((d) => d.body)].join(' 0000 ');
    const bytes = Buffer.from(text);
    const expected = strip(exact.scan(bytes)).sort();
    expect(expected.some((m) => m.startsWith('credit-card@'))).toBe(true);
    for (const size of [1, 3, 7, 16, 29, 64, 500, 4096]) {
      expect(strip(streamed(fast, bytes, size)).sort(), `chunks of ${size}`).toEqual(expected);
    }
    fc.assert(fc.property(fc.array(fc.constantFrom(...gated.flatMap((d) => d.examples.match), ' ssn ', '1234', ' card: ', 'x'), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }), (parts, sizes) => {
      const input = Buffer.from(parts.join(''));
      const stream = fast.openStream();
      const got: Match[] = [];
      for (let at = 0, k = 0; at < input.length; at += sizes[k++ % sizes.length]!) got.push(...stream.write(input.subarray(at, at + sizes[k % sizes.length]!)));
      got.push(...stream.end());
      expect(strip(got).sort()).toEqual(strip(exact.scan(input)).sort());
    }), { numRuns: 150 });
  });
});
