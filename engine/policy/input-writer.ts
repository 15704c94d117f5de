/** @module policy/input-writer — writes the pruned input's JSON as UTF-8 bytes straight from the input object. */
import type { InputShape } from './input-shape.js';

/**
 * Writes `JSON.stringify(createInputSlimmer(shape)(input))` as UTF-8 into `writer.bytes` from `writer.start`
 * without building the pruned object or the JSON string; returns the byte length, or -1 when the input holds something only
 * JSON.stringify itself handles exactly (toJSON, BigInt): the caller then serializes the pruned input.
 */
export type InputWriteFunction = (input: unknown, writer: JsonBytesWriter) => number;

/** The byte buffer and primitives the generated writers use. */
export class JsonBytesWriter {
  bytes: Buffer = Buffer.allocUnsafe(4096);
  /** Where the JSON starts in `bytes`. */
  start = 0;
  pos = 0;
  failed = false;

  /**
   * Write the next JSON into `target` (e.g. wasm memory) from `start` on; should it not fit, it moves to a
   * buffer of its own (then `bytes !== target`).
   */
  into(target: Buffer, start: number): void {
    this.bytes = target;
    this.start = start;
  }

  /** Room for `count` more bytes. */
  room(count: number): void {
    if (this.pos + count <= this.bytes.length) return;
    const length = this.pos - this.start;
    const bigger = Buffer.allocUnsafe(Math.max(4096, length * 2, length + count));
    this.bytes.copy(bigger, 0, this.start, this.pos);
    this.bytes = bigger;
    this.start = 0;
    this.pos = length;
  }

  /** Constant ASCII text (keys and punctuation, escaped at generation time). */
  ascii(text: string): void {
    this.room(text.length);
    const bytes = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) bytes[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** A string value: printable ASCII copied as is, anything else through JSON.stringify's escaping. */
  string(text: string): void {
    const length = text.length;
    this.room(length + 2);
    const bytes = this.bytes;
    let pos = this.pos;
    bytes[pos++] = 34;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code < 32 || code > 126 || code === 34 || code === 92) return this.text(JSON.stringify(text));
      bytes[pos++] = code;
    }
    bytes[pos++] = 34;
    this.pos = pos;
  }

  /** JSON text from JSON.stringify. */
  text(json: string): void {
    this.room(json.length * 3);
    this.pos += this.bytes.write(json, this.pos, 'utf8');
  }

  /** A value written as JSON.stringify writes it at a key or index (never undefined, a function or a symbol here). */
  whole(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        return this.ascii(Number.isFinite(value) ? String(value) : 'null');
      case 'boolean':
        return this.ascii(value ? 'true' : 'false');
      case 'object':
        if (value === null) return this.ascii('null');
        if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return void (this.failed = true);
        return this.text(JSON.stringify(value));
      default:
        this.failed = true; // bigint: JSON.stringify throws (or a BigInt toJSON decides)
    }
  }
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const SKIPPED = 'c === undefined || typeof c === "function" || typeof c === "symbol"';

/**
 * Helpers of the generated writers: each takes the write position and returns the next one; `w.bytes` is
 * re-read after any of them (they may move the JSON to a bigger buffer).
 */
function grow(w: JsonBytesWriter, pos: number, count: number): number {
  w.pos = pos;
  w.room(count);
  return w.pos;
}

/** A string value: printable ASCII copied as is, anything else through JSON.stringify's escaping. */
function writeString(text: string, w: JsonBytesWriter, pos: number): number {
  const length = text.length;
  if (pos + length + 2 > w.bytes.length) pos = grow(w, pos, length + 2);
  const bytes = w.bytes;
  const start = pos;
  bytes[pos++] = 34;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code > 126 || code === 34 || code === 92) {
      w.pos = start;
      w.text(JSON.stringify(text));
      return w.pos;
    }
    bytes[pos++] = code;
  }
  bytes[pos++] = 34;
  return pos;
}

