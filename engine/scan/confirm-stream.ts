/** @module scan/confirm-stream — stream-mode confirm shared by both engines: a retained tail and per-rule candidate windows. */
import type { Match } from './scanner.js';
import { confirmFixed, confirmRange, type CompiledRule, type TextWindow } from './confirm.js';
import { ByteTail } from './byte-tail.js';

/** The pending windows of a rule that never had one (shared, never written). */
const NO_WINDOWS: number[] = [];

/** Sort matches by start, then end, then rule, then segment: both engines report in this order. */
export function sortMatches(matches: Match[]): Match[] {
  return matches.sort((a, b) => a.start - b.start || a.end - b.end || a.rule - b.rule || (a.segment ?? 0) - (b.segment ?? 0));
}

/**
 * Keeps the last bytes of a stream (latin1) and, per rule, its pending candidate windows [from, to): a match may
 * start at ≥ from and the confirm slice ends at `to` (from libhs end offsets or keyword hits, built exactly as
 * the block scan builds them). A window is confirmed once no later candidate can merge into it, so every chunking
 * gives the block result. Rules without candidates (`always`) resume a global scan and report a match once no
 * later byte can change it.
 *
 * @example
 * const state = new ConfirmState(rules, []);
 * state.append(chunk); state.mark(0, 10, 51); const found = state.confirm(false);
 */
export class ConfirmState {
  /** Bytes seen so far (absolute stream offset of the next byte). */
  limit = 0;
  private readonly window: TextWindow = { text: '', base: 0 };
  private readonly resume: number[];
  /** Per rule: flat [from, to, from, to, …] windows, sorted and disjoint (merged when they overlap). */
  private readonly pending: number[][];
  /** Per rule, per window: the one exact engine report it came from (see `mark`), or -1. */
  private readonly exact: number[][];
  private readonly always: readonly number[];
  /** Rules with pending windows (confirm and trim visit only these and `bounded`: a write costs O(rules in use)). */
  private readonly active: number[] = [];
  private readonly isActive: number[];
  private readonly keep: number;
  /** Per rule: every candidate ending at or before this offset is marked (default: all up to `limit`). */
  private readonly horizon: number[];
  /** Rules given a horizon (setHorizon). */
  private readonly bounded: number[] = [];
  /** `retain: 'bytes'`: the retained bytes (the latest chunk borrowed until `confirm` ends). */
  private tail: ByteTail | null = null;

  /**
   * `always`: rules that may start anywhere (JS rules without keywords). `retain`: keep the retained bytes as one
   * latin1 string (`text`, which the JS engine searches), or as bytes decoded per candidate window (the native
   * engine: no string of the whole chunk is built or flattened).
   */
  constructor(
    private readonly rules: readonly CompiledRule[], always: readonly number[], retain: 'text' | 'bytes' = 'text', private readonly fixed: Int32Array | null = null,
  ) {
    if (retain === 'bytes') {
      if (always.length > 0) throw new TypeError("rules without candidates need retain: 'text'");
      this.tail = new ByteTail();
    }
    // Plain arrays: a stream's set-up is ~4 typed arrays cheaper (each costs ~1 µs to allocate).
    this.resume = new Array<number>(rules.length).fill(0);
    // Shared empty lists until a rule's first window (most rules of a short stream never get one): 2 µs per stream.
    this.pending = new Array<number[]>(rules.length).fill(NO_WINDOWS);
    this.exact = new Array<number[]>(rules.length).fill(NO_WINDOWS);
    this.always = [...always];
    this.isActive = new Array<number>(rules.length).fill(0);
    this.horizon = new Array<number>(rules.length).fill(Infinity);
    this.keep = keepOf(rules);
  }

  /** The retained text (latin1) and its absolute base offset (retain 'text'). */
  get text(): TextWindow {
    return this.window;
  }

  /** Retained bytes [from, to) (absolute; retain 'bytes'), valid until the next append or confirm. */
  bytes(from: number, to: number): Uint8Array {
    return this.tail!.slice(from, to);
  }

