/** @module scan/confirm — the shared confirm step: a rule's JS RegExp run in a byte window, plus post-checks. */
import { SluiceError } from '../errors.js';
import type { DetectorDefinition, Match } from './scanner.js';
import { toJsSource } from './pattern.js';
import { runValidator } from './validators.js';
import { classTable, contextRegexOf, shannonEntropy } from './text.js';

export { latin1, shannonEntropy } from './text.js';

/** A detector prepared for confirming: its JS RegExp and post-check settings, built once. */
export interface CompiledRule {
  readonly index: number;
  readonly def: DetectorDefinition;
  /** Global RegExp over latin1 text (`d` flag only when a secret group must be located and does not end the pattern). */
  readonly regex: RegExp;
  /** The secret group is the pattern's last element: it ends where the match ends (no `d` flag needed). */
  readonly groupAtEnd: boolean;
  readonly maxLength: number;
  readonly before: RegExp | null;
  readonly after: RegExp | null;
  /** `before` / `after` evaluated once for every latin1 char (1 = the char may not touch the match). */
  readonly beforeTable: Uint8Array | null;
  readonly afterTable: Uint8Array | null;
  readonly contextWords: readonly string[];
  readonly contextWindow: number;
  /**
   * No match can reach `minConfidence` without a context word (base confidence below it): a candidate window
   * with no context word in reach is dropped before the RegExp runs (exact, see confirmRange).
   */
  readonly contextRequired: boolean;
  /** Case-insensitive alternation of the context words when all are ASCII (same hits as lowercase + includes). */
  readonly contextRegex: RegExp | null;
  /** Lowercase keywords; every match contains one (the JS engine's prefilter relies on it). */
  readonly keywords: readonly string[];
  /** See DetectorDefinition.anchor (latin1 text of its UTF-8 bytes), or null. */
  readonly anchor: string | null;
  readonly anchorMaxBefore: number;
  /** See DetectorDefinition.anchor.run: its class as a latin1 table, its max length and prefix (latin1), or null. */
  readonly runTable: Uint8Array | null;
  readonly runMax: number;
  readonly runPrefix: string;
}

/** latin1-decoded bytes [base, base + text.length) of the scanned data (1 char = 1 byte). */
export interface TextWindow {
  text: string;
  base: number;
}

function invalid(def: DetectorDefinition, why: string): SluiceError {
  return new SluiceError('SLUICE_ERR_DETECTOR_INVALID', `${def.id}: ${why}`, { details: { detector: def.id } });
}

/**
 * Prepare one detector; throws SLUICE_ERR_DETECTOR_INVALID / _COMPILE for settings the engines cannot honour.
 *
 * @example
 * const rule = compileRule(def, 0);
 */
