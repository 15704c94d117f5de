/** @module detectors/corpus/rng — a small seeded PRNG (mulberry32) and helpers for fake values. */

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const BASE64 = ALNUM + '+/';
export const BASE64URL = ALNUM + '-_';

/** A deterministic random source: the same seed gives the same corpus. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty array or string. */
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string;
  /** True with probability p. */
  chance(p: number): boolean;
}

/**
 * A mulberry32 generator.
 *
 * @example
 * const rng = createRng(42);
 * rng.chars(HEX, 40); // same 40 hex digits every run
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T,
    chars: (alphabet: string, length: number): string => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[int(0, alphabet.length - 1)];
      return out;
    },
    chance: (p: number): boolean => next() < p,
  };
}

/**
 * Random base64 text of `bytes` decoded bytes, as one line or wrapped at `wrap` characters.
 *
 * @example
 * base64Blob(createRng(1), 48, 64);
 */
export function base64Blob(rng: Rng, bytes: number, wrap = 0, newline = '\n'): string {
  const raw = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) raw[i] = rng.int(0, 255);
  const text = raw.toString('base64');
  if (wrap <= 0) return text;
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += wrap) lines.push(text.slice(i, i + wrap));
  return lines.join(newline);
}
