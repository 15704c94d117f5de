/** @module scan/regex — the JS Scanner: a lowercase keyword prefilter picks windows, each rule's RegExp confirms. */
import { SluiceError } from '../errors.js';
import type { DetectorDefinition, Match, Scanner, ScanStream } from './scanner.js';
import { confirmRange, type CompiledRule, type TextWindow } from './confirm.js';
import { ConfirmState, sortMatches } from './confirm-stream.js';
import { fieldMatcher } from './fields.js';
import { KeywordIndex } from './keywords.js';

/** Sorted keyword hits of one rule: starts[i] with length lengths[i]. */
interface Hits {
  starts: number[];
  lengths: number[];
}

/**
 * Build the pure-JS scanner. A rule with keywords runs only in windows of `maxLength` around a keyword hit
 * (every match contains one of its keywords); a rule without keywords runs over the whole text.
 *
 * @example
 * const scanner = createJsScanner(rules, detectors);
 * scanner.scan(Buffer.from('token ghp_…'));
 */
export function createJsScanner(rules: readonly CompiledRule[], detectors: readonly DetectorDefinition[]): Scanner {
  const keywords = new KeywordIndex(rules);
  const scanAll = (bytes: Uint8Array, bounds: Uint32Array | null, count: number): Match[] => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const hits: (Hits | null)[] = rules.map((r) => (r.keywords.length > 0 ? { starts: [], lengths: [] } : null));
    if (keywords.longest > 0) {
      keywords.find(text.toLowerCase(), 0, (rule, start, length) => {
        hits[rule]!.starts.push(start);
        hits[rule]!.lengths.push(length);
      });
    }
    const win: TextWindow = { text, base: 0 };
    const out: Match[] = [];
    for (const rule of rules) {
      const ruleHits = hits[rule.index]!;
      if (ruleHits && ruleHits.starts.length === 0) continue;
      if (!bounds) confirmRule(rule, win, ruleHits, 0, text.length, out, undefined);
      else for (let s = 0; s < count; s++) confirmRule(rule, win, ruleHits, bounds[2 * s]!, bounds[2 * s + 1]!, out, s);
    }
    return sortMatches(out);
  };
  return {
    engine: 'js',
    detectors,
    scan: (bytes) => scanAll(bytes, null, 1),
    scanSegments(bytes, bounds, count) {
      if (count * 2 > bounds.length) throw new SluiceError('SLUICE_ERR_SCAN', 'count exceeds bounds');
      for (let s = 0; s < count; s++) {
        if (bounds[2 * s]! > bounds[2 * s + 1]! || bounds[2 * s + 1]! > bytes.length) throw new SluiceError('SLUICE_ERR_SCAN', `segment ${s} out of range`);
      }
      return scanAll(bytes, bounds, count);
    },
    openStream: () => jsStream(rules, keywords),
    detectorsForField: fieldMatcher(detectors),
  };
}

function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Confirm `rule` inside [lo, hi): over all of it without keywords, else in merged windows around keyword hits. */
function confirmRule(rule: CompiledRule, win: TextWindow, hits: Hits | null, lo: number, hi: number, out: Match[], segment: number | undefined): void {
  if (hi <= lo) return;
  if (!hits) {
    confirmRange(rule, win, lo, hi, lo, hi, out, segment);
    return;
  }
  let windowFrom = -1;
  let windowTo = -1;
  for (let i = lowerBound(hits.starts, lo); i < hits.starts.length && hits.starts[i]! < hi; i++) {
    const start = hits.starts[i]!;
    const length = hits.lengths[i]!;
    if (start + length > hi) continue;
    const from = Math.max(lo, start + length - rule.maxLength);
    const to = Math.min(hi, start + rule.maxLength + 1);
    if (windowTo >= 0 && from < windowTo) windowTo = Math.max(windowTo, to);
    else {
      if (windowTo >= 0) confirmRange(rule, win, windowFrom, windowTo, lo, hi, out, segment);
      windowFrom = from;
      windowTo = to;
    }
  }
  if (windowTo >= 0) confirmRange(rule, win, windowFrom, windowTo, lo, hi, out, segment);
}

function jsStream(rules: readonly CompiledRule[], keywords: KeywordIndex): ScanStream {
  const state = new ConfirmState(rules, rules.filter((r) => r.keywords.length === 0).map((r) => r.index));
  let searched = 0; // keyword hits ending at or before this offset were already marked
  let ended = false;
  const markHits = () => {
    if (keywords.longest === 0) return;
    const { text, base } = state.text;
    const from = Math.max(base, searched - keywords.longest + 1);
    keywords.find(text.slice(from - base).toLowerCase(), 0, (r, i, length) => {
      const start = from + i;
      const rule = rules[r]!;
      // only hits that end after `searched` are new; windows as in confirmRule (block)
      if (start + length > searched) state.mark(r, start + length - rule.maxLength, start + rule.maxLength + 1);
    });
    searched = state.limit;
  };
  return {
    write(chunk: Uint8Array): Match[] {
      if (ended) throw new SluiceError('SLUICE_ERR_SCAN', 'write after end of stream');
      state.append(chunk);
      markHits();
      return state.confirm(false);
    },
    end(): Match[] {
      if (ended) return [];
      ended = true;
      return state.confirm(true);
    },
  };
}
