/** @module stream/escapes — decode JSON string escapes to UTF-8 bytes for detection, with a map back to raw offsets. */

const decoder = new TextDecoder('utf-8');

/** Decode a hex digit (input already validated by the tokenizer). */
function hex(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

function hex4(buf: Uint8Array, at: number): number {
  return (hex(buf[at]!) << 12) | (hex(buf[at + 1]!) << 8) | (hex(buf[at + 2]!) << 4) | hex(buf[at + 3]!);
}

/**
 * Decode validated raw string content buf[start, end) (without quotes) to a JS string.
 *
 * @example
 * decodeJsonStringToString(Buffer.from('a\\u0041'), 0, 7); // 'aA'
 */
export function decodeJsonStringToString(buf: Uint8Array, start: number, end: number): string {
  const raw = decoder.decode(buf.subarray(start, end));
  return raw.indexOf('\\') === -1 ? raw : (JSON.parse(`"${raw}"`) as string);
}

/**
 * Growable output of decoded bytes plus, per decoded byte, the raw offset of the source unit
 * (the byte itself, or the backslash of the escape) that produced it.
 *
 * @example
 * const arena = new DecodeArena(); const [s, e] = arena.decode(raw, 0, raw.length, 0);
 */
export class DecodeArena {
  bytes = new Uint8Array(1024);
  map = new Uint32Array(1024);
  length = 0;

  /** Forget the contents (keeps the memory). */
  reset(): void {
    this.length = 0;
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    const size = Math.max(need, this.bytes.length * 2);
    const bytes = new Uint8Array(size);
    bytes.set(this.bytes.subarray(0, this.length));
    const map = new Uint32Array(size);
    map.set(this.map.subarray(0, this.length));
    this.bytes = bytes;
    this.map = map;
  }

  private put(byte: number, raw: number): void {
    this.bytes[this.length] = byte;
    this.map[this.length++] = raw;
  }

  private putCodePoint(cp: number, raw: number): void {
    if (cp < 0x80) this.put(cp, raw);
    else if (cp < 0x800) {
      this.put(0xc0 | (cp >> 6), raw);
      this.put(0x80 | (cp & 0x3f), raw);
    } else if (cp < 0x10000) {
      this.put(0xe0 | (cp >> 12), raw);
      this.put(0x80 | ((cp >> 6) & 0x3f), raw);
      this.put(0x80 | (cp & 0x3f), raw);
    } else {
      this.put(0xf0 | (cp >> 18), raw);
      this.put(0x80 | ((cp >> 12) & 0x3f), raw);
      this.put(0x80 | ((cp >> 6) & 0x3f), raw);
      this.put(0x80 | (cp & 0x3f), raw);
    }
  }

  /**
   * Append the decoded form of validated raw content buf[start, end); raw offsets recorded
   * are `rawBase + index`. Lone surrogates decode to U+FFFD. Returns the decoded [start, end).
   */
  decode(buf: Uint8Array, start: number, end: number, rawBase: number): [number, number] {
    this.ensure(end - start);
    const first = this.length;
    let i = start;
    while (i < end) {
      const c = buf[i]!;
      if (c !== 0x5c) {
        this.put(c, rawBase + i);
        i++;
        continue;
      }
      const e = buf[i + 1]!;
      const at = rawBase + i;
      switch (e) {
        case 0x6e: this.put(0x0a, at); break; // \n
        case 0x74: this.put(0x09, at); break; // \t
        case 0x72: this.put(0x0d, at); break; // \r
        case 0x62: this.put(0x08, at); break; // \b
        case 0x66: this.put(0x0c, at); break; // \f
        case 0x75: {
          let cp = hex4(buf, i + 2);
          let len = 6;
          if (cp >= 0xd800 && cp <= 0xdbff && i + 12 <= end && buf[i + 6] === 0x5c && buf[i + 7] === 0x75) {
            const lo = hex4(buf, i + 8);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              len = 12;
            }
          }
          if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
          this.putCodePoint(cp, at);
          i += len;
          continue;
        }
        default: this.put(e, at); // \" \\ \/
      }
      i += 2;
    }
    return [first, this.length];
  }

  /**
   * Map a decoded span [ds, de) inside the decoded segment [segStart, segEnd) back to raw
   * offsets, widened to whole escapes. `rawSegEnd` is the raw end of the segment.
   */
  rawSpan(ds: number, de: number, segEnd: number, rawSegEnd: number): [number, number] {
    const map = this.map;
    const rawStart = map[ds]!;
    const last = map[de - 1]!;
    let j = de;
    while (j < segEnd && map[j] === last) j++;
    return [rawStart, j < segEnd ? map[j]! : rawSegEnd];
  }
}
