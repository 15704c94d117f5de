/** @module identity/headers — finds exactly one credential in request headers, refusing duplicates and ambiguity. */
import type { HeadersInput, IdentityMethod, IdentityReason } from './types.js';

/** The credential found in the headers, or why none can be used. */
export type Credential =
  | { kind: 'bearer'; value: string }
  | { kind: 'api-key'; value: string }
  | { kind: 'none' }
  | { kind: 'invalid'; method: IdentityMethod; reason: IdentityReason };

type HeaderValues = { values: string[] } | { duplicate: true };

/** Every value of one header, case-insensitively, noticing repeats (arrays or differently-cased keys). */
function headerValues(headers: HeadersInput, name: string): HeaderValues {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    const value = headers.get(name);
    return { values: value === null ? [] : [value] };
  }
  const values: string[] = [];
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = (headers as Record<string, string | string[] | undefined>)[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) values.push(...value);
    else values.push(value);
  }
  return values.length > 1 ? { duplicate: true } : { values };
}

/**
 * Parse an Authorization value: scheme `Bearer` (any case), exactly one space, then a token with
 * no whitespace. Joined duplicates (`a, b`) and extra spaces are malformed.
 */
function parseAuthorization(value: string): Credential {
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    return value.trim() === '' ? { kind: 'none' } : { kind: 'invalid', method: 'jwt', reason: 'unsupported_scheme' };
  }
  const token = space === -1 ? '' : value.slice(space + 1);
  if (token === '') return { kind: 'invalid', method: 'jwt', reason: 'malformed' };
  if (/[\s,]/.test(token)) return { kind: 'invalid', method: 'jwt', reason: 'malformed' };
  return { kind: 'bearer', value: token };
}

/**
 * Find the single credential a request carries.
 *
 * Node keeps only the first `Authorization` in `req.headers` and drops repeats silently; pass
 * `req.headersDistinct` (or a `rawHeaders`-built record) so a repeated header is detected.
 *
 * @example
 * findCredential({ authorization: 'Bearer eyJ...' }, 'authorization', 'x-api-key'); // { kind: 'bearer', value: 'eyJ...' }
 */
export function findCredential(headers: HeadersInput, authorizationHeader: string, apiKeyHeader: string): Credential {
  if (headers === null || typeof headers !== 'object') return { kind: 'none' };
  const authorization = headerValues(headers, authorizationHeader);
  const apiKey = headerValues(headers, apiKeyHeader);
  if ('duplicate' in authorization) return { kind: 'invalid', method: 'jwt', reason: 'duplicate_header' };
  if ('duplicate' in apiKey) return { kind: 'invalid', method: 'api-key', reason: 'duplicate_header' };
  const bearer = authorization.values[0];
  const key = apiKey.values[0];
  const hasBearer = bearer !== undefined && bearer.trim() !== '';
  const hasKey = key !== undefined && key.trim() !== '';
  if (hasBearer && hasKey) return { kind: 'invalid', method: 'none', reason: 'ambiguous_credentials' };
  if (hasBearer) return parseAuthorization(bearer);
  if (hasKey) return { kind: 'api-key', value: key };
  return { kind: 'none' };
}
