/** @module stream/escapes — decode JSON string escapes to UTF-8 bytes for detection, with a map back to raw offsets. */
import { nativeStrings, type NativeDecode } from './native-strings.js';

const decoder = new TextDecoder('utf-8');
const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_RUNS = new Int32Array(0);

/**
 * Batches of fewer raw bytes decode in JS even with the native decoder: a native call costs ~0.6 µs, the JS loop
 * about as much at ~400 bytes (16 B: 0.2 vs 1.0 µs; 1 KB: 1.3 vs 0.8 µs; 4 KB: 4.8 vs 1.4 µs).
 */
const NATIVE_MIN_BYTES = 512;

/** [length, runs] passed to and from the native decoder (each call is synchronous: one array serves every arena). */
const NATIVE_STATE = new Int32Array(2);

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
  const raw = Buffer.isBuffer(buf) ? buf.toString('utf8', start, end) : decoder.decode(buf.subarray(start, end));
  return raw.indexOf('\\') === -1 ? raw : (JSON.parse(`"${raw}"`) as string);
}

/**
 * Growable output of decoded bytes with a sparse map back to raw offsets: one run per stretch of
 * plain bytes (mapped linearly) and one per escape (all its decoded bytes map to the whole escape).
 *
 * @example
 * const arena = new DecodeArena(); const [s, e] = arena.decode(raw, 0, raw.length, 0); arena.rawSpan(s, e);
 */
export class DecodeArena {
  // Allocated on first use: most bodies have few escaped values, and maskers are built per body.
  bytes: Uint8Array = EMPTY_BYTES;
  length = 0;
  private runDec: Int32Array = EMPTY_RUNS;
  private runRaw: Int32Array = EMPTY_RUNS;
  /** Raw length of an escape run, or -1 for a plain (linear) run. */
  private runRawLen: Int32Array = EMPTY_RUNS;
  private runs = 0;
  /** The native decoder in use (see useNative), or null: the JS loop. */
  private decoder: NativeDecode | null = null;

  /**
   * Run decodeAll in C++ when `on` and the binding loads (the native engine's batches), else in JS. Both give the
   * same bytes, runs and bounds (escapes.test.ts).
   *
   * @example
   * arena.useNative(scanner.engine === 'native');
   */
  useNative(on: boolean): void {
    this.decoder = on ? nativeStrings().decode : null;
  }

  /** True when decodeAll runs in the native binding. */
  get native(): boolean {
    return this.decoder !== null;
  }

