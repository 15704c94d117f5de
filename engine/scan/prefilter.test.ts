/** @module scan/prefilter.test — detectors with a libhs `prefilter` find exactly what their full pattern finds. */
import { describe, it, expect } from 'vitest';
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
