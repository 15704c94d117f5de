/** @module stream/tokenizer — a push-based, incremental, byte-level strict JSON (RFC 8259) tokenizer with a cheap JSON Pointer stack. */
import { SluiceError } from '../errors.js';
import { escapePointerToken } from './pointer.js';
import { nativeStrings, type NativeStringStop } from './native-strings.js';

/** Limits enforced while tokenizing; each violation raises its own coded error. */
export interface JsonLimits {
  /** Maximum container nesting (default 512) → SLUICE_ERR_JSON_DEPTH. */
  maxDepth?: number;
  /** Maximum raw bytes of one string, key or number token (default 32 MiB) → SLUICE_ERR_JSON_TOKEN_SIZE. */
  maxTokenBytes?: number;
  /** Maximum total body bytes (default unlimited) → SLUICE_ERR_BODY_TOO_LARGE. */
  maxBytes?: number;
}

/** Limits with defaults applied. */
export interface ResolvedLimits {
  maxDepth: number;
  maxTokenBytes: number;
  maxBytes: number;
}

/** Primitive kinds reported by `JsonVisitor.primitive`. */
export const PRIM_NUMBER = 0;
export const PRIM_TRUE = 1;
export const PRIM_FALSE = 2;
export const PRIM_NULL = 3;

/**
 * Receives tokens. Offsets are absolute byte offsets into the whole stream. No objects are
 * created per token: a visitor reads what it needs (e.g. `tokenizer.pointer()`) only when it cares.
 */
export interface JsonVisitor {
  /** A string ended; [start, end) is the raw content between the quotes (escapes not decoded). */
  string(start: number, end: number, isKey: boolean, escaped: boolean): void;
  /** A number or literal ended: raw bytes [start, end). */
  primitive(start: number, end: number, kind: number): void;
  /** `{` or `[` at `offset`; `tokenizer.pointer()` is the container's pointer. */
  open(offset: number, isArray: boolean): void;
  /** `}` or `]` at `offset`; `tokenizer.pointer()` is the container's pointer. */
  close(offset: number, isArray: boolean): void;
}

/**
 * Apply defaults and validate limits (at construction, never on the hot path).
 *
 * @example
 * const limits = resolveLimits({ maxDepth: 64 });
 */
export function resolveLimits(limits?: JsonLimits): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (RESOLVED.has(limits)) return limits as ResolvedLimits;
  // Callers often pass a fresh `{ maxDepth }` per body: resolve each depth once.
  const onlyDepth = limits.maxTokenBytes === undefined && limits.maxBytes === undefined;
  if (onlyDepth) {
    const known = BY_DEPTH.get(limits.maxDepth);
    if (known !== undefined) return known;
  }
  const out = {
    maxDepth: limits.maxDepth ?? 512,
    maxTokenBytes: limits.maxTokenBytes ?? 32 * 1024 * 1024,
    maxBytes: limits.maxBytes ?? Number.POSITIVE_INFINITY,
  };
  for (const [name, v] of Object.entries(out)) {
    if (typeof v !== 'number' || Number.isNaN(v) || v < 1) {
      throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `limits.${name} must be a positive number`);
    }
  }
  if (!Number.isInteger(out.maxDepth) || out.maxDepth > 100_000) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'limits.maxDepth must be an integer ≤ 100000');
  }
  RESOLVED.add(out);
  if (onlyDepth && BY_DEPTH.size < 64) BY_DEPTH.set(limits.maxDepth, out);
  return out;
}

/** Resolved limits that differ from the defaults only in maxDepth (undefined key = all defaults). */
const BY_DEPTH = new Map<number | undefined, ResolvedLimits>();

/** Limits objects already validated (so constructing a tokenizer on the hot path re-validates nothing). */
const RESOLVED = new WeakSet<object>();
const DEFAULT_LIMITS: ResolvedLimits = resolveLimits({});

// Expectation states.
const S_VALUE = 0; // a value (document start, after ':' or after ',' in an array)
const S_ARRAY_FIRST = 1; // a value or ']'
const S_OBJ_FIRST = 2; // a key or '}'
const S_KEY = 3; // a key (after ',' in an object)
const S_COLON = 4;
const S_AFTER = 5; // ',' or a closer; at depth 0 only whitespace
const S_STRING = 6;
const S_ESC = 7; // after a backslash
const S_U1 = 8; // \u: 4..1 hex digits still expected = 12 - state
const S_U4 = 11;
const S_N_MINUS = 12;
const S_N_ZERO = 13; // accepting
const S_N_INT = 14; // accepting
const S_N_DOT = 15;
const S_N_FRAC = 16; // accepting
const S_N_E = 17;
const S_N_ESIGN = 18;
const S_N_EXP = 19; // accepting
const S_LITERAL = 20;
const S_DONE = 21; // after end()
const S_FAILED = 22;

