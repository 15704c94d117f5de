/** @module stream/path-tokens — JSON Pointer tokens for recorded paths: array indexes without String(n), cached key tokens. */
import { decodeJsonStringToString } from './escapes.js';
import { escapePointerToken } from './pointer.js';

/** Tokens of the first array indexes, bare and '/'-led, built once. */
const SMALL_INDEX_TOKENS: string[] = Array.from({ length: 1024 }, (_, i) => String(i));
const SMALL_SLASH_INDEX_TOKENS: string[] = SMALL_INDEX_TOKENS.map((t) => '/' + t);
const DIGITS = new Int32Array(10);
const SLASH = 0x2f;
const NO_BYTES = new Uint8Array(0);

/**
 * '/' + the decimal text of a non-negative int32 array index, built as one string (see indexToken).
 *
 * @example
 * slashIndexToken(123456); // '/123456'
 */
export function slashIndexToken(n: number): string {
  if (n < SMALL_SLASH_INDEX_TOKENS.length) return SMALL_SLASH_INDEX_TOKENS[n]!;
  const d = DIGITS;
  let k = 0;
  do {
    d[k++] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  switch (k) {
    case 4: return String.fromCharCode(SLASH, d[3]!, d[2]!, d[1]!, d[0]!);
    case 5: return String.fromCharCode(SLASH, d[4]!, d[3]!, d[2]!, d[1]!, d[0]!);
    case 6: return String.fromCharCode(SLASH, d[5]!, d[4]!, d[3]!, d[2]!, d[1]!, d[0]!);
    case 7: return String.fromCharCode(SLASH, d[6]!, d[5]!, d[4]!, d[3]!, d[2]!, d[1]!, d[0]!);
    case 8: return String.fromCharCode(SLASH, d[7]!, d[6]!, d[5]!, d[4]!, d[3]!, d[2]!, d[1]!, d[0]!);
    case 9: return String.fromCharCode(SLASH, d[8]!, d[7]!, d[6]!, d[5]!, d[4]!, d[3]!, d[2]!, d[1]!, d[0]!);
    default: return String.fromCharCode(SLASH, d[9]!, d[8]!, d[7]!, d[6]!, d[5]!, d[4]!, d[3]!, d[2]!, d[1]!, d[0]!);
  }
}

/**
 * The decimal text of a non-negative int32 array index. Built without `String(n)`: V8 keeps number
 * strings in a cache that holds them past a young GC, so a long array (a 1 GB record list) would push
 * millions of dead strings into the old generation.
 *
 * @example
 * indexToken(123456); // '123456'
 */
export function indexToken(n: number): string {
  return n < SMALL_INDEX_TOKENS.length ? SMALL_INDEX_TOKENS[n]! : slashIndexToken(n).slice(1);
}

/**
 * Escaped pointer tokens of raw key bytes, cached by an FNV-1a hash of the bytes (verified byte by byte),
 * so the same key met again builds no string. Bounded: cleared when full.
 *
 * @example
 * const keys = new KeyTokens(); keys.token(Buffer.from('"a/b"'), 1, 4, false); // { token: 'a~1b', slashed: '/a~1b', … }
 */
export class KeyTokens {
  private readonly byHash = new Map<number, KeyToken[]>();
  private size = 0;

  /** Recently used entries, direct-mapped by length and end bytes: a repeated key skips the hash and the map. */
  private readonly recent: Array<KeyToken | undefined> = new Array(64).fill(undefined);

  token(body: Uint8Array, a: number, b: number, escaped: boolean): KeyToken {
    const len = b - a;
    const slot = len === 0 ? 0 : (len * 31 + body[a]! * 7 + body[b - 1]!) & 63;
    const seen = this.recent[slot];
    if (seen !== undefined && seen.raw.length === len) {
      // raw bytes equal ⇒ same escaping (a raw key holds a backslash exactly when it has escapes)
      let k = 0;
      while (k < len && seen.raw[k] === body[a + k]) k++;
      if (k === len) return seen;
    }
    const entry = this.lookup(body, a, b, escaped);
    if (entry.raw.length === len) this.recent[slot] = entry;
    return entry;
  }

  private lookup(body: Uint8Array, a: number, b: number, escaped: boolean): KeyToken {
    let h = 0x811c9dc5 ^ (b - a);
    for (let i = a; i < b; i++) h = Math.imul(h ^ body[i]!, 0x01000193);
    if (escaped) h = ~h;
    const bucket = this.byHash.get(h);
    if (bucket !== undefined) {
      for (let j = 0; j < bucket.length; j++) {
        const raw = bucket[j]!.raw;
        if (raw.length !== b - a) continue;
        let k = 0;
        while (k < raw.length && raw[k] === body[a + k]) k++;
        if (k === raw.length) return bucket[j]!;
      }
    }
    const text = escaped ? decodeJsonStringToString(body, a, b) : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8', a, b);
    const token = escapePointerToken(text);
    if (b - a > 256) return { raw: NO_BYTES, token, slashed: '/' + token }; // long keys are not kept
    const entry = { raw: new Uint8Array(body.subarray(a, b)), token, slashed: '/' + token }; // a copy: chunks get reused
    if (this.size >= 4096) {
      this.byHash.clear();
      this.recent.fill(undefined);
      this.size = 0;
    }
    if (bucket !== undefined) bucket.push(entry);
    else this.byHash.set(h, [entry]);
    this.size++;
    return entry;
  }
}

/** A key's raw bytes and its escaped pointer token, bare and '/'-led. */
export interface KeyToken {
  raw: Uint8Array;
  token: string;
  slashed: string;
}
