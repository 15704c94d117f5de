/** @module policy/decision-reader — result set bytes in wasm memory → Decision, remembering recurring results. */
import { deepFreeze, parseDecision } from './decision.js';
import type { Decision } from './types.js';

/** Results longer than this (bytes) are parsed and validated every time. */
const MAX_CACHED_BYTES = 4096;
/** Remembered results at most; the arena holds their bytes. Either limit reached: start afresh. */
const MAX_CACHED_ENTRIES = 512;
const ARENA_BYTES = 256 * 1024;
/** Results of one length compared byte-wise: bounds the work of a miss. */
const MAX_SAME_LENGTH = 2;

interface Remembered {
  /** Where its bytes sit in the arena. */
  offset: number;
  /** Parsed and frozen on the second sighting; undefined while seen once. */
  decision: Decision | undefined;
}

/**
 * Reads result sets into decisions, remembering the few distinct results a policy produces so the common case
 * skips decoding, JSON.parse and validation: a result is matched by its bytes in place against at most 2
 * remembered results of the same length, whose bytes live in one arena (no buffer per result). A result seen
 * for the first time is parsed into the caller's own decision; one that recurs is parsed once more, frozen and
 * shared, so results unique to one request (reasons quoting its path) never pay for freezing. Bounded: 512
 * results of up to 4 KiB, 256 KiB of bytes.
 *
 * @example
 * const reader = new DecisionReader();
 * reader.read(resultText); // first sighting: a fresh decision
 * reader.read(resultText) === reader.read(resultText); // true: frozen and shared from the second
 */
export class DecisionReader {
  private readonly byLength = new Map<number, Remembered[]>();
  private arena: Buffer | undefined;
  private arenaUsed = 0;
  private entries = 0;
  private turn = 0;

  /** The decision of the result set JSON held in `memory[start, end)` (end < start: no terminator found). */
  readAt(memory: Buffer, start: number, end: number): Decision {
    const length = end - start;
    const candidates = this.byLength.get(length);
    if (candidates !== undefined) {
      const arena = this.arena!;
      for (const candidate of candidates) {
        if (memory.compare(arena, candidate.offset, candidate.offset + length, start, end) !== 0) continue;
        if (candidate.decision !== undefined) return candidate.decision;
        candidate.decision = deepFreeze(parseDecision(memory.toString('utf8', start, end)));
        return candidate.decision;
      }
    }
    const decision = parseDecision(length < 0 ? '' : memory.toString('utf8', start, end));
    if (length > 0 && length <= MAX_CACHED_BYTES) this.remember(memory, start, length, candidates);
    return decision;
  }

  /** The decision of a result set text. */
  read(resultText: string): Decision {
    const bytes = Buffer.from(resultText, 'utf8');
    return this.readAt(bytes, 0, bytes.length);
  }

  /** How many distinct results are remembered (bounded). */
  get size(): number {
    return this.entries;
  }

  private remember(memory: Buffer, start: number, length: number, sameLength: Remembered[] | undefined): void {
    if (this.entries >= MAX_CACHED_ENTRIES || this.arenaUsed + length > ARENA_BYTES) {
      this.byLength.clear();
      this.arenaUsed = 0;
      this.entries = 0;
      sameLength = undefined;
    }
    this.arena ??= Buffer.allocUnsafe(ARENA_BYTES);
    const entry: Remembered = { offset: this.arenaUsed, decision: undefined };
    memory.copy(this.arena, this.arenaUsed, start, start + length);
    this.arenaUsed += length;
    if (sameLength === undefined) {
      this.byLength.set(length, [entry]);
      this.entries++;
    } else if (sameLength.length < MAX_SAME_LENGTH) {
      sameLength.push(entry);
      this.entries++;
    } else {
      // Full (e.g. reasons quoting each request's path): replace a result seen once if any, else one in turn.
      let slot = 0;
      while (slot < sameLength.length && sameLength[slot]!.decision !== undefined) slot++;
      sameLength[slot < sameLength.length ? slot : this.turn++ % MAX_SAME_LENGTH] = entry;
    }
  }
}

/** What DataValueDecisions needs from the instance that produced a result. */
export interface ResultDumper {
  dumpResult(): Buffer;
  readonly resultStart: number;
  readonly resultEnd: number;
}

/** Addresses remembered at most per instance (the data document holds few distinct decisions). */
const MAX_DATA_VALUES = 256;

/**
 * Decisions of results that are values of the policy's data document (e.g. `decision := data.config.decision`),
 * by address. The data document is never written by an evaluation, so within one instance an address always
 * holds the same value: the result is dumped, parsed and validated on its first two sightings (the second
 * one frozen and kept), then returned without touching wasm memory. A new instance starts afresh.
 *
 * @example
 * const value = instance.evaluateToDataValue(json, entrypoint);
 * const decision = value ? dataDecisions.read(instance, value) : reader.readAt(...);
 */
export class DataValueDecisions {
  private owner: ResultDumper | undefined;
  private readonly byAddress = new Map<number, Decision | null>();

  read(instance: ResultDumper, address: number): Decision {
    if (this.owner !== instance) {
      this.owner = instance;
      this.byAddress.clear();
    }
    const known = this.byAddress.get(address);
    if (known) return known;
    const view = instance.dumpResult();
    const decision = parseDecision(view.toString('utf8', instance.resultStart, instance.resultEnd));
    if (this.byAddress.size >= MAX_DATA_VALUES) this.byAddress.clear();
    if (known === null) {
      this.byAddress.set(address, deepFreeze(decision));
    } else {
      this.byAddress.set(address, null); // seen once: a one-off result is not frozen
    }
    return decision;
  }
}
