/** @module scan/confirm-stream — stream-mode confirm shared by both engines: a retained tail and per-rule resume points. */
import type { Match } from './scanner.js';
import { confirmRange, type CompiledRule, type TextWindow } from './confirm.js';

/** Sort matches by start, then end, then rule: both engines report in this order. */
export function sortMatches(matches: Match[]): Match[] {
  return matches.sort((a, b) => a.start - b.start || a.end - b.end || a.rule - b.rule);
}

/**
 * Keeps the last bytes of a stream (latin1) and, per rule, where its global scan stands (`resume`) and from where
 * a candidate (a libhs end offset or a keyword hit) says a match may start (`pendingFrom`, until `pendingUntil`).
 * Matches are reported only once no later byte can change them, so a chunking never changes the result: the
 * matches equal a block scan of the concatenated chunks.
 *
 * @example
 * const state = new ConfirmState(rules);
 * state.append(chunk); state.mark(0, 10, 90); const found = state.confirm(false);
 */
export class ConfirmState {
  /** Bytes seen so far (absolute stream offset of the next byte). */
  limit = 0;
  private readonly window: TextWindow = { text: '', base: 0 };
  private readonly resume: Float64Array;
  private readonly pendingFrom: Float64Array;
  private readonly pendingUntil: Float64Array;
  private readonly keep: number;

  constructor(private readonly rules: readonly CompiledRule[]) {
    this.resume = new Float64Array(rules.length);
    this.pendingFrom = new Float64Array(rules.length).fill(Infinity);
    this.pendingUntil = new Float64Array(rules.length).fill(-Infinity);
    let keep = 0;
    for (const rule of rules) keep = Math.max(keep, rule.maxLength + rule.contextWindow + 2);
    this.keep = keep;
  }

  /** The retained text (latin1) and its absolute base offset. */
  get text(): TextWindow {
    return this.window;
  }

  /** Add the next chunk's bytes. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.window.text += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    this.limit += chunk.length;
  }

  /** A candidate for `rule`: a match may start at ≥ `from`; all such matches are decidable once `limit` ≥ `until`. */
  mark(rule: number, from: number, until: number): void {
    if (from < this.pendingFrom[rule]!) this.pendingFrom[rule] = from;
    if (until > this.pendingUntil[rule]!) this.pendingUntil[rule] = until;
  }

  /** Confirm what the bytes so far allow (all of it when `final`), then drop text no rule can need again. */
  confirm(final: boolean): Match[] {
    const out: Match[] = [];
    const limit = this.limit;
    for (let r = 0; r < this.rules.length; r++) {
      const pending = this.pendingFrom[r]!;
      if (pending === Infinity) continue;
      const from = Math.max(this.resume[r]!, pending);
      const rule = this.rules[r]!;
      this.resume[r] = confirmRange(rule, this.window, from, limit, 0, Infinity, out, undefined, final ? undefined : limit);
      if (final || limit >= this.pendingUntil[r]!) {
        this.pendingFrom[r] = Infinity;
        this.pendingUntil[r] = -Infinity;
      } else this.pendingFrom[r] = this.resume[r]!;
    }
    this.trim();
    return sortMatches(out);
  }

  private trim(): void {
    let keepFrom = this.limit - this.keep;
    for (let r = 0; r < this.rules.length; r++) {
      const pending = this.pendingFrom[r]!;
      if (pending !== Infinity) keepFrom = Math.min(keepFrom, Math.max(this.resume[r]!, pending) - 2 - this.rules[r]!.contextWindow);
    }
    const drop = keepFrom - this.window.base;
    if (drop > 4096 && drop > this.window.text.length / 2) {
      this.window.text = this.window.text.slice(drop);
      this.window.base = keepFrom;
    }
  }
}
