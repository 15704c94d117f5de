/** @module scan/text — latin1 helpers of the confirm step: window decoding, entropy, char-class tables, context RegExps. */

/** Node's Buffer#latin1Slice (undocumented but present since Node 0.x), when this runtime has it. */
const HAS_LATIN1_SLICE = typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === 'function';

/**
 * `buf.toString('latin1', start, end)` without its argument handling (Node's own latin1Slice when present).
 *
 * @example
 * latin1(Buffer.from('abc'), 1, 3) // 'bc'
 */
export function latin1(buf: Buffer, start: number, end: number): string {
  return HAS_LATIN1_SLICE ? (buf as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end) : buf.toString('latin1', start, end);
}

const ENTROPY_COUNTS = new Int32Array(256);
const ENTROPY_ORDER = new Uint8Array(256);

/**
 * Shannon entropy in bits per character (terms summed in order of first occurrence).
 *
 * @example
 * shannonEntropy('ab') // 1
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = ENTROPY_COUNTS;
  const order = ENTROPY_ORDER;
  let distinct = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) {
      for (let k = 0; k < distinct; k++) counts[order[k]!] = 0;
      return wideEntropy(text);
    }
    if (counts[code]++ === 0) order[distinct++] = code;
  }
  let bits = 0;
  for (let k = 0; k < distinct; k++) {
    const code = order[k]!;
    const p = counts[code]! / text.length;
    counts[code] = 0;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** shannonEntropy for text with chars above 0xFF (the confirm step only sees latin1). */
function wideEntropy(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) counts.set(text.charCodeAt(i), (counts.get(text.charCodeAt(i)) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * `regex` tested on each of the 256 latin1 chars (the confirm text holds no other), or null.
 *
 * @example
 * classTable(/[0-9]/)![0x35] // 1
 */
export function classTable(regex: RegExp | null): Uint8Array | null {
  if (regex === null) return null;
  const table = new Uint8Array(256);
  for (let code = 0; code < 256; code++) table[code] = regex.test(String.fromCharCode(code)) ? 1 : 0;
  return table;
}

/**
 * One case-insensitive RegExp for ASCII context words; null when a word is not ASCII or there are none.
 *
 * @example
 * contextRegexOf(['ssn', 'ss#'])!.test('SSN: ') // true
 */
export function contextRegexOf(words: readonly string[]): RegExp | null {
  // eslint-disable-next-line no-control-regex
  if (words.length === 0 || words.some((w) => w.length === 0 || /[^\x00-\x7f]/.test(w))) return null;
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&')).join('|'), 'i');
}
