/** @module scan/keywords — finds every keyword hit of every rule in one pass (the JS engine's prefilter). */
import type { CompiledRule } from './confirm.js';

interface Entry {
  keyword: string;
  rules: number[];
}

/**
 * All keywords of a rule set behind one alternation RegExp: each position where some keyword starts is found
 * once (the scan steps one character past each hit, so overlapping keywords are all seen), then every keyword
 * starting there is checked with `startsWith`.
 *
 * @example
 * const index = new KeywordIndex(rules);
 * index.find(text.toLowerCase(), 0, (rule, start, length) => hits[rule].push(start, length));
 */
export class KeywordIndex {
  private readonly regex: RegExp | null;
  private readonly byFirst = new Map<number, Entry[]>();
  /** Length of the longest keyword (a hit can straddle a chunk edge by one less). */
  readonly longest: number;

  constructor(rules: readonly CompiledRule[]) {
    const entries = new Map<string, Entry>();
    for (const rule of rules) {
      for (const keyword of rule.keywords) {
        const entry = entries.get(keyword) ?? { keyword, rules: [] };
        entry.rules.push(rule.index);
        entries.set(keyword, entry);
      }
    }
    for (const entry of entries.values()) {
      const first = entry.keyword.charCodeAt(0);
      this.byFirst.set(first, [...(this.byFirst.get(first) ?? []), entry]);
    }
    const sorted = [...entries.keys()].sort((a, b) => b.length - a.length);
    this.longest = sorted[0]?.length ?? 0;
    this.regex = sorted.length === 0 ? null : new RegExp(sorted.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }

  /** Report each (rule, start, length) keyword hit in `lower` at or after `from`, in start order. */
  find(lower: string, from: number, onHit: (rule: number, start: number, length: number) => void): void {
    const regex = this.regex;
    if (!regex) return;
    regex.lastIndex = from;
    for (let m = regex.exec(lower); m !== null; m = regex.exec(lower)) {
      const start = m.index;
      for (const entry of this.byFirst.get(lower.charCodeAt(start)) ?? []) {
        if (lower.startsWith(entry.keyword, start)) for (const rule of entry.rules) onHit(rule, start, entry.keyword.length);
      }
      regex.lastIndex = start + 1;
    }
  }
}
