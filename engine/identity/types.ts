/** @module identity/types — the Identity handed to the policy, reason codes and resolver options. */
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Stable reason codes for an unauthenticated identity. They never change meaning once released.
 * - `missing`: no credentials at all.
 * - `malformed`: not a well-formed credential (segments, base64url, JSON, whitespace, bad `kid`).
 * - `too_large`: the token or API key exceeds its size cap.
 * - `duplicate_header`: the credential header was sent more than once.
 * - `ambiguous_credentials`: both a bearer token and an API key were sent.
 * - `unsupported_scheme`: an Authorization scheme other than `Bearer`.
 * - `unsupported_credentials`: a credential kind this resolver is not configured for.
 * - `alg_not_allowed`: `alg` is `none`, symmetric, or outside the allowlist.
 * - `embedded_key`: `jku`, `x5u`, `x5c` or `jwk` header present (keys are never taken from the token).
 * - `crit_unsupported`: a `crit` header (no extension is understood).
 * - `bad_typ`: the `typ` header does not match the configured one.
 * - `unknown_kid` / `duplicate_kid` / `ambiguous_key`: key selection failed.
 * - `bad_signature`: the signature does not verify (wrong key, tampered, truncated, empty).
 * - `expired`, `not_yet_valid`, `issued_in_future`, `too_old`, `missing_exp`, `missing_claim`,
 *   `bad_claim`, `bad_issuer`, `bad_audience`, `missing_subject`, `claims_too_large`: claim checks.
 * - `jwks_unavailable`: the JWKS could not be fetched and no fresh cached copy exists (fail closed).
 * - `unknown_api_key`: the API key matches no stored hash.
 * - `internal`: an unexpected failure while verifying (fail closed).
 */
export const IDENTITY_REASONS = [
  'missing',
  'malformed',
  'too_large',
  'duplicate_header',
  'ambiguous_credentials',
  'unsupported_scheme',
  'unsupported_credentials',
  'alg_not_allowed',
  'embedded_key',
  'crit_unsupported',
  'bad_typ',
  'unknown_kid',
  'duplicate_kid',
  'ambiguous_key',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'issued_in_future',
  'too_old',
  'missing_exp',
  'missing_claim',
  'bad_claim',
  'bad_issuer',
  'bad_audience',
  'missing_subject',
  'claims_too_large',
  'jwks_unavailable',
  'unknown_api_key',
  'internal',
] as const;

/** One stable reason code, see {@link IDENTITY_REASONS}. */
export type IdentityReason = (typeof IDENTITY_REASONS)[number];

/** How the caller proved who they are. */
export type IdentityMethod = 'jwt' | 'api-key' | 'none';

/** Who is calling, as handed to the policy (`input.identity`). */
export interface Identity {
  authenticated: boolean;
  method: IdentityMethod;
  sub: string | null;
  groups: string[];
  /** Only the configured claims (JWT) or `{ key_id }` (API key); bounded in size. */
  claims: Record<string, unknown>;
  /** Why the caller is not authenticated (absent when authenticated). */
  reason?: IdentityReason;
  /** The verified `iss` claim (JWT only). */
  issuer?: string;
}

/** Resolves request headers to an Identity; never throws on a bad credential. */
export interface IdentityResolver {
  resolve(headers: HeadersInput): Promise<Identity>;
}

/** Request headers as Node gives them (`req.headers` or better `req.headersDistinct`), or a fetch `Headers`. */
export type HeadersInput = Record<string, string | string[] | undefined> | Headers;

/** A verification key: a public JWK, a Node KeyObject, or a PEM string (SPKI, PKCS#1 or a certificate). */
export type VerificationKey = JWK | KeyObject | string;

/** Asymmetric JWS algorithms a resolver may allow (symmetric HS* is refused to rule out key confusion). */
export const ALLOWED_JWS_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
] as const;

/** OIDC / JWT bearer-token options. */
export interface JwtOptions {
  issuer: string | string[];
  audience: string | string[];
  /** Remote JWKS (https, or http on a loopback host). Exactly one of `jwksUri` / `keys`. */
  jwksUri?: string;
  /** Local verification keys. Duplicate `kid`s are refused. */
  keys?: VerificationKey[];
  /** Explicit allowlist, required; only asymmetric algorithms. */
  algorithms: string[];
  clockToleranceSec?: number;
  maxTokenAgeSec?: number;
  /** Claim holding the groups; an exact top-level name first, else a dot path. Default `groups`. */
  groupsClaim?: string;
  /** Claim holding the subject. Default `sub`. */
  subjectClaim?: string;
  /** Claims copied into `identity.claims` (same lookup as groupsClaim). Default none. */
  claims?: string[];
  /** Required `typ` header, e.g. `at+jwt` (RFC 9068). Default: not checked. */
  typ?: string;
  jwksCacheMaxAgeSec?: number;
  jwksCooldownSec?: number;
  jwksTimeoutMs?: number;
  /** Cap on the raw token length in bytes. Default 8192. */
  maxTokenBytes?: number;
  /**
   * Verified tokens remembered (by SHA-256, never raw) so a repeated token skips the signature check while its
   * exp/nbf/maxTokenAge window holds and the key source still selects the same key. Default 1000; 0 turns it off.
   */
  verifiedCacheSize?: number;
}

/** One service-account API key, stored hashed: `hash` is `sha256:<64 hex>` (see hashApiKey). */
export interface ApiKeyEntry {
  id: string;
  hash: string;
  sub: string;
  groups: string[];
}

/** Options of createIdentityResolver. At least one of `jwt` / `apiKeys`. */
export interface IdentityResolverOptions {
  jwt?: JwtOptions;
  apiKeys?: ApiKeyEntry[];
  header?: {
    /** Header carrying `Bearer <jwt>`. Default `authorization`. */
    authorization?: string;
    /** Header carrying the API key. Default `x-api-key`. */
    apiKey?: string;
  };
  /** Bounds on what reaches the policy. Defaults: 4096 bytes of claims JSON, 256 groups of 256 chars. */
  limits?: { maxClaimsBytes?: number; maxGroups?: number; maxGroupLength?: number };
  /** Clock in epoch milliseconds (tests inject one). Default `Date.now`. */
  clock?: () => number;
}

/**
 * The identity of a caller who sent no credentials.
 *
 * @example
 * if (identity === ANONYMOUS) console.log('no credentials');
 */
export const ANONYMOUS: Readonly<Identity> = Object.freeze({
  authenticated: false,
  method: 'none',
  sub: null,
  groups: Object.freeze([]) as unknown as string[],
  claims: Object.freeze({}) as Record<string, unknown>,
  reason: 'missing',
} satisfies Identity);

/**
 * An unauthenticated identity with a reason code.
 *
 * @example
 * return rejected('jwt', 'expired');
 */
export function rejected(method: IdentityMethod, reason: IdentityReason): Identity {
  return { authenticated: false, method, sub: null, groups: [], claims: {}, reason };
}
