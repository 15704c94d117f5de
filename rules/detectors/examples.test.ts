/** @module detectors/examples.test — every definition's synthetic examples, through the JS and native scanners. */
import { describe, expect, it } from 'vitest';
import { createScanner, scannerInfo } from '../../engine/scan/select.js';
import type { Scanner } from '../../engine/scan/scanner.js';
import { builtinDetectors } from './registry.js';

const detectors = builtinDetectors();
const nativeAvailable = scannerInfo('native').engine === 'native';

function idsFound(scanner: Scanner, text: string): string[] {
  return scanner.scan(Buffer.from(text, 'utf8')).map((m) => m.detector);
}

describe('detector library', () => {
  it('has at least 60 secret detectors and the PII set', () => {
    expect(detectors.filter((d) => d.category === 'secret').length).toBeGreaterThanOrEqual(60);
    const pii = detectors.filter((d) => d.category === 'pii').map((d) => d.id);
    for (const id of ['email', 'credit-card', 'iban', 'us-ssn', 'phone-number', 'ipv4-address', 'ipv6-address']) expect(pii).toContain(id);
  });

  it('every match example contains one of its keywords (the JS prefilter relies on it)', () => {
    for (const def of detectors.filter((d) => d.keywords.length > 0)) {
      for (const example of def.examples.match) {
        expect(def.keywords.some((k) => example.toLowerCase().includes(k)), `${def.id}: ${example}`).toBe(true);
      }
    }
  });
});

// The native engine needs the libhs binding (make setup); without it only the JS engine runs.
for (const engine of ['js', 'native'] as const) {
  describe.skipIf(engine === 'native' && !nativeAvailable)(`examples through the ${engine} scanner`, () => {
    const scanner = createScanner({ engine, detectors });
    for (const def of detectors) {
      it(`${def.id}: finds every match example`, () => {
        for (const example of def.examples.match) expect(idsFound(scanner, example), example).toContain(def.id);
      });
      it(`${def.id}: ignores every noMatch example`, () => {
        for (const example of def.examples.noMatch) expect(idsFound(scanner, example), example).not.toContain(def.id);
      });
    }
  });
}
