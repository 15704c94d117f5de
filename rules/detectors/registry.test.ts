/** @module detectors/registry.test — loading, validation errors (file + field), freezing, caching. */
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../engine/errors.js';
import type { DetectorDefinition } from '../../engine/scan/scanner.js';
import { builtinDetectors, loadDetectors } from './registry.js';

const base: DetectorDefinition = {
  id: 'acme-token',
  category: 'secret',
  description: 'ACME token for tests.',
  pattern: 'acme_[a-z0-9]{20}',
  keywords: ['acme_'],
  maxLength: 25,
  confidence: 0.9,
  examples: { match: ['acme_abcdefghij0123456789'], noMatch: ['acme_short'] },
};

function errorOf(fn: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    if (isSluiceError(err)) return { code: err.code, message: err.message, details: { ...err.details } };
    throw err;
  }
  throw new Error('expected a SluiceError');
}

describe('builtinDetectors', () => {
  it('loads every definition once, frozen, with unique ids', () => {
    const a = builtinDetectors();
    const b = builtinDetectors();
    expect(a).toEqual(b);
    expect(a[0]).toBe(b[0]);
    expect(new Set(a.map((d) => d.id)).size).toBe(a.length);
    expect(Object.isFrozen(a[0])).toBe(true);
    expect(() => (a[0]!.keywords as string[]).push('x')).toThrow();
  });
});

describe('loadDetectors', () => {
  it('accepts a valid user definition next to the built-ins', () => {
    const loaded = loadDetectors([...builtinDetectors(), base]);
    expect(loaded.at(-1)?.id).toBe('acme-token');
  });

  it.each([
    ['missing field', { ...base, pattern: undefined }, '(root)', /pattern/],
    ['unknown field', { ...base, regex: 'x' }, '(root)', /regex/],
    ['bad category', { ...base, category: 'other' }, 'category', /allowed/],
    ['uppercase keyword', { ...base, keywords: ['ACME'] }, 'keywords.0', /pattern/],
    ['bad validator', { ...base, validator: 'crc64' }, 'validator', /allowed/],
    ['lookaround', { ...base, pattern: 'acme_(?=x)[a-z]{20}' }, 'pattern', /lookaround/],
    ['inline flag', { ...base, pattern: '(?i)acme_[a-z]{20}' }, 'pattern', /inline flag/],
    ['backreference', { ...base, pattern: '(a)cme_\\1[a-z]{20}' }, 'pattern', /backreference/],
    ['bad regex', { ...base, pattern: 'acme_[a-z{20}' }, 'pattern', /Invalid regular expression/],
    ['empty match', { ...base, pattern: '(?:acme_)?[a-z]{0,20}' }, 'pattern', /empty/],
    ['missing group', { ...base, secretGroup: 2 }, 'secretGroup', /does not exist/],
    ['unreachable confidence', { ...base, confidence: 0.3, minConfidence: 0.5 }, 'minConfidence', /context/],
  ])('rejects %s with SLUICE_ERR_DETECTOR_INVALID naming the field', (_name, def, field, message) => {
    const err = errorOf(() => loadDetectors([def], ['rules/detectors/secret/acme-token.json']));
    expect(err.code).toBe('SLUICE_ERR_DETECTOR_INVALID');
    expect(err.details.field).toBe(field);
    expect(err.details.source).toBe('rules/detectors/secret/acme-token.json');
    expect(err.message).toMatch(message);
  });

  it('rejects duplicate ids, naming both sources', () => {
    const err = errorOf(() => loadDetectors([base, base]));
    expect(err.message).toMatch(/duplicate id "acme-token" \(also in detectors\[0\]\)/);
    expect(err.details.source).toBe('detectors[1]');
  });

  it('rejects a non-array', () => {
    expect(errorOf(() => loadDetectors({} as never)).code).toBe('SLUICE_ERR_DETECTOR_INVALID');
  });
});