export function compileRule(def: DetectorDefinition, index: number): CompiledRule {
  if (!Number.isInteger(def.maxLength) || def.maxLength < 1 || def.maxLength > 65536) throw invalid(def, 'maxLength must be 1..65536');
  let source: string;
  let regex: RegExp;
  let groupAtEnd = false;
  try {
    source = toJsSource(def.pattern);
    groupAtEnd = def.secretGroup !== undefined && lastGroupIs(source, def.secretGroup);
    regex = new RegExp(source, `g${def.caseless ? 'i' : ''}${def.secretGroup === undefined || groupAtEnd ? '' : 'd'}`);
  } catch (err) {
    if (err instanceof SluiceError) throw new SluiceError(err.code, `${def.id}: ${err.message}`, { details: { detector: def.id } });
    throw new SluiceError('SLUICE_ERR_DETECTOR_COMPILE', `${def.id}: ${(err as Error).message}`, { details: { detector: def.id }, cause: err });
  }
  if (def.anchor && def.caseless && /[A-Za-z]/.test(def.anchor.text)) throw invalid(def, 'a caseless detector cannot have a letter anchor');
  const probe = new RegExp(`${source}|`).exec('')!;
  if (new RegExp(source).test('')) throw invalid(def, 'the pattern can match an empty string');
  const group = def.secretGroup;
  if (typeof group === 'number' && (!Number.isInteger(group) || group < 0 || group >= probe.length)) throw invalid(def, `no capture group ${group}`);
  if (typeof group === 'string' && !(probe.groups && group in probe.groups)) throw invalid(def, `no capture group named ${group}`);
  const charClass = (body: string | undefined, flags = '') => {
    if (!body) return null;
    try {
      return new RegExp(`[${body}]`, flags);
    } catch {
      throw invalid(def, `bad boundary class [${body}]`);
    }
  };
  const run = def.anchor?.run;
  const runTable = run ? classTable(charClass(run.chars, def.caseless ? 'i' : '')) : null;
  const runPrefix = run?.prefix ? Buffer.from(run.prefix, 'utf8').toString('latin1') : '';
  if (runPrefix && (def.caseless || runTable![runPrefix.charCodeAt(runPrefix.length - 1)] === 1)) {
    throw invalid(def, 'an anchor run prefix needs a case-sensitive detector and a last char outside the run class');
  }
  return {
    index, def, regex, groupAtEnd, maxLength: def.maxLength,
    before: charClass(def.boundary?.before),
    after: charClass(def.boundary?.after),
    beforeTable: classTable(charClass(def.boundary?.before)),
    afterTable: classTable(charClass(def.boundary?.after)),
    contextWords: (def.context?.words ?? []).map((w) => w.toLowerCase()),
    contextWindow: def.context ? Math.max(0, def.context.window) : 0,
    contextRegex: contextRegexOf(def.context?.words ?? []),
    contextRequired: (def.context?.words.length ?? 0) > 0 && def.minConfidence !== undefined && Math.min(1, Math.max(0, def.confidence)) < def.minConfidence,
    keywords: [...new Set(def.keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0))],
    anchor: def.anchor ? Buffer.from(def.anchor.text, 'utf8').toString('latin1') : null,
    anchorMaxBefore: def.anchor?.maxBefore ?? 0,
    runTable, runMax: run?.max ?? 0, runPrefix,
  };
}

/**
 * True when capture group `group` (index or name) is the last element of JS regex `source`: the source ends with
 * the `)` that closes it, so wherever the group takes part in a match it ends at the match's end.
 */
export function lastGroupIs(source: string, group: number | string): boolean {
  const opens: Array<{ capture: number; name: string | null }> = [];
  let captures = 0;
  let inClass = false;
  let last: { capture: number; name: string | null } | null = null;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    last = null;
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') {
      const named = /^\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(source.slice(i + 1));
      const capturing = source[i + 1] !== '?' || named !== null;
      opens.push({ capture: capturing ? ++captures : 0, name: named ? named[1]! : null });
    } else if (ch === ')') last = opens.pop() ?? null;
  }
  if (!last || last.capture === 0) return false;
  return typeof group === 'number' ? last.capture === group : last.name === group;
}

/** True when one of `rule`'s context words occurs in absolute [from, to) of the window (clipped to it). */
function contextInReach(rule: CompiledRule, win: TextWindow, from: number, to: number): boolean {
  const slice = win.text.slice(Math.max(0, from - win.base), Math.max(0, to - win.base));
  // ASCII words: a latin1 char matches an ASCII letter case-insensitively exactly when its lowercase form does
  if (rule.contextRegex !== null) return rule.contextRegex.test(slice);
  const near = slice.toLowerCase();
  for (const word of rule.contextWords) if (near.includes(word)) return true;
  return false;
}

/** Context pre-checks run on windows up to this long (a longer one would cost more than its RegExp pass). */
const CONTEXT_PRECHECK_MAX = 4096;

