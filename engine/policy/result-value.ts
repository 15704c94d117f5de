/** @module policy/result-value — reads a result value from wasm memory as JSON.parse(opa_json_dump(value)) would give it. */

import { latin1 } from '../scan/text.js';

// Value layouts of the OPA wasm runtime (wasm/src/value.h, wasm32): a one-byte type tag, then aligned fields.
const OPA_NULL = 1;
const OPA_BOOLEAN = 2;
const OPA_NUMBER = 3;
export const OPA_STRING = 4;
const OPA_ARRAY = 5;
export const OPA_OBJECT = 6;
export const OPA_SET = 7;
export const OPA_STRING_INTERNED = 8;
const OPA_BOOLEAN_INTERNED = 9;
const REPR_INT = 1;
const REPR_REF = 2;
/** A JSON number's text: what a number reference must hold to convert exactly as JSON.parse would. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Bounds that keep a corrupt or unexpected layout from running away: such a value is not read. */
const MAX_DEPTH = 64;
const MAX_VALUES = 4096;
const MAX_BUCKETS = 1 << 16;
/** Strings remembered by the address of their bytes: at most this many, of at most this length. */
const MAX_REMEMBERED = 1024;
const MAX_REMEMBERED_LENGTH = 64;

/** Thrown inside a read for anything not read exactly; read() then returns undefined. */
const UNREAD = new Error('not read');

/**
 * Converts an OPA value in one instance's linear memory to the JS value `JSON.parse` gives for its
 * `opa_json_dump` text: objects in OPA's iteration order (bucket by bucket, each chain in order), sets as
 * arrays, numbers and strings as dumped. Anything it cannot read exactly — a non-string object key, the key
 * `__proto__`, a number text that is not JSON or an integer beyond 2^53, an unknown type tag, an address
 * outside memory, a structure deeper than 64 or larger than 4096 values — makes `read` return undefined, and
 * the caller dumps the value as before. Short ASCII strings (object keys, data strings) are remembered by the
 * address of their bytes and reused only while those bytes still spell them.
 *
 * @example
 * const reader = new ResultValueReader();
 * const value = reader.read(instance.memoryView, address); // undefined: dump it instead
 */
export class ResultValueReader {
  private data: DataView = new DataView(new ArrayBuffer(0));
  private view: Buffer = Buffer.alloc(0);
  private size = 0;
  private readonly strings = new Map<number, string>();
  private budget = 0;

  /** The value at `address` of `view` (linear memory), or undefined when it is not read exactly. */
  read(view: Buffer, address: number): unknown {
    if (view !== this.view) {
      this.view = view;
      this.size = view.length;
      this.data = new DataView(view.buffer, view.byteOffset, view.length);
    }
    this.budget = MAX_VALUES;
    try {
      return this.value(address, 0);
    } catch (err) {
      if (err === UNREAD || err instanceof RangeError) return undefined; // RangeError: a read outside memory
      throw err;
    }
  }

  private u32(at: number): number {
    return this.data.getUint32(at, true);
  }

  private value(address: number, depth: number): unknown {
    if (--this.budget < 0 || depth > MAX_DEPTH || address <= 0) throw UNREAD;
    switch (this.data.getUint8(address)) {
      case OPA_NULL:
        return null;
      case OPA_BOOLEAN:
      case OPA_BOOLEAN_INTERNED:
        return this.data.getUint8(address + 1) !== 0; // opa_boolean_t { hdr, v }
      case OPA_NUMBER:
        return this.number(address);
      case OPA_STRING:
      case OPA_STRING_INTERNED:
        return this.string(address);
      case OPA_ARRAY: {
        const elems = this.u32(address + 4); // opa_array_t { hdr, elems, len, cap }, elems[i] = { i, v }
        const length = this.u32(address + 8);
        if (length > this.budget) throw UNREAD;
        const out: unknown[] = [];
        for (let i = 0; i < length; i++) out.push(this.value(this.u32(elems + 8 * i + 4), depth + 1));
        return out;
      }
      case OPA_SET: // opa_set_t { hdr, buckets, n, len }, elements { v, next }: dumped as an array
      case OPA_OBJECT: // opa_object_t { hdr, buckets, n, len }, elements { k, v, next }
        return this.table(address, depth);
      default:
        throw UNREAD;
    }
  }

  /** A set (as an array) or an object, its elements in OPA's iteration order. */
  private table(address: number, depth: number): unknown {
    const isSet = this.data.getUint8(address) === OPA_SET;
    const buckets = this.u32(address + 4);
    const count = this.u32(address + 8);
    let left = this.u32(address + 12);
    if (count > MAX_BUCKETS || left > this.budget) throw UNREAD;
    const array: unknown[] = [];
    const object: Record<string, unknown> = {};
    const next = isSet ? 4 : 8;
    for (let i = 0; i < count && left > 0; i++) {
      for (let element = this.u32(buckets + 4 * i); element !== 0; element = this.u32(element + next)) {
        if (--left < 0) throw UNREAD; // more elements than its length: not a table as expected
        if (isSet) {
          array.push(this.value(this.u32(element), depth + 1));
          continue;
        }
        const key = this.u32(element);
        const type = this.data.getUint8(key);
        if (type !== OPA_STRING && type !== OPA_STRING_INTERNED) throw UNREAD; // dumped as its JSON text
        const name = this.string(key);
        if (name === '__proto__') throw UNREAD; // JSON.parse makes it an own property; assignment would not
        object[name] = this.value(this.u32(element + 4), depth + 1);
      }
    }
    if (left !== 0) throw UNREAD;
    return isSet ? array : object;
  }

  /** opa_number_t { hdr, repr, union at +8 { long long i; ref { s, len, free } } }. */
  private number(address: number): number {
    const repr = this.data.getUint8(address + 1);
    if (repr === REPR_INT) {
      const low = this.u32(address + 8);
      const high = this.data.getInt32(address + 12, true);
      // Within ±2^53 (exact as a double); beyond, leave the rounding to JSON.parse of the dump.
      if (high < -0x200000 || high > 0x200000 || (high === 0x200000 && low !== 0)) throw UNREAD;
      return high * 0x100000000 + low;
    }
    if (repr !== REPR_REF) throw UNREAD;
    const start = this.u32(address + 8);
    const length = this.u32(address + 12);
    if (start + length > this.size) throw UNREAD;
    const text = latin1(this.view, start, start + length);
    if (!JSON_NUMBER.test(text)) throw UNREAD;
    return Number(text); // the string-to-double conversion JSON.parse uses
  }

  /** opa_string_t { hdr, free, len, v }: its UTF-8 bytes as the decoded dump text holds them. */
  private string(address: number): string {
    const length = this.u32(address + 4);
    const start = this.u32(address + 8);
    const end = start + length;
    const view = this.view;
    if (end > this.size) throw UNREAD;
    if (length > MAX_REMEMBERED_LENGTH) return view.toString('utf8', start, end);
    const known = this.strings.get(start);
    if (known !== undefined && known.length === length) {
      let i = 0;
      while (i < length && view[start + i] === known.charCodeAt(i)) i++;
      if (i === length) return known;
    }
    for (let i = start; i < end; i++) if (view[i]! >= 0x80) return view.toString('utf8', start, end); // U+FFFD as in the dump
    const text = latin1(view, start, end);
    if (this.strings.size >= MAX_REMEMBERED) this.strings.clear();
    this.strings.set(start, text);
    return text;
  }
}