  /** Forget the contents (keeps the memory). */
  reset(): void {
    this.length = 0;
    this.runs = 0;
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(need, this.bytes.length * 2, 1024));
    bytes.set(this.bytes.subarray(0, this.length));
    this.bytes = bytes;
  }

  private run(dec: number, raw: number, rawLen: number): void {
    const k = this.runs++;
    if (k === this.runDec.length) this.growRuns(k + 1);
    this.runDec[k] = dec;
    this.runRaw[k] = raw;
    this.runRawLen[k] = rawLen;
  }

  /** Room for at least `need` runs. */
  private growRuns(need: number): void {
    const size = Math.max(64, this.runDec.length * 2, need);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a.subarray(0, this.runs));
      return b;
    };
    this.runDec = grow(this.runDec);
    this.runRaw = grow(this.runRaw);
    this.runRawLen = grow(this.runRawLen);
  }

  /**
   * Append the `reach` raw bytes that precede buf[start] (NULs where buf has fewer), as context for the value appended
   * next. They belong to no value (no run is recorded), so no hit lies in them; the confirm step reads them for context
   * words only.
   */
  context(buf: Uint8Array, start: number, reach: number): void {
    this.ensure(reach);
    const bytes = this.bytes;
    let n = this.length;
    const own = Math.min(start, reach);
    bytes.fill(0, n, n + reach - own);
    n += reach - own;
    for (let k = start - own; k < start; k++) bytes[n++] = buf[k]!;
    this.length = n;
  }

  private putCodePoint(cp: number): void {
    const b = this.bytes;
    let n = this.length;
    if (cp < 0x80) b[n++] = cp;
    else if (cp < 0x800) {
      b[n++] = 0xc0 | (cp >> 6);
      b[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      b[n++] = 0xe0 | (cp >> 12);
      b[n++] = 0x80 | ((cp >> 6) & 0x3f);
      b[n++] = 0x80 | (cp & 0x3f);
    } else {
      b[n++] = 0xf0 | (cp >> 18);
      b[n++] = 0x80 | ((cp >> 12) & 0x3f);
      b[n++] = 0x80 | ((cp >> 6) & 0x3f);
      b[n++] = 0x80 | (cp & 0x3f);
    }
    this.length = n;
  }

  /**
   * Append the decoded form of validated raw content buf[start, end); raw offsets recorded
   * are `rawBase + index`. Lone surrogates decode to U+FFFD. Returns the decoded [start, end).
   */
  decode(buf: Uint8Array, start: number, end: number, rawBase: number): [number, number] {
    this.ensure(end - start);
    const first = this.length;
    const src = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    // One bulk copy of the raw content, then escapes are decoded in place: a decoded escape is never longer
    // than its raw form, so the write position w stays at or before the raw byte being read, and each plain
    // stretch after an escape is moved down with copyWithin (no view object per piece). Escapes are read from buf;
    // each backslash is found by one memchr (Buffer#indexOf, cheaper than a byte loop even for short stretches).
    const bytes = this.bytes;
    bytes.set(new Uint8Array(src.buffer, src.byteOffset + start, end - start), first);
    const shift = first - start; // bytes[r + shift] holds raw byte r until overwritten
    let w = first;
    let i = start;
    let j = src.indexOf(0x5c, i);
    if (j === -1 || j > end) j = end;
    for (;;) {
      if (j > i) {
        // the plain stretch [i, j)
        this.run(w, rawBase + i, -1);
        if (w !== i + shift) {
          if (j - i < 16) for (let k = i; k < j; k++) bytes[w++] = buf[k]!;
          else {
            bytes.copyWithin(w, i + shift, j + shift);
            w += j - i;
          }
        } else w += j - i;
      }
      if (j >= end) break;
      const e = buf[j + 1]!;
      let len = 2;
      let cp: number;
      switch (e) {
        case 0x6e: cp = 0x0a; break; // \n
        case 0x74: cp = 0x09; break; // \t
        case 0x72: cp = 0x0d; break; // \r
        case 0x62: cp = 0x08; break; // \b
        case 0x66: cp = 0x0c; break; // \f
        case 0x75: {
          cp = hex4(buf, j + 2);
          len = 6;
          if (cp >= 0xd800 && cp <= 0xdbff && j + 12 <= end && buf[j + 6] === 0x5c && buf[j + 7] === 0x75) {
            const lo = hex4(buf, j + 8);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              len = 12;
            }
          }
          if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
          break;
        }
        default: cp = e; // \" \\ \/
      }
      this.run(w, rawBase + j, len);
      if (cp < 0x80) bytes[w++] = cp;
      else {
        this.length = w; // putCodePoint writes at this.length
        this.putCodePoint(cp);
        w = this.length;
      }
      i = j + len;
      if (i >= end) j = end;
      else if (buf[i] === 0x5c) j = i; // escapes side by side (JSON text inside a string)
      else {
        j = src.indexOf(0x5c, i);
        if (j === -1 || j > end) j = end;
      }
    }
    this.length = w;
    return [first, w];
  }

  /**
   * For each of `count` values [bounds[2k], bounds[2k + 1]) of validated raw content in `buf`: append its `reach`
   * context bytes (as `context`) and its decoded form (as `decode`, raw offsets in `buf`); its decoded [start, end)
   * goes to decoded[2k], decoded[2k + 1]. One call into the addon with useNative (when they hold 512 bytes or more).
   *
   * @example
   * arena.decodeAll(body, Uint32Array.from([10, 40]), 1, 66, out); // out: [76, 76 + decoded length]
   */
  decodeAll(buf: Uint8Array, bounds: Uint32Array, count: number, reach: number, decoded: Uint32Array): void {
    let total = 0;
    for (let k = 0; k < count; k++) total += bounds[2 * k + 1]! - bounds[2 * k]!;
    if (this.decoder !== null && total >= NATIVE_MIN_BYTES) {
      this.ensure(total + count * reach);
      const state = NATIVE_STATE;
      state[0] = this.length;
      state[1] = this.runs;
      for (;;) {
        const need = this.decoder(buf, bounds, count, reach, this.bytes, state, this.runDec, this.runRaw, this.runRawLen, decoded);
        if (need === 0) break;
        this.growRuns(-need);
      }
      this.length = state[0]!;
      this.runs = state[1]!;
      return;
    }
    for (let k = 0; k < count; k++) {
      this.context(buf, bounds[2 * k]!, reach);
      const [start, end] = this.decode(buf, bounds[2 * k]!, bounds[2 * k + 1]!, 0);
      decoded[2 * k] = start;
      decoded[2 * k + 1] = end;
    }
  }

  private runOf(d: number): number {
    let lo = 0;
    let hi = this.runs - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runDec[mid]! <= d) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Map a decoded span [ds, de) back to raw offsets, widened to whole escapes. */
  rawSpan(ds: number, de: number): [number, number] {
    const a = this.runOf(ds);
    const start = this.runRawLen[a] === -1 ? this.runRaw[a]! + (ds - this.runDec[a]!) : this.runRaw[a]!;
    const b = this.runOf(de - 1);
    const end = this.runRawLen[b] === -1 ? this.runRaw[b]! + (de - 1 - this.runDec[b]!) + 1 : this.runRaw[b]! + this.runRawLen[b]!;
    return [start, end];
  }
}