/** True when the char at absolute `position` (inside [lo, hi) and the window) is in `table` (a boundary class). */
function touches(table: Uint8Array, regex: RegExp, win: TextWindow, position: number, lo: number, hi: number): boolean {
  if (position < lo || position >= hi || position < win.base || position - win.base >= win.text.length) return false;
  const code = win.text.charCodeAt(position - win.base);
  return code < 256 ? table[code] === 1 : regex.test(String.fromCharCode(code));
}

/**
 * Run `rule` over absolute byte range [from, to) (clipped to [lo, hi), the segment or stream bounds) and push
 * confirmed matches to `out`. With `stopAt` (stream mode: bytes known so far), a match that could still change
 * when more bytes arrive (start + maxLength ≥ stopAt) is not reported. Returns where a later call must resume.
 *
 * @example
 * const resume = confirmRange(rule, { text, base: 0 }, 0, text.length, 0, text.length, out);
 */
export function confirmRange(
  rule: CompiledRule, win: TextWindow, from: number, to: number, lo: number, hi: number,
  out: Match[], segment?: number, stopAt?: number,
): number {
  const sliceStart = Math.max(lo, from - 1, win.base);
  const sliceEnd = Math.min(hi, to, win.base + win.text.length);
  if (sliceEnd <= from) return stopAt === undefined ? Math.max(from, sliceEnd) : Math.max(from, Math.min(sliceEnd, stopAt - rule.maxLength));
  // Every match starts in [from, sliceEnd) and reads its context in [start - contextWindow, start): with no
  // context word anywhere in [from - contextWindow, sliceEnd) none can reach minConfidence (block mode only:
  // stream mode's resume offset must come from the RegExp pass).
  if (rule.contextRequired && stopAt === undefined && sliceEnd - from <= CONTEXT_PRECHECK_MAX && !contextInReach(rule, win, from - rule.contextWindow, sliceEnd)) {
    return sliceEnd;
  }
  const text = win.text.slice(sliceStart - win.base, sliceEnd - win.base);
  const regex = rule.regex;
  let next = from; // where the global scan stands: the end of the last consumed match
  regex.lastIndex = Math.max(0, from - sliceStart);
  const anchor = rule.anchor;
  for (;;) {
    if (anchor !== null) {
      // No match starts more than maxBefore before the next anchor: skip to there (exact, see `anchor`).
      const at = text.indexOf(anchor, regex.lastIndex);
      if (at === -1) break;
      const earliest = rule.runTable === null ? at - rule.anchorMaxBefore : runStart(rule, text, at, regex.lastIndex);
      if (earliest > regex.lastIndex) regex.lastIndex = earliest;
    }
    const m = regex.exec(text);
    if (m === null) break;
    const start = sliceStart + m.index;
    const end = start + m[0].length;
    if (stopAt !== undefined && start + rule.maxLength >= stopAt) return start;
    next = end;
    if (end === start) {
      regex.lastIndex = m.index + 1;
      next = start + 1;
      continue;
    }
    if (rule.beforeTable !== null && touches(rule.beforeTable, rule.before!, win, start - 1, lo, hi)) {
      // like a failed lookbehind: try the next start, skipping starts whose previous char fails the same check
      // (block mode: a stream's resume offset stays the plain next start)
      let at = m.index + 1;
      if (stopAt === undefined) while (at < text.length && touches(rule.beforeTable, rule.before!, win, sliceStart + at - 1, lo, hi)) at++;
      regex.lastIndex = at;
      next = start + 1;
      continue;
    }
    if (rule.afterTable !== null && touches(rule.afterTable, rule.after!, win, end, lo, hi)) {
      regex.lastIndex = m.index + 1; // like a failed lookahead: try the next start
      next = start + 1;
      continue;
    }
    const found = postCheck(rule, win, m, sliceStart, start, end, segment);
    if (found) out.push(found);
  }
  return stopAt === undefined ? sliceEnd : Math.max(next, Math.min(sliceEnd, stopAt - rule.maxLength));
}

