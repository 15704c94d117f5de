/** @module audit/canonical.test — canonical JSON against RFC 8785 examples and JSON round trips. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from './canonical.js';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units and drops whitespace (RFC 8785 §3.2.3 ordering example)', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Object.keys would put the integer-like key first, so read the order from the text itself.
    const order = [...canonicalJson(input).matchAll(/"([^"]+)":"[^"]*"/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(order).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes numbers in ECMAScript shortest form (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([333333333.33333329, 1e30, 4.5, 0.002, 1e-27, -0])).toBe('[333333333.3333333,1e+30,4.5,0.002,1e-27,0]');
  });

  it('escapes strings like JSON and skips undefined members', () => {
    expect(canonicalJson({ b: 'a"\n\u0001', a: undefined, c: [undefined] })).toBe('{"b":"a\\"\\n\\u0001","c":[null]}');
  });

  it('rejects what JSON cannot hold exactly', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ x: 1n })).toThrow(/bigint/);
  });

  it('is stable under key order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 8785, numRuns: 300 },
    );
  });
});
