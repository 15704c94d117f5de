/** @module audit/canonical — canonical JSON (RFC 8785 JCS style): sorted keys, no whitespace, ES number form. */
import { SluiceError } from '../errors.js';

/**
 * Serialize a JSON value canonically: object keys sorted by UTF-16 code units (JCS §3.2.3),
 * no insignificant whitespace, numbers in ECMAScript shortest form, strings escaped as
 * `JSON.stringify` does. `undefined` object members are skipped (as in JSON); non-finite
 * numbers, bigints, functions and symbols are rejected, so hashes never depend on lossy output.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null, 'x'] }); // '{"a":[true,null,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0);
  return out.join('');
}

const MAX_DEPTH = 256;

function write(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'canonical JSON nested too deep');
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'canonical JSON cannot hold a non-finite number');
      }
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object':
      if (Array.isArray(value)) writeArray(value, out, depth);
      else writeObject(value as Record<string, unknown>, out, depth);
      return;
    default:
      throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `canonical JSON cannot hold a ${typeof value}`);
  }
}

function writeArray(items: unknown[], out: string[], depth: number): void {
  out.push('[');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.push(',');
    const item = items[i];
    write(item === undefined ? null : item, out, depth + 1);
  }
  out.push(']');
}

function writeObject(object: Record<string, unknown>, out: string[], depth: number): void {
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    write((object as { toJSON: () => unknown }).toJSON(), out, depth + 1);
    return;
  }
  // Default sort compares UTF-16 code units, exactly what JCS prescribes.
  const keys = Object.keys(object).sort();
  out.push('{');
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(member, out, depth + 1);
  }
  out.push('}');
}