const KIND_OBJECT = 0;
const KIND_ARRAY = 1;

const LIT_TRUE = [0x74, 0x72, 0x75, 0x65];
const LIT_FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const LIT_NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** Bytes allowed after a backslash: " \ / b f n r t u. */
const ESCAPE_OK = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPE_OK[c.charCodeAt(0)] = 1;
/** Bytes that end a plain run inside a string: quote, backslash, control bytes. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[0x22] = 1;
STRING_STOP[0x5c] = 1;
/** Hex digits. */
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const EMPTY_CHUNK = new Uint8Array(0);

function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * With the native helper (useNative), a string whose next quote is at least this far runs its loop in C++ (SSE2,
 * escapes stepped over in place)…
 */
const NATIVE_STRING_MIN = 1024;

/** …or once the loop has read this many bytes of the string (its next quote was an escaped one), with 512 bytes left. */
const NATIVE_STRING_SPAN = 256;

/**
 * Index of the first byte in buf[from, to) that is a control byte (< 0x20) or a backslash, else `to`.
 * `words` is an aligned Int32 view of buf starting at buf index `wordsFrom`; whole words are tested
 * 4 bytes at a time (SWAR "has less than 0x20" | "has byte 0x5c"), then the flagged word byte by byte.
 */
function findSpecial(buf: Uint8Array, words: Int32Array, wordsFrom: number, from: number, to: number): number {
  let i = from;
  let c = 0;
  while (i < to && ((i - wordsFrom) & 3) !== 0) {
    c = buf[i]!;
    if (c < 0x20 || c === 0x5c) return i;
    i++;
  }
  if (i >= to) return to; // from here on i is word-aligned
  let w = (i - wordsFrom) >> 2;
  const wEnd = w + ((to - i) >> 2);
  for (; w < wEnd; w++) {
    const x = words[w]!;
    const y = x ^ 0x5c5c5c5c;
    if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) break;
  }
  for (i = wordsFrom + (w << 2); i < to; i++) {
    c = buf[i]!;
    if (c < 0x20 || c === 0x5c) return i;
  }
  return to;
}

/**
 * The tokenizer. Feed chunks with `write`, finish with `end`; tokens go to the visitor.
 * Output is identical for any chunking (1 byte included). Throws `SluiceError`
 * (SLUICE_ERR_JSON_SYNTAX with `details.offset`, _JSON_DEPTH, _JSON_TOKEN_SIZE, _BODY_TOO_LARGE);
 * after an error the tokenizer stays failed.
 *
 * @example
 * const tok = new JsonTokenizer({ string: (s, e, isKey) => {}, primitive() {}, open() {}, close() {} });
 * tok.write(Buffer.from('{"a":')); tok.write(Buffer.from('"b"}')); tok.end();
 */
export class JsonTokenizer {
  /** Bytes consumed before the current chunk. */
  private base = 0;
  private state = S_VALUE;
  private depth = 0;
  private kinds: Uint8Array;
  private indexes: Int32Array;
  /**
   * Keys of the current path, raw bytes, by depth: [keyBegin, keyEnd) in the chunk being written when
   * keyInChunk is 1 (no copy while the chunk is read), else in the key arena, where the keys still on
   * the path are stacked by depth when a chunk ends.
   */
  private keyArena: Buffer;
  private keyBegin: Int32Array;
  private keyEnd: Int32Array;
  private keyEscaped: Uint8Array;
  private keyInChunk: Uint8Array;
  /** The chunk being written (keys with keyInChunk point into it). */
  private chunk: Uint8Array = EMPTY_CHUNK;
  private strStart = 0;
  private strIsKey = false;
  private strEscaped = false;
  private tokStart = 0; // numbers and literals
  private literal: number[] = LIT_NULL;
  private litPos = 0;
  private litKind = 0;
  private readonly limits: ResolvedLimits;
  private failure: SluiceError | null = null;
  private sawValue = false;
  /** The native string loop (useNative), or null. */
  private stringStop: NativeStringStop | null = null;

