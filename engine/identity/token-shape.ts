/** @module identity/token-shape — cheap structural checks on a compact JWS before any key lookup or crypto. */
import type { JWSHeaderParameters } from 'jose';
import type { IdentityReason } from './types.js';

/** Header parameters that would let the token name its own key or trust anchor. */
const EMBEDDED_KEY_HEADERS = ['jku', 'x5u', 'x5c', 'jwk'] as const;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_KID_LENGTH = 256;

/** The outcome of the structural check: the parsed header, or a reason. */
export type ShapeCheck =
  | { header: JWSHeaderParameters & { alg: string }; reason?: undefined }
  | { header?: undefined; reason: IdentityReason };

/** What the shape check needs to know. */
export interface ShapeRules {
  maxTokenBytes: number;
  algorithms: ReadonlySet<string>;
  /** Required `typ`, compared case-insensitively without an `application/` prefix. */
  typ?: string;
}

function isBase64UrlSegment(segment: string): boolean {
  return BASE64URL.test(segment) && segment.length % 4 !== 1;
}

function decodeHeader(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Check a compact JWS: size, exactly three base64url segments, a JSON-object header with an
 * allowed `alg`, no embedded-key or `crit` headers, a string `kid`, and a non-empty signature.
 * Order matters: the reason names the first problem a careful reader would see.
 *
 * @example
 * const shape = checkTokenShape(token, { maxTokenBytes: 8192, algorithms: new Set(['RS256']) });
 * if (shape.reason) return rejected('jwt', shape.reason);
 */
export function checkTokenShape(token: string, rules: ShapeRules): ShapeCheck {
  if (token.length > rules.maxTokenBytes) return { reason: 'too_large' };
  const segments = token.split('.');
  if (segments.length !== 3) return { reason: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = segments as [string, string, string];
  if (headerPart === '' || payloadPart === '' || !segments.every(isBase64UrlSegment)) return { reason: 'malformed' };
  const header = decodeHeader(headerPart);
  if (header === null || typeof header.alg !== 'string') return { reason: 'malformed' };
  if (!rules.algorithms.has(header.alg)) return { reason: 'alg_not_allowed' };
  if (EMBEDDED_KEY_HEADERS.some((name) => Object.hasOwn(header, name))) return { reason: 'embedded_key' };
  if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) return { reason: 'crit_unsupported' };
  if (Object.hasOwn(header, 'kid') && (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > MAX_KID_LENGTH)) {
    return { reason: 'malformed' };
  }
  if (rules.typ !== undefined && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(rules.typ))) {
    return { reason: 'bad_typ' };
  }
  if (signaturePart === '') return { reason: 'bad_signature' };
  return { header: header as JWSHeaderParameters & { alg: string } };
}