  /** Add the next chunk's bytes (retain 'bytes': borrowed until `confirm` returns). */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.limit += chunk.length;
    if (this.tail !== null) this.tail.append(chunk);
    else this.window.text += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
  }

  /** The text window confirmRange needs for [from, to): the retained text, or these bytes decoded (with context). */
  private windowFor(rule: CompiledRule, from: number, to: number): TextWindow {
    if (this.tail === null) return this.window;
    const base = Math.max(this.tail.base, from - 2 - rule.contextWindow);
    return { text: this.tail.latin1(base, Math.max(base, Math.min(this.limit, to))), base };
  }

  /**
   * A candidate window for `rule`: starts ≥ from, slice ends at `to`. Overlapping windows merge. `exactEnd`: the
   * window comes from one exact report of a fixed-width pattern (`fixed`), confirmed without the RegExp pass
   * (confirmFixed) unless another window merges into it.
   */
  mark(rule: number, from: number, to: number, exactEnd = -1): void {
    let list = this.pending[rule]!;
    let exact = this.exact[rule]!;
    if (list === NO_WINDOWS) {
      list = this.pending[rule] = [];
      exact = this.exact[rule] = [];
    }
    const n = list.length;
    if (this.isActive[rule] === 0) {
      this.isActive[rule] = 1;
      this.active.push(rule);
    }
    if (n >= 2 && from >= list[n - 2]! && from < list[n - 1]!) {
      list[n - 1] = Math.max(list[n - 1]!, to);
      exact[n / 2 - 1] = -1;
    } else if (n === 0 || from >= list[n - 1]!) {
      list.push(from, to);
      exact.push(exactEnd);
    } else {
      mergeInto(list, from, to);
      exact.length = list.length / 2;
      exact.fill(-1);
    }
  }

  /**
   * Candidates of `rule` may still be marked late, ending anywhere after `offset` (e.g. trigger-gated rules whose
   * regions are scanned once complete): its windows stay open until no such candidate can merge into them.
   */
  setHorizon(rule: number, offset: number): void {
    if (this.horizon[rule] === Infinity && !this.bounded.includes(rule)) this.bounded.push(rule);
    this.horizon[rule] = offset;
  }

  /** Confirm what the bytes so far allow (all of it when `final`), then drop text no rule can need again. */
  confirm(final: boolean): Match[] {
    const out: Match[] = [];
    const limit = this.limit;
    for (const r of this.always) {
      this.resume[r] = confirmRange(this.rules[r]!, this.window, this.resume[r]!, limit, 0, limit, out, undefined, final ? undefined : limit);
    }
    const active = this.active;
    let stillActive = 0;
    for (let a = 0; a < active.length; a++) {
      const r = active[a]!;
      const rule = this.rules[r]!;
      const list = this.pending[r]!;
      let done = 0;
      const known = Math.min(limit, this.horizon[r]!);
      // a later candidate starts windows at ≥ known + 1 - maxLength: windows ending at or before that are closed
      for (; done < list.length && (final || list[done + 1]! <= known + 1 - rule.maxLength); done += 2) {
        const from = Math.max(0, this.resume[r]!, list[done]!);
        const to = Math.min(limit, list[done + 1]!);
        if (from >= to) continue;
        const exactEnd = this.exact[r]![done / 2]!;
        if (exactEnd >= 0 && this.fixed !== null && this.fixed[r]! > 0 && exactEnd + 1 === to) {
          confirmFixed(rule, this.windowFor(rule, exactEnd - this.fixed[r]!, to), this.fixed[r]!, exactEnd, from, 0, limit, out);
          this.resume[r] = Math.max(this.resume[r]!, to);
        } else this.resume[r] = Math.max(this.resume[r]!, confirmRange(rule, this.windowFor(rule, from, to), from, to, 0, limit, out));
      }
      if (done > 0) {
        list.splice(0, done);
        this.exact[r]!.splice(0, done / 2);
      }
      if (list.length > 0) active[stillActive++] = r;
      else this.isActive[r] = 0;
    }
    active.length = stillActive;
    this.trim();
    return sortMatches(out);
  }

  private trim(): void {
    let keepFrom = this.limit - this.keep;
    for (const r of this.active) keepFrom = Math.min(keepFrom, this.pending[r]![0]! - 2 - this.rules[r]!.contextWindow);
    for (const r of this.bounded) {
      const horizon = this.horizon[r]!;
      if (horizon < Infinity) keepFrom = Math.min(keepFrom, horizon - this.rules[r]!.maxLength - 2 - this.rules[r]!.contextWindow);
    }
    const drop = keepFrom - this.window.base;
    if (this.tail !== null) {
      this.tail.keep(keepFrom); // copies the part of the borrowed chunk still needed
      return;
    }
    if (drop > 4096 && drop > this.window.text.length / 2) {
      this.window.text = this.window.text.slice(drop);
      this.window.base = keepFrom;
    }
  }
}

const keeps = new WeakMap<readonly CompiledRule[], number>();

/** Bytes every stream over `rules` retains at least (computed once per rule set). */
function keepOf(rules: readonly CompiledRule[]): number {
  let keep = keeps.get(rules);
  if (keep === undefined) {
    keep = 0;
    for (const rule of rules) keep = Math.max(keep, 2 * rule.maxLength + rule.contextWindow + 2);
    keeps.set(rules, keep);
  }
  return keep;
}

/**
 * Insert [from, to) into sorted disjoint [from, to, …] windows, merging overlaps.
 *
 * @example
 * const list = [0, 5, 10, 20]; mergeInto(list, 3, 12); // list: [0, 20]
 */
export function mergeInto(list: number[], from: number, to: number): void {
  const merged: number[] = [];
  let placed = false;
  for (let i = 0; i < list.length; i += 2) {
    const [a, b] = [list[i]!, list[i + 1]!];
    if (!placed && from < a) {
      merged.push(from, to);
      placed = true;
    }
    merged.push(a, b);
  }
  if (!placed) merged.push(from, to);
  list.length = 0;
  for (let i = 0; i < merged.length; i += 2) {
    const n = list.length;
    if (n > 0 && merged[i]! < list[n - 1]!) list[n - 1] = Math.max(list[n - 1]!, merged[i + 1]!);
    else list.push(merged[i]!, merged[i + 1]!);
  }
}