/** Any value kept whole (strings, finite numbers, booleans and null inline; the rest through JsonBytesWriter.whole). */
function writeWhole(value: unknown, w: JsonBytesWriter, pos: number): number {
  if (typeof value === 'string') return writeString(value, w, pos);
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value)
    : typeof value === 'boolean' ? (value ? 'true' : 'false') : value === null ? 'null' : undefined;
  if (text === undefined) {
    w.pos = pos;
    w.whole(value);
    return w.pos;
  }
  if (pos + text.length > w.bytes.length) pos = grow(w, pos, text.length);
  const bytes = w.bytes;
  for (let i = 0; i < text.length; i++) bytes[pos++] = text.charCodeAt(i);
  return pos;
}

/** Statements storing the UTF-8 bytes of `text` at `b[p…]` and advancing `p` (room already made). */
function storeBytes(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return `${[...bytes].map((byte, i) => `b[p${i ? ` + ${i}` : ''}] = ${byte};`).join(' ')} p += ${bytes.length};`;
}

/**
 * Generate the writer for `shape`, mirroring createInputSlimmer's rules node by node: an object node keeps
 * its keys in the shape's order, an iterated array keeps every element, anything else is written whole.
 * Each node is one function over a local position and buffer; keys are stored as unrolled byte stores.
 *
 * @example
 * const write = compileInputWriter({ keys: { phase: true } });
 * const writer = new JsonBytesWriter();
 * writer.bytes.toString('utf8', writer.start, writer.start + write({ phase: 'request' }, writer)); // '{"phase":"request"}'
 */
export function compileInputWriter(shape: InputShape): InputWriteFunction {
  const functions: string[] = [];
  const head = (name: string): string =>
    `function ${name}(v, w, p) { if (typeof v !== "object" || v === null) return whole(v, w, p);` +
    ' if (typeof v.toJSON === "function") { w.failed = true; return p; }';
  /** Room for `count` bytes at p in b. */
  const room = (count: number): string => `if (p + ${count} > b.length) { p = grow(w, p, ${count}); b = w.bytes; }`;
  const call = (node: InputShape, value: string): string => (node === true ? 'whole' : emit(node)) + `(${value}, w, p)`;
  const emit = (node: Exclude<InputShape, true>): string => {
    const name = `n${functions.length}`;
    functions.push(''); // reserve the slot: children get higher numbers
    const index = functions.length - 1;
    if (node.items !== undefined) {
      functions[index] =
        `${head(name)} if (!isArray(v)) return whole(v, w, p); let b = w.bytes; ${room(1)} b[p++] = 91;` +
        ` for (let i = 0; i < v.length; i++) { ${room(5)} if (i) b[p++] = 44; const c = v[i];` +
        ` if (${SKIPPED}) { ${storeBytes('null')} continue; } p = ${call(node.items, 'c')}; b = w.bytes; }` +
        ` ${room(1)} b[p++] = 93; return p; }`;
      return name;
    }
    const fields = Object.entries(node.keys).map(([key, child]) => {
      const quoted = JSON.stringify(key);
      return `c = v[${quoted}]; if (!(${SKIPPED})) { ${room(Buffer.byteLength(quoted) + 2)}` +
        ` if (first) { ${storeBytes(`${quoted}:`)} first = false; } else { ${storeBytes(`,${quoted}:`)} }` +
        ` p = ${call(child, 'c')}; b = w.bytes; }`;
    });
    functions[index] =
      `${head(name)} if (isArray(v)) return whole(v, w, p); const pr = getPrototypeOf(v);` +
      ` if (pr !== objectProto && pr !== null) return whole(v, w, p); let b = w.bytes; ${room(1)}` +
      ` b[p++] = 123; let first = true; let c; ${fields.join(' ')} ${room(1)} b[p++] = 125; return p; }`;
    return name;
  };
  const root = shape === true ? 'whole' : emit(shape);
  const body =
    `"use strict"; ${functions.join('\n')}\n` +
    `return function write(input, w) { w.failed = false; const p = ${root}(input, w, w.start); w.pos = p;` +
    ' return w.failed ? -1 : p - w.start; };';
  const factory = new Function('isArray', 'getPrototypeOf', 'objectProto', 'whole', 'grow', body);
  return factory(Array.isArray, Object.getPrototypeOf, Object.prototype, writeWhole, grow) as InputWriteFunction;
}