  constructor(
    private visitor: JsonVisitor,
    limits?: JsonLimits | ResolvedLimits,
  ) {
    this.limits = resolveLimits(limits);
    const n = Math.min(this.limits.maxDepth + 2, 16); // grown on demand (cheap construction for small bodies)
    // Stacks of a tokenizer that ended are reused (small bodies: construction is a visible share of the cost).
    const spare = SPARE_STACKS.length > 0 && SPARE_STACKS[SPARE_STACKS.length - 1]!.kinds.length >= n ? SPARE_STACKS.pop()! : null;
    this.kinds = spare?.kinds ?? new Uint8Array(n);
    this.indexes = spare?.indexes ?? new Int32Array(n);
    this.keyBegin = spare?.keyBegin ?? new Int32Array(n);
    this.keyEnd = spare?.keyEnd ?? new Int32Array(n);
    this.keyEscaped = spare?.keyEscaped ?? new Uint8Array(n);
    this.keyInChunk = spare?.keyInChunk ?? new Uint8Array(n);
    this.keyArena = spare?.keyArena ?? Buffer.allocUnsafe(64);
    if (spare) {
      this.kinds[0] = 0;
      this.indexes[0] = 0;
      this.keyBegin[0] = 0;
      this.keyEnd[0] = 0;
      this.keyEscaped[0] = 0;
      this.keyInChunk[0] = 0;
    }
  }

  /** After a successful end: hand the stacks to the next tokenizer; this one keeps empty ones. */
  private releaseStacks(): void {
    if (SPARE_STACKS.length < 4 && this.kinds.length <= 64 && this.keyArena.length <= 4096) {
      SPARE_STACKS.push({ kinds: this.kinds, indexes: this.indexes, keyBegin: this.keyBegin, keyEnd: this.keyEnd, keyEscaped: this.keyEscaped, keyInChunk: this.keyInChunk, keyArena: this.keyArena });
    }
    this.kinds = EMPTY_STACKS.kinds;
    this.indexes = EMPTY_STACKS.indexes;
    this.keyBegin = EMPTY_STACKS.keyBegin;
    this.keyEnd = EMPTY_STACKS.keyEnd;
    this.keyEscaped = EMPTY_STACKS.keyEscaped;
    this.keyInChunk = EMPTY_STACKS.keyInChunk;
    this.keyArena = EMPTY_STACKS.keyArena;
    this.chunk = EMPTY_CHUNK;
  }

  /** Replace the visitor (e.g. on a tokenizer that re-reads a chunk after `copyStateTo`). */
  setVisitor(visitor: JsonVisitor): void {
    this.visitor = visitor;
  }

  /** Total bytes consumed so far. */
  get offset(): number {
    return this.base;
  }

  /** Current nesting depth (0 = top level). */
  get currentDepth(): number {
    return this.depth;
  }

  /** When inside a string value (not a key): absolute offset of its opening quote; else -1. */
  get openValueStringStart(): number {
    const s = this.state;
    return (s === S_STRING || s === S_ESC || (s >= S_U1 && s <= S_U4)) && !this.strIsKey ? this.strStart - 1 : -1;
  }

  /** True when the current path's innermost container is an object (so `keyBytes` is meaningful). */
  get inObject(): boolean {
    return this.depth > 0 && this.kinds[this.depth] === KIND_OBJECT;
  }

  /** Array index at the innermost level (valid when inside an array). */
  get currentIndex(): number {
    return this.indexes[this.depth]!;
  }

  /** Raw bytes of the innermost key (a view into an internal arena; valid until the next write). */
  keyBytes(): Uint8Array {
    const d = this.depth;
    return this.keySource(d).subarray(this.keyBegin[d], this.keyEnd[d]);
  }

  /** Where the key at depth d lies: the current chunk or the arena. */
  private keySource(d: number): Uint8Array {
    return this.keyInChunk[d] === 1 ? this.chunk : this.keyArena;
  }

  /** Raw text of the innermost key (latin1 of its bytes: a cheap cache key, not the decoded key). */
  keyRaw(): string {
    const d = this.depth;
    return asBuffer(this.keySource(d)).toString('latin1', this.keyBegin[d]!, this.keyEnd[d]!);
  }

