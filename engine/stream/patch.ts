/** @module stream/patch — apply policy-requested JSON Patch (RFC 6902) operations to a JSON body with fast-json-patch. */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { SluiceError } from '../errors.js';

export type { Operation as JsonPatchOperation } from 'fast-json-patch';

/**
 * Apply `ops` to the JSON document in `body` and return the re-serialised bytes. No ops ⇒ the same
 * `body`. Any invalid operation or document ⇒ SLUICE_ERR_PATCH (nothing half-applied is returned).
 *
 * @example
 * applyPatch(Buffer.from('{"tools":[1,2]}'), [{ op: 'remove', path: '/tools/1' }]); // {"tools":[1]}
 */
export function applyPatch(body: Uint8Array, ops: readonly Operation[]): Uint8Array {
  if (!Array.isArray(ops)) throw new SluiceError('SLUICE_ERR_PATCH', 'ops must be an array');
  if (ops.length === 0) return body;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (cause) {
    throw new SluiceError('SLUICE_ERR_PATCH', 'the body is not JSON', { cause });
  }
  try {
    const error = fastJsonPatch.validate(ops as Operation[], doc);
    if (error) throw error;
    const result = fastJsonPatch.applyPatch(doc, ops as Operation[], true, false).newDocument;
    return Buffer.from(JSON.stringify(result));
  } catch (cause) {
    const e = cause as { name?: string; index?: number; message?: string };
    throw new SluiceError('SLUICE_ERR_PATCH', e.name ?? e.message ?? 'invalid operation', { cause, details: { index: e.index ?? null } });
  }
}
