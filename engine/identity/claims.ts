/** @module identity/claims — reading subject, groups and selected claims out of a verified JWT payload, bounded. */
import type { IdentityReason } from './types.js';

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Read a claim: an exact top-level name wins (so `https://example.com/groups` works), otherwise a
 * dot path through plain objects (`realm_access.roles`). Only own properties are followed.
 *
 * @example
 * readClaim({ realm_access: { roles: ['admin'] } }, 'realm_access.roles'); // ['admin']
 */
export function readClaim(payload: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment)) return undefined;
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Bounds on what reaches the policy. */
export interface ClaimLimits {
  maxClaimsBytes: number;
  maxGroups: number;
  maxGroupLength: number;
}

/** Extracted subject, groups and claims, or a reason. */
export type ClaimsOutcome =
  | { sub: string; groups: string[]; claims: Record<string, unknown>; reason?: undefined }
  | { reason: IdentityReason };

/**
 * Groups from a claim value: an array of strings, or one space-separated string (as some IdPs send).
 * Anything else is `bad_claim` — a malformed groups claim must not silently become "no groups".
 *
 * @example
 * toGroups(['a', 'b'], limits); // ['a', 'b']
 */
export function toGroups(value: unknown, limits: ClaimLimits): string[] | IdentityReason {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(' ').filter((g) => g !== '') : value;
  if (!Array.isArray(list) || !list.every((g) => typeof g === 'string' && g !== '')) return 'bad_claim';
  if (list.length > limits.maxGroups || list.some((g: string) => g.length > limits.maxGroupLength)) return 'claims_too_large';
  return [...new Set(list as string[])];
}

/**
 * Pick subject, groups and the configured claims from a verified payload.
 *
 * @example
 * const out = extractClaims(payload, { subjectClaim: 'sub', groupsClaim: 'groups', claims: ['email'] }, limits);
 */
export function extractClaims(
  payload: Record<string, unknown>,
  config: { subjectClaim: string; groupsClaim: string; claims: readonly string[] },
  limits: ClaimLimits,
): ClaimsOutcome {
  const sub = readClaim(payload, config.subjectClaim);
  if (sub === undefined || sub === null || sub === '') return { reason: 'missing_subject' };
  if (typeof sub !== 'string' || sub.length > 1024) return { reason: 'bad_claim' };
  const groups = toGroups(readClaim(payload, config.groupsClaim), limits);
  if (typeof groups === 'string') return { reason: groups };
  const entries = config.claims.map((name) => [name, readClaim(payload, name)] as const);
  const claims: Record<string, unknown> = Object.fromEntries(entries.filter(([, value]) => value !== undefined));
  if (Buffer.byteLength(JSON.stringify(claims)) > limits.maxClaimsBytes) return { reason: 'claims_too_large' };
  return { sub, groups, claims };
}
