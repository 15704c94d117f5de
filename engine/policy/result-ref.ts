/** @module policy/result-ref — finds a result set's single value in wasm memory without dumping it to JSON. */
import { OPA_OBJECT, OPA_SET, OPA_STRING, OPA_STRING_INTERNED } from './result-value.js';

// OPA wasm values (wasm/src/value.h, wasm32) read here: the type tag byte, then 4-byte fields.

/** More buckets than a one-element set or object ever has: anything else is not what we expect. */
const MAX_BUCKETS = 64;
const RESULT = [...Buffer.from('result')];

/** A DataView over the last memory view read (a result is read through few views: one per memory growth). */
let lastView: Buffer | undefined;
let lastData: DataView = new DataView(new ArrayBuffer(0));

function dataViewOf(view: Buffer): DataView {
  if (view !== lastView) {
    lastView = view;
    lastData = new DataView(view.buffer, view.byteOffset, view.length);
  }
  return lastData;
}

/** The little-endian u32 at `at`, or 0 outside `[0, size)`. */
function u32(data: DataView, size: number, at: number): number {
  return at >= 0 && at + 4 <= size ? data.getUint32(at, true) : 0;
}

/** The first element of a hash table (set or object): buckets at +4, bucket count at +8, length at +12. */
function onlyElement(data: DataView, size: number, table: number): number {
  if (u32(data, size, table + 12) !== 1) return 0;
  const buckets = u32(data, size, table + 4);
  const count = u32(data, size, table + 8);
  if (count === 0 || count > MAX_BUCKETS) return 0;
  for (let i = 0; i < count; i++) {
    const element = u32(data, size, buckets + 4 * i);
    if (element !== 0) return element;
  }
  return 0;
}

/**
 * The address of `v` in a result set `{{"result": v}}`, else 0. Every step checks type tags, lengths, bounds
 * and the key's bytes, so an unexpected layout yields 0 (the caller then dumps the result set as JSON).
 *
 * @example
 * const value = resultValueAddress(view, resultSetAddr);
 */
export function resultValueAddress(view: Buffer, resultSet: number): number {
  const size = view.length;
  if (resultSet <= 0 || resultSet >= size || view[resultSet] !== OPA_SET) return 0;
  const data = dataViewOf(view);
  const setElement = onlyElement(data, size, resultSet);
  const object = u32(data, size, setElement); // opa_set_elem_t { v, next }
  if (object <= 0 || object >= size || view[object] !== OPA_OBJECT) return 0;
  const entry = onlyElement(data, size, object); // opa_object_elem_t { k, v, next }
  const key = u32(data, size, entry);
  const value = u32(data, size, entry + 4);
  if (key <= 0 || key >= size || (view[key] !== OPA_STRING && view[key] !== OPA_STRING_INTERNED)) return 0;
  const length = u32(data, size, key + 4); // opa_string_t { hdr, free, len, v }
  const bytes = u32(data, size, key + 8);
  if (length !== RESULT.length || bytes + length > size) return 0;
  for (let i = 0; i < length; i++) if (view[bytes + i] !== RESULT[i]) return 0; // shorter than a compare() call
  return value > 0 && value < size ? value : 0;
}
