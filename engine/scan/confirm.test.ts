/** @module scan/confirm.test — the confirm step's shortcuts: secret groups located without the `d` flag. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { compileRule, confirmFixed, confirmRange, lastGroupIs, shannonEntropy, type CompiledRule } from './confirm.js';
import type { Match } from './scanner.js';

describe('lastGroupIs', () => {
  it('is true only when the group closes the pattern', () => {
    expect(lastGroupIs('key=(\\w+)', 1)).toBe(true);
    expect(lastGroupIs('(?:mailto:)?([a-z]+@[a-z.]+)', 1)).toBe(true);
    expect(lastGroupIs('a(?<secret>b+)', 'secret')).toBe(true);
    expect(lastGroupIs('(a)(b)', 1)).toBe(false);
    expect(lastGroupIs('(a)(b)', 2)).toBe(true);
    expect(lastGroupIs('(a)+', 1)).toBe(false); // a quantifier follows
    expect(lastGroupIs('(?:x(a))', 1)).toBe(false); // closed by an outer group
    expect(lastGroupIs('(a\\)', 1)).toBe(false); // escaped paren
    expect(lastGroupIs('(a[)])', 1)).toBe(true); // paren inside a class
    expect(lastGroupIs('(a)[)]', 1)).toBe(false);
  });

  it('locates every builtin secret group exactly as the indices would', () => {
    const grouped = builtinDetectors().filter((d) => d.secretGroup !== undefined);
    expect(grouped.filter((d) => compileRule(d, 0).groupAtEnd).length).toBeGreaterThan(grouped.length / 2);
    for (const def of grouped) {
      const rule = compileRule(def, 0);
      const withIndices = new RegExp(rule.regex.source, `g${def.caseless ? 'i' : ''}d`);
      for (const example of def.examples.match) {
        for (const m of example.matchAll(withIndices)) {
          const span = typeof def.secretGroup === 'number' ? m.indices![def.secretGroup] : m.indices!.groups![def.secretGroup!];
          const group = typeof def.secretGroup === 'number' ? m[def.secretGroup] : m.groups![def.secretGroup!];
          if (rule.groupAtEnd && span && group) expect([m.index + m[0].length - group.length, m.index + m[0].length], def.id).toEqual(span);
        }
      }
    }
  });
});

/** The former entropy: a Map of counts summed in insertion order. */
function mapEntropy(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) counts.set(text.charCodeAt(i), (counts.get(text.charCodeAt(i)) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

describe('confirm shortcuts are exact', () => {
  it('shannonEntropy equals the Map-based sum bit for bit (latin1 and wide text)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x1ff }).map((c) => String.fromCharCode(c)) }), (text) => {
      expect(shannonEntropy(text)).toBe(mapEntropy(text));
    }), { numRuns: 400 });
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('ab')).toBe(1);
  });

  it('boundary tables agree with the boundary classes on every latin1 char', () => {
    const bounded = builtinDetectors().map((d, i) => compileRule(d, i)).filter((r) => r.before || r.after);
    expect(bounded.length).toBeGreaterThan(10);
    for (const rule of bounded) {
      for (let code = 0; code < 256; code++) {
        const ch = String.fromCharCode(code);
        if (rule.before) expect(rule.beforeTable![code] === 1, `${rule.def.id} before ${code}`).toBe(rule.before.test(ch));
        if (rule.after) expect(rule.afterTable![code] === 1, `${rule.def.id} after ${code}`).toBe(rule.after.test(ch));
      }
    }
  });

  const contextRules = builtinDetectors().map((d, i) => compileRule(d, i)).filter((r) => r.contextWords.length > 0);
  const latin1Char = fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c));
  const piece = (rule: CompiledRule) => fc.oneof(
    fc.constantFrom(...rule.def.examples.match, ...rule.def.examples.noMatch, ...rule.contextWords, ...rule.contextWords.map((w) => w.toUpperCase())),
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9', ' ', '-', '(', ')', '.') , maxLength: 12 }),
    fc.string({ unit: latin1Char, maxLength: 6 }),
  );

  it('the context pre-check and context RegExp give the same matches as the lowercase scan', () => {
    expect(contextRules.some((r) => r.contextRequired)).toBe(true);
    for (const rule of contextRules) {
      const plain: CompiledRule = { ...rule, contextRequired: false, contextRegex: null };
      fc.assert(fc.property(fc.array(piece(rule), { maxLength: 12 }), fc.nat(40), (parts, cut) => {
        const text = parts.join(' ');
        const from = Math.min(cut, text.length);
        const a: Match[] = [];
        const b: Match[] = [];
        const win = { text, base: 0 };
        expect(confirmRange(rule, win, from, text.length, 0, text.length, a)).toBe(confirmRange(plain, win, from, text.length, 0, text.length, b));
        expect(a).toEqual(b);
      }), { numRuns: 150 });
    }
  });

  it('confirmFixed finds what the RegExp pass finds for a lone fixed-width match', () => {
    // fixed-width builtin patterns: a literal prefix and one counted class (every example match has the same length)
    const fixed = builtinDetectors().map((d, i) => compileRule(d, i)).filter((r) => !r.def.caseless && r.def.secretGroup === undefined
      && !r.def.prefilter && !r.def.trigger && /^[A-Za-z0-9_-]+(?:\[[^\]]+\]\{\d+\})$/.test(r.def.pattern));
    expect(fixed.length).toBeGreaterThan(5);
    const noise = fc.string({ unit: fc.constantFrom(' ', '-', '_', '.', 'x', '9', 'Q', '/', '"'), maxLength: 8 });
    for (const rule of fixed) {
      fc.assert(fc.property(noise, fc.constantFrom(...rule.def.examples.match), noise, fc.nat(rule.maxLength), fc.boolean(), (left, token, right, back, clip) => {
        const m = new RegExp(rule.regex.source).exec(token)!;
        const text = left + token + right;
        const end = left.length + m.index + m[0].length;
        const from = Math.max(0, end - back);
        const [lo, hi] = clip ? [left.length + m.index, end] : [0, text.length];
        const win = { text, base: 0 };
        const a: Match[] = [];
        const b: Match[] = [];
        confirmFixed(rule, win, m[0].length, end, Math.max(lo, from), lo, hi, a);
        confirmRange(rule, win, Math.max(lo, from), Math.min(hi, end + 1), lo, hi, b);
        expect(a).toEqual(b);
      }), { numRuns: 60 });
    }
  });

  it('block-mode shortcuts (context pre-check, boundary skip) find what the plain stream-mode pass finds', () => {
    const bounded = builtinDetectors().map((d, i) => compileRule(d, i)).filter((r) => r.before || r.contextRequired);
    const unit = fc.constantFrom('a', 'Z', '0', '7', '.', '_', '-', '+', '@', ':', '/', ' ', 'x', '%');
    for (const rule of bounded) {
      const piece = fc.oneof(fc.constantFrom(...rule.def.examples.match, ...rule.def.examples.noMatch), fc.string({ unit, maxLength: 10 }));
      fc.assert(fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        const win = { text, base: 0 };
        const fast: Match[] = [];
        const plain: Match[] = [];
        confirmRange(rule, win, 0, text.length, 0, text.length, fast);
        confirmRange(rule, win, 0, text.length, 0, text.length, plain, undefined, Number.MAX_SAFE_INTEGER);
        expect(fast).toEqual(plain);
      }), { numRuns: 40 });
    }
  });
});