/**
 * Earliest start ≥ `floor` of a match whose anchor is at `at` (see DetectorDefinition.anchor.run): the run of class
 * chars just before the anchor (at most runMax), moved back over the prefix when it ends where the run starts (the
 * prefix's last char is outside the class, so it can end nowhere else inside the run).
 */
function runStart(rule: CompiledRule, text: string, at: number, floor: number): number {
  const table = rule.runTable!;
  const stop = Math.max(floor, at - rule.runMax);
  let p = at;
  while (p > stop && table[text.charCodeAt(p - 1)] === 1) p--;
  const prefix = rule.runPrefix;
  if (prefix.length > 0 && p - prefix.length >= floor && text.startsWith(prefix, p - prefix.length)) return p - prefix.length;
  return p;
}

/**
 * Confirm the one possible match [end - width, end) of a fixed-width pattern (no secret group) whose only engine
 * report in [from, end + 1) is `end`: what confirmRange(rule, win, from, end + 1, lo, hi, out) finds, without the
 * RegExp pass (the engine already matched exactly these bytes). Pushes the match, if it is one, to `out`.
 *
 * @example
 * confirmFixed(rule, win, 40, 62, 22, 0, text.length, out); // a 40-byte token ending at 62
 */
export function confirmFixed(
  rule: CompiledRule, win: TextWindow, width: number, end: number, from: number, lo: number, hi: number, out: Match[], segment?: number,
): void {
  const start = end - width;
  if (start < from || start < lo || end > hi) return; // the RegExp pass starts at `from`, inside the segment
  if ((rule.beforeTable !== null && touches(rule.beforeTable, rule.before!, win, start - 1, lo, hi)) || (rule.afterTable !== null && touches(rule.afterTable, rule.after!, win, end, lo, hi))) return;
  const found = postCheck(rule, win, null, start, start, end, segment);
  if (found) out.push(found);
}

function postCheck(
  rule: CompiledRule, win: TextWindow, m: RegExpExecArray | null, sliceStart: number, start: number, end: number, segment?: number,
): Match | null {
  const def = rule.def;
  let spanStart = start;
  let spanEnd = end;
  if (m === null) {
    // confirmFixed: no secret group
  } else if (def.secretGroup !== undefined && rule.groupAtEnd) {
    const group = typeof def.secretGroup === 'number' ? m[def.secretGroup] : m.groups?.[def.secretGroup];
    if (group) spanStart = end - group.length; // the group ends the pattern, so it ends where the match ends
  } else if (def.secretGroup !== undefined && m.indices) {
    const span = typeof def.secretGroup === 'number' ? m.indices[def.secretGroup] : m.indices.groups?.[def.secretGroup];
    if (span && span[1] > span[0]) [spanStart, spanEnd] = [sliceStart + span[0], sliceStart + span[1]];
  }
  if (def.entropy !== undefined || def.validator !== undefined) {
    const secret = win.text.slice(spanStart - win.base, spanEnd - win.base);
    if (def.entropy !== undefined && shannonEntropy(secret) < def.entropy) return null;
    if (def.validator !== undefined && !runValidator(def.validator, asUtf8(secret))) return null;
  }
  let confidence = def.confidence;
  if (rule.contextWords.length > 0 && def.context) {
    if (contextInReach(rule, win, start - rule.contextWindow, start)) confidence += def.context.boost;
  }
  confidence = Math.min(1, Math.max(0, confidence));
  if (def.minConfidence !== undefined && confidence < def.minConfidence) return null;
  // One literal per shape: adding `segment` afterwards would move every segment match through a map transition.
  if (segment === undefined) return { rule: rule.index, detector: def.id, category: def.category, start: spanStart, end: spanEnd, confidence };
  return { rule: rule.index, detector: def.id, category: def.category, start: spanStart, end: spanEnd, confidence, segment };
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Validators see real text: re-decode latin1 chars as UTF-8 when the secret holds non-ASCII bytes. */
function asUtf8(latin1: string): string {
  return NON_ASCII.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}
