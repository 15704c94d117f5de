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

  reset(): void {
    this.pos = this.start;
    this.failed = false;
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

  /** Constant UTF-8 bytes (a key with its quotes and colon). */
  raw(constant: Uint8Array): void {
    this.room(constant.length);
    const bytes = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < constant.length; i++) bytes[pos++] = constant[i]!;
    this.pos = pos;
  }

  byte(code: number): void {
    this.room(1);
    this.bytes[this.pos++] = code;
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
 * Generate the writer for `shape`, mirroring createInputSlimmer's rules node by node: an object node keeps
 * its keys in the shape's order, an iterated array keeps every element, anything else is written whole.
 *
 * @example
 * const write = compileInputWriter({ keys: { phase: true } });
 * const writer = new JsonBytesWriter();
 * writer.bytes.toString('utf8', writer.start, writer.start + write({ phase: 'request' }, writer)); // '{"phase":"request"}'
 */
export function compileInputWriter(shape: InputShape): InputWriteFunction {
  const functions: string[] = [];
  const constants: Uint8Array[] = [];
  const constant = (text: string): string => `K[${constants.push(Buffer.from(text, 'utf8')) - 1}]`;
  const emit = (node: InputShape): string => {
    if (node === true) return 'w.whole(v);';
    const name = `n${functions.length}`;
    functions.push('');
    const index = functions.length - 1;
    const head =
      'if (typeof v !== "object" || v === null) return w.whole(v);' +
      ' if (typeof v.toJSON === "function") { w.failed = true; return; }';
    if (node.items !== undefined) {
      functions[index] =
        `function ${name}(v, w) { ${head} if (!isArray(v)) return w.whole(v); w.byte(91);` +
        ` for (let i = 0; i < v.length; i++) { if (i) w.byte(44); const c = v[i];` +
        ` if (${SKIPPED}) { w.ascii("null"); continue; } ${call(node.items, 'c')} } w.byte(93); }`;
      return name;
    }
    const fields = Object.entries(node.keys).map(([key, child]) => {
      const first = constant(`${JSON.stringify(key)}:`);
      const next = constant(`,${JSON.stringify(key)}:`);
      return `c = v[${JSON.stringify(key)}]; if (!(${SKIPPED})) { w.raw(first ? ${first} : ${next}); first = false; ${call(child, 'c')} }`;
    });
    functions[index] =
      `function ${name}(v, w) { ${head} if (isArray(v)) return w.whole(v); const p = getPrototypeOf(v);` +
      ` if (p !== objectProto && p !== null) return w.whole(v); w.byte(123); let first = true; let c;` +
      ` ${fields.join(' ')} w.byte(125); }`;
    return name;
  };
  const call = (node: InputShape, value: string): string =>
    node === true ? `if (typeof ${value} === "string") w.string(${value}); else w.whole(${value});` : `${emit(node)}(${value}, w);`;
  const root = emit(shape);
  const body =
    `"use strict"; ${functions.join('\n')}\n` +
    `return function write(input, w) { w.reset(); const v = input; ${root === 'w.whole(v);' ? root : `${root}(v, w);`} return w.failed ? -1 : w.pos - w.start; };`;
  const factory = new Function('isArray', 'getPrototypeOf', 'objectProto', 'K', body);
  return factory(Array.isArray, Object.getPrototypeOf, Object.prototype, constants) as InputWriteFunction;
}
