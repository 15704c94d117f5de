/** @module approval/hash — the hash binding a one-time approval to the exact request. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical.js';

export interface RequestHashInput {
  method: string;
  host: string;
  path: string;
  /** The MASKED body (bytes or text), or its SHA-256 hex digest as `bodyDigest`. */
  body?: Uint8Array | string | null;
  bodyDigest?: string;
  identity: { sub: string | null; method?: string | null };
}

/**
 * SHA-256 (hex) over canonical JSON of the method (upper-cased), host (lower-cased), path, the masked
 * body's digest and the caller's subject. Two requests differing in any of these get different hashes,
 * so approving one `DROP TABLE` never approves another.
 *
 * @example
 * const requestHash = approvalRequestHash({ method: 'POST', host: 'db.internal', path: '/sql', body: maskedBytes, identity });
 */
export function approvalRequestHash(input: RequestHashInput): string {
  const bodyDigest =
    input.bodyDigest ?? createHash('sha256').update(input.body ?? new Uint8Array(0)).digest('hex');
  const canonical = canonicalJson({
    v: 1,
    method: input.method.toUpperCase(),
    host: input.host.toLowerCase(),
    path: input.path,
    body: bodyDigest,
    sub: input.identity.sub ?? null,
    idMethod: input.identity.method ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