  /**
   * Copy the complete parser state into `other` (same limits), so it can re-read the next chunk
   * with a different visitor (e.g. to materialise pointers only when a chunk had findings).
   */
  copyStateTo(other: JsonTokenizer): void {
    const d = this.depth;
    other.base = this.base;
    other.state = this.state;
    other.depth = d;
    if (other.kinds.length < this.kinds.length) other.growStacks(this.kinds.length);
    other.kinds.set(this.kinds.subarray(0, d + 1));
    other.indexes.set(this.indexes.subarray(0, d + 1));
    other.keyBegin.set(this.keyBegin.subarray(0, d + 1));
    other.keyEnd.set(this.keyEnd.subarray(0, d + 1));
    other.keyEscaped.set(this.keyEscaped.subarray(0, d + 1));
    other.keyInChunk.fill(0); // between writes every key is in the arena
    const used = this.keyEnd[d]!;
    if (other.keyArena.length < used) other.keyArena = Buffer.allocUnsafe(this.keyArena.length);
    this.keyArena.copy(other.keyArena, 0, 0, used);
    other.strStart = this.strStart;
    other.strIsKey = this.strIsKey;
    other.strEscaped = this.strEscaped;
    other.tokStart = this.tokStart;
    other.literal = this.literal;
    other.litPos = this.litPos;
    other.litKind = this.litKind;
    other.failure = this.failure;
    other.sawValue = this.sawValue;
  }

  /** FNV-1a hash of the innermost key's raw bytes (no allocation; a cache key). */
  keyHash(): number {
    const d = this.depth;
    const a = this.keySource(d);
    const end = this.keyEnd[d]!;
    let h = 0x811c9dc5 ^ (end - this.keyBegin[d]!);
    for (let i = this.keyBegin[d]!; i < end; i++) h = Math.imul(h ^ a[i]!, 0x01000193);
    return h;
  }

  /** True when the innermost key's raw bytes equal `raw`. */
  keyEquals(raw: Uint8Array): boolean {
    const d = this.depth;
    const begin = this.keyBegin[d]!;
    if (this.keyEnd[d]! - begin !== raw.length) return false;
    const a = this.keySource(d);
    for (let i = 0; i < raw.length; i++) if (a[begin + i] !== raw[i]) return false;
    return true;
  }

  /** True when the innermost key contains escapes. */
  keyHasEscapes(): boolean {
    return this.keyEscaped[this.depth] === 1;
  }

  /** The innermost key as a decoded string ('' at top level or in an array). */
  key(): string {
    if (!this.inObject) return '';
    return this.keyAt(this.depth);
  }

  private keyAt(d: number): string {
    const text = asBuffer(this.keySource(d)).toString('utf8', this.keyBegin[d]!, this.keyEnd[d]!);
    return this.keyEscaped[d] === 1 ? (JSON.parse(`"${text}"`) as string) : text;
  }

  /** True while a key string is being read (its bytes so far are not a complete key). */
  get inKey(): boolean {
    const s = this.state;
    return (s === S_STRING || s === S_ESC || (s >= S_U1 && s <= S_U4)) && this.strIsKey;
  }

  /** Path segment at depth `d` (1..currentDepth): the key as a string, or the array index. */
  pathSegment(d: number): string | number {
    return this.kinds[d] === KIND_ARRAY ? this.indexes[d]! : this.keyAt(d);
  }

  /** Path segments of the current value (keys as strings, indexes as numbers). */
  pathSegments(): Array<string | number> {
    const out: Array<string | number> = [];
    for (let d = 1; d <= this.depth; d++) {
      if (this.kinds[d] === KIND_ARRAY) out.push(this.indexes[d]!);
      else out.push(this.keyAt(d));
    }
    return out;
  }

  /** The JSON Pointer (RFC 6901) of the current value, materialised on demand. */
  pointer(): string {
    let out = '';
    for (let d = 1; d <= this.depth; d++) {
      if (this.kinds[d] === KIND_ARRAY) out += '/' + this.indexes[d];
      else out += '/' + escapePointerToken(this.keyAt(d));
    }
    return out;
  }

  private fail(code: 'SLUICE_ERR_JSON_SYNTAX' | 'SLUICE_ERR_JSON_DEPTH' | 'SLUICE_ERR_JSON_TOKEN_SIZE' | 'SLUICE_ERR_BODY_TOO_LARGE', message: string, offset: number): never {
    this.state = S_FAILED;
    this.failure = new SluiceError(code, message, { details: { offset } });
    throw this.failure;
  }

  private syntax(byte: number, offset: number): never {
    const what = byte < 0 ? 'unexpected end of input' : `unexpected byte 0x${byte.toString(16).padStart(2, '0')}`;
    return this.fail('SLUICE_ERR_JSON_SYNTAX', `${what} at offset ${offset}`, offset);
  }

