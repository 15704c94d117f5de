/** @module scan/confirm.test — the confirm step's shortcuts: secret groups located without the `d` flag. */
import { describe, it, expect } from 'vitest';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { compileRule, lastGroupIs } from './confirm.js';

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
