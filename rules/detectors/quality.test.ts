/** @module detectors/quality.test — precision/recall targets on the generated corpus, plus a sweep of real-world JSON. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createScanner, scannerInfo } from '../../engine/scan/select.js';
import { builtinDetectors } from './registry.js';
import { generateCorpus } from './corpus/generate.js';
import { evaluateQuality, findingsFor, formatQualityTable } from './corpus/quality.js';

const detectors = builtinDetectors();
const nativeAvailable = scannerInfo('native').engine === 'native';
const suites = fileURLToPath(new URL('../../../shared/suites/', import.meta.url));

describe('generated corpus', () => {
  it('is deterministic for a seed and labels every detector', () => {
    const a = generateCorpus(detectors, { seed: 3, perDetector: 2, negatives: 5 });
    const b = generateCorpus(detectors, { seed: 3, perDetector: 2, negatives: 5 });
    expect(a).toEqual(b);
    expect(new Set(a.flatMap((d) => d.labels.map((l) => l.detector)))).toEqual(new Set(detectors.map((d) => d.id)));
    expect(a.filter((d) => d.labels.length === 0)).toHaveLength(5);
  });

  it('plants base64 image blocks among the look-alikes', () => {
    const docs = generateCorpus(detectors, { seed: 5, perDetector: 0, negatives: 60 });
    expect(docs.some((d) => d.lookalikes.includes('base64-image'))).toBe(true);
  });
});

// Native needs the libhs binding (make setup); the JS engine always runs.
for (const engine of ['js', 'native'] as const) {
  describe.skipIf(engine === 'native' && !nativeAvailable)(`quality targets (${engine} scanner)`, () => {
    it('reaches recall >= 0.97 and precision >= 0.98 overall, no detector below 0.9', () => {
      const scanner = createScanner({ engine, detectors });
      const report = evaluateQuality(scanner, generateCorpus(detectors, { seed: engine === 'js' ? 20240501 : 777, perDetector: 12, negatives: 400 }));
      const weak = report.perDetector.filter((d) => d.precision < 0.9 || d.recall < 0.9);
      expect(weak, formatQualityTable(report)).toEqual([]);
      expect(report.overall.recall).toBeGreaterThanOrEqual(0.97);
      expect(report.overall.precision).toBeGreaterThanOrEqual(0.98);
      expect(report.overall.labels).toBe(detectors.length * 12);
    });
  });
}

describe('real-world JSON (shared/suites) raises no secret findings', () => {
  const scanner = createScanner({ engine: 'js', detectors });
  for (const file of ['nativejson-benchmark/twitter.json', 'nativejson-benchmark/citm_catalog.json', 'big-list-of-naughty-strings/blns.json']) {
    it(file, () => {
      const body = readFileSync(suites + file, 'utf8');
      const findings = findingsFor(scanner, { id: file, kind: 'json', body, labels: [], lookalikes: [] });
      expect(findings.filter((f) => f.category === 'secret')).toEqual([]);
      // The only PII in these files is a real e-mail address in one twitter.json user description.
      expect(findings.filter((f) => f.detector !== 'email')).toEqual([]);
    });
  }
});