  private appendKey(buf: Uint8Array, from: number, to: number, d: number): void {
    const at = this.keyEnd[d]!;
    const need = at + (to - from);
    if (need > this.keyArena.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.keyArena.length * 2));
      grown.set(this.keyArena.subarray(0, at));
      this.keyArena = grown;
    }
    const arena = this.keyArena;
    if (to - from < 32) for (let i = from, j = at; i < to; i++, j++) arena[j] = buf[i]!;
    else arena.set(buf.subarray(from, to), at);
    this.keyEnd[d] = need;
  }

  private growStacks(size: number): void {
    const grow = <T extends Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.kinds = grow(this.kinds, (n) => new Uint8Array(n));
    this.indexes = grow(this.indexes, (n) => new Int32Array(n));
    this.keyBegin = grow(this.keyBegin, (n) => new Int32Array(n));
    this.keyEnd = grow(this.keyEnd, (n) => new Int32Array(n));
    this.keyEscaped = grow(this.keyEscaped, (n) => new Uint8Array(n));
    this.keyInChunk = grow(this.keyInChunk, (n) => new Uint8Array(n));
  }

  private pushContainer(kind: number, offset: number): void {
    const d = this.depth + 1;
    if (d > this.limits.maxDepth) {
      this.fail('SLUICE_ERR_JSON_DEPTH', `nesting deeper than ${this.limits.maxDepth} at offset ${offset}`, offset);
    }
    if (d + 1 >= this.kinds.length) this.growStacks(Math.min(this.limits.maxDepth + 2, this.kinds.length * 4));
    this.depth = d;
    this.kinds[d] = kind;
    this.indexes[d] = 0;
    this.keyBegin[d] = 0;
    this.keyEnd[d] = 0;
    this.keyEscaped[d] = 0;
    this.keyInChunk[d] = 0;
  }

  /**
   * End of a chunk: stack the keys still on the path in the arena (copied out of the chunk, or moved
   * down over keys that left the path), then append the part read so far of a key still open.
   */
  private settleKeys(buf: Uint8Array, base: number, n: number, openKey: boolean): void {
    const top = openKey ? this.depth - 1 : this.depth;
    let pos = 0;
    for (let d = 1; d <= top; d++) {
      const b = this.keyBegin[d]!;
      const len = this.keyEnd[d]! - b;
      if (this.keyInChunk[d] === 1) {
        this.keyEnd[d] = pos; // appendKey writes at keyEnd
        this.appendKey(buf, b, b + len, d);
        this.keyInChunk[d] = 0;
      } else if (b !== pos) this.keyArena.copyWithin(pos, b, b + len);
      this.keyBegin[d] = pos;
      this.keyEnd[d] = pos += len;
    }
    if (openKey) {
      const d = this.depth;
      const start = this.strStart;
      if (start >= base) {
        // Began in this chunk: its bytes so far go on top of the stack.
        this.keyBegin[d] = pos;
        this.keyEnd[d] = pos;
        this.keyInChunk[d] = 0;
        this.appendKey(buf, start - base, n, d);
      } else this.appendKey(buf, 0, n, d); // earlier part already on top of the stack
    }
    this.chunk = EMPTY_CHUNK;
  }

  /**
   * Run the loop over long strings in the addon when `on` and it loads (the native scanner engine's tokenizers):
   * the same tokens and errors, the bytes of a long string examined 16 at a time.
   *
   * @example
   * tok.useNative(scanner.engine === 'native');
   */
  useNative(on: boolean): void {
    this.stringStop = on ? nativeStrings().stringStop : null;
  }

  /**
   * Tokenize the next chunk. Throws a SluiceError on malformed input or a broken limit.
   *
   * @example
   * tok.write(new TextEncoder().encode('[1, 2'));
   */
  write(buf: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.state === S_DONE) throw new SluiceError('SLUICE_ERR_INTERNAL', 'write after end');
    const n = buf.length;
    const base = this.base;
    if (base + n > this.limits.maxBytes) {
      this.fail('SLUICE_ERR_BODY_TOO_LARGE', `more than ${this.limits.maxBytes} bytes`, this.limits.maxBytes);
    }
    const visitor = this.visitor;
    const maxToken = this.limits.maxTokenBytes;
    this.chunk = buf;
    let state = this.state;
    let i = 0;
    let c = 0;
    let bytes: Buffer | null = null;
    let words: Int32Array | null = null;
    let wordsFrom = 0;
    let nextQuote = -1; // cached: the next quote is searched once, not once per escape
    let view: DataView | null = null;
    const stringStop = this.stringStop;
    while (i < n) {
      if (state === S_STRING) {
        // Hot loop: a short byte loop, then (long strings) memchr for the quote (cached) and a
        // 4-bytes-at-a-time scan for a backslash or control byte up to it ("hybrid" design).
        // Two-byte escapes (\n, \", …) are stepped over in place; \u goes through the escape states.
        for (;;) {
          if (nextQuote < i) {
            const lim = i + 16 < n ? i + 16 : n;
            if (i + 4 <= lim) {
              // 4 bytes at a time (unaligned little-endian reads): any control byte, quote or backslash?
              if (view === null) view = new DataView(buf.buffer, buf.byteOffset, n);
              do {
                const x = view.getInt32(i, true);
                const q = x ^ 0x22222222;
                const b = x ^ 0x5c5c5c5c;
                if ((((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080) break;
                i += 4;
              } while (i + 4 <= lim);
            }
            while (i < lim && STRING_STOP[(c = buf[i]!)] === 0) i++;
            if (i < lim || i === n) break;
            if (bytes === null) bytes = asBuffer(buf);
            nextQuote = bytes.indexOf(0x22, i);
            if (nextQuote === -1) nextQuote = n;
          }
          if (stringStop !== null && (nextQuote - i >= NATIVE_STRING_MIN || (i - (this.strStart - base) >= NATIVE_STRING_SPAN && n - i >= 2 * NATIVE_STRING_SPAN))) {
            // the loop below in C++: where it stops (stop * 2 + 1 when it stepped over an escape)
            const r = stringStop(buf, i, n);
            i = Math.floor(r / 2);
            if (r - 2 * i === 1) this.strEscaped = true;
            if (i < n) c = buf[i]!;
            break;
          }
          if (words === null) {
            wordsFrom = (4 - (buf.byteOffset & 3)) & 3;
            words = new Int32Array(buf.buffer, buf.byteOffset + wordsFrom, n > wordsFrom ? (n - wordsFrom) >> 2 : 0);
          }
          i = findSpecial(buf, words, wordsFrom, i, nextQuote);
          if (i === n) break;
          c = buf[i]!;
          if (c !== 0x5c || i + 1 === n) break;
          const e = buf[i + 1]!;
          if (e === 0x75 || ESCAPE_OK[e] === 0) break;
          this.strEscaped = true;
          i += 2;
          if (i === n) break;
        }
        if (i === n) break;
        if (c === 0x22) {
          const start = this.strStart;
          const end = base + i;
          if (end - start > maxToken) this.fail('SLUICE_ERR_JSON_TOKEN_SIZE', `string longer than ${maxToken} bytes`, start);
          i++;
          if (this.strIsKey) {
            const d = this.depth;
            if (start >= base) {
              // Read within this chunk: point at it (copied only if still on the path when the chunk ends).
              this.keyBegin[d] = start - base;
              this.keyEnd[d] = end - base;
              this.keyInChunk[d] = 1;
            } else this.appendKey(buf, 0, end - base, d);
            this.keyEscaped[d] = this.strEscaped ? 1 : 0;
            state = S_COLON;
            visitor.string(start, end, true, this.strEscaped);
            // Compact JSON: ':' and a string value's quote right after the key (the same transitions as
            // the states below, without a trip round the loop per byte).
            if (i < n && buf[i] === 0x3a) {
              state = S_VALUE;
              i++;
              if (i < n && buf[i] === 0x22) {
                this.strStart = base + i + 1;
                this.strIsKey = false;
                this.strEscaped = false;
                this.sawValue = true;
                state = S_STRING;
                i++;
              }
            }
          } else {
            state = S_AFTER;
            visitor.string(start, end, false, this.strEscaped);
            // Compact JSON: ',' and the next key's quote right after a member's string value.
            if (i + 1 < n && buf[i] === 0x2c && buf[i + 1] === 0x22 && this.depth > 0 && this.kinds[this.depth] === KIND_OBJECT) {
              this.strStart = base + i + 2;
              this.strIsKey = true;
              this.strEscaped = false;
              state = S_STRING;
              i += 2;
            }
          }
          continue;
        }
        if (c === 0x5c) {
          this.strEscaped = true;
          state = S_ESC;
          i++;
          continue;
        }
        this.state = state;
        this.syntax(c, base + i);
      }
      c = buf[i]!;
      switch (state) {
        case S_AFTER:
          if (c === 0x2c) {
            if (this.depth === 0) break;
            if (this.kinds[this.depth] === KIND_ARRAY) {
              this.indexes[this.depth]!++;
              state = S_VALUE;
            } else if (i + 1 < n && buf[i + 1] === 0x22) {
              // Compact JSON: the next key's quote right after the ',' (as S_KEY would read it).
              this.strStart = base + i + 2;
              this.strIsKey = true;
              this.strEscaped = false;
              state = S_STRING;
              i += 2;
              continue;
            } else state = S_KEY;
            i++;
            continue;
          }
          if (c === 0x7d || c === 0x5d) {
            const kind = c === 0x5d ? KIND_ARRAY : KIND_OBJECT;
            if (this.depth === 0 || this.kinds[this.depth] !== kind) break;
            this.depth--;
            this.state = S_AFTER;
            visitor.close(base + i, kind === KIND_ARRAY);
            state = S_AFTER;
            i++;
            continue;
          }
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            i++;
            continue;
          }
          break;
        case S_VALUE:
        case S_ARRAY_FIRST:
          if (c === 0x22) {
            this.strStart = base + i + 1;
            this.strIsKey = false;
            this.strEscaped = false;
            this.sawValue = true;
            state = S_STRING;
            i++;
            continue;
          }
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            i++;
            continue;
          }
          if (c === 0x7b || c === 0x5b) {
            this.sawValue = true;
            this.state = state;
            visitor.open(base + i, c === 0x5b);
            this.pushContainer(c === 0x5b ? KIND_ARRAY : KIND_OBJECT, base + i);
            state = c === 0x5b ? S_ARRAY_FIRST : S_OBJ_FIRST;
            i++;
            if (c === 0x7b && i < n && buf[i] === 0x22) {
              // Compact JSON: the first key's quote right after '{' (as S_OBJ_FIRST would read it).
              this.strStart = base + i + 1;
              this.strIsKey = true;
              this.strEscaped = false;
              state = S_STRING;
              i++;
            }
            continue;
          }
          if (c === 0x5d && state === S_ARRAY_FIRST) {
            this.depth--;
            visitor.close(base + i, true);
            state = S_AFTER;
            i++;
            continue;
          }
          if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
            this.sawValue = true;
            this.tokStart = base + i;
            state = c === 0x2d ? S_N_MINUS : c === 0x30 ? S_N_ZERO : S_N_INT;
            i++;
            continue;
          }
          if (c === 0x74 || c === 0x66 || c === 0x6e) {
            this.sawValue = true;
            this.tokStart = base + i;
            this.literal = c === 0x74 ? LIT_TRUE : c === 0x66 ? LIT_FALSE : LIT_NULL;
            this.litKind = c === 0x74 ? PRIM_TRUE : c === 0x66 ? PRIM_FALSE : PRIM_NULL;
            this.litPos = 1;
            state = S_LITERAL;
            i++;
            continue;
          }
          break;
        case S_OBJ_FIRST:
        case S_KEY:
          if (c === 0x22) {
            this.strStart = base + i + 1;
            this.strIsKey = true;
            this.strEscaped = false;
            state = S_STRING;
            i++;
            continue;
          }
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            i++;
            continue;
          }
          if (c === 0x7d && state === S_OBJ_FIRST) {
            this.depth--;
            visitor.close(base + i, false);
            state = S_AFTER;
            i++;
            continue;
          }
          break;
        case S_COLON:
          if (c === 0x3a) {
            state = S_VALUE;
            i++;
            continue;
          }
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            i++;
            continue;
          }
          break;
        case S_ESC:
          if (ESCAPE_OK[c] === 0) break;
          state = c === 0x75 ? S_U1 : S_STRING;
          i++;
          continue;
        case S_U1:
        case S_U1 + 1:
        case S_U1 + 2:
        case S_U4:
          if (HEX[c] === 0) break;
          state = state === S_U4 ? S_STRING : state + 1;
          i++;
          continue;
        case S_N_MINUS:
          if (c === 0x30) state = S_N_ZERO;
          else if (c >= 0x31 && c <= 0x39) state = S_N_INT;
          else break;
          i++;
          continue;
        case S_N_ZERO:
        case S_N_INT:
        case S_N_FRAC:
        case S_N_EXP:
          if (c >= 0x30 && c <= 0x39 && state !== S_N_ZERO) {
            i++;
            while (i < n && (c = buf[i]!) >= 0x30 && c <= 0x39) i++;
            continue;
          }
          if (c === 0x2e && state <= S_N_INT) {
            state = S_N_DOT;
            i++;
            continue;
          }
          if ((c === 0x65 || c === 0x45) && state <= S_N_FRAC) {
            state = S_N_E;
            i++;
            continue;
          }
          // The number ends here; this byte is re-read in S_AFTER.
          if (base + i - this.tokStart > maxToken) this.fail('SLUICE_ERR_JSON_TOKEN_SIZE', `number longer than ${maxToken} bytes`, this.tokStart);
          this.state = S_AFTER;
          visitor.primitive(this.tokStart, base + i, PRIM_NUMBER);
          state = S_AFTER;
          continue;
        case S_N_DOT:
          if (c < 0x30 || c > 0x39) break;
          state = S_N_FRAC;
          i++;
          continue;
        case S_N_E:
          if (c === 0x2b || c === 0x2d) state = S_N_ESIGN;
          else if (c >= 0x30 && c <= 0x39) state = S_N_EXP;
          else break;
          i++;
          continue;
        case S_N_ESIGN:
          if (c < 0x30 || c > 0x39) break;
          state = S_N_EXP;
          i++;
          continue;
        case S_LITERAL: {
          const lit = this.literal;
          if (c !== lit[this.litPos]) break;
          i++;
          if (++this.litPos === lit.length) {
            this.state = S_AFTER;
            visitor.primitive(this.tokStart, base + i, this.litKind);
            state = S_AFTER;
          }
          continue;
        }
        default:
          break;
      }
      // Every `break` above lands here: the byte is not allowed in this state.
      this.state = state;
      this.syntax(c, base + i);
    }
    // Chunk consumed: save partial tokens.
    const inString = state === S_STRING || state === S_ESC || (state >= S_U1 && state <= S_U4);
    if (inString) {
      const start = this.strStart;
      if (base + n - start > maxToken) this.fail('SLUICE_ERR_JSON_TOKEN_SIZE', `string longer than ${maxToken} bytes`, start);
    } else if (state >= S_N_MINUS && state <= S_N_EXP) {
      if (base + n - this.tokStart > maxToken) this.fail('SLUICE_ERR_JSON_TOKEN_SIZE', `number longer than ${maxToken} bytes`, this.tokStart);
    }
    this.settleKeys(buf, base, n, inString && this.strIsKey);
    this.state = state;
    this.base = base + n;
  }

  /**
   * Finish: throws SLUICE_ERR_JSON_SYNTAX (offset = end of input) unless exactly one complete value was read.
   *
   * @example
   * tok.end();
   */
  end(): void {
    if (this.failure) throw this.failure;
    const state = this.state;
    if (state === S_DONE) return;
    if ((state === S_N_ZERO || state === S_N_INT || state === S_N_FRAC || state === S_N_EXP) && this.depth === 0) {
      this.state = S_AFTER;
      this.visitor.primitive(this.tokStart, this.base, PRIM_NUMBER);
    } else if (state !== S_AFTER || this.depth !== 0 || !this.sawValue) {
      this.syntax(-1, this.base);
    }
    this.state = S_DONE;
    this.releaseStacks(); // depth is 0: nothing reads them any more
  }
}

/** Path stacks of a tokenizer (see JsonTokenizer). */
interface Stacks {
  kinds: Uint8Array;
  indexes: Int32Array;
  keyBegin: Int32Array;
  keyEnd: Int32Array;
  keyEscaped: Uint8Array;
  keyInChunk: Uint8Array;
  keyArena: Buffer;
}

/** Stacks released by ended tokenizers (JS is single-threaded: a tokenizer never shares them). */
const SPARE_STACKS: Stacks[] = [];
/** What an ended tokenizer holds instead: depth-1 stacks, so late reads of key/pointer stay empty. */
const EMPTY_STACKS: Stacks = {
  kinds: new Uint8Array(1), indexes: new Int32Array(1), keyBegin: new Int32Array(1), keyEnd: new Int32Array(1),
  keyEscaped: new Uint8Array(1), keyInChunk: new Uint8Array(1), keyArena: Buffer.alloc(0),
};

/** A visitor that ignores everything (tokenize-only validation). */
export const NOOP_VISITOR: JsonVisitor = {
  string() {},
  primitive() {},
  open() {},
  close() {},
};
