/** @module identity/jwt — verifies one bearer JWT with jose and maps every failure to a stable reason code. */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { extractClaims, type ClaimLimits } from './claims.js';
import { RemoteJwks } from './jwks-cache.js';
import { createLocalKeySource, type KeySource } from './keys.js';
import type { NormalizedOptions } from './options.js';
import { checkTokenShape, type ShapeRules } from './token-shape.js';
import { rejected, type Identity, type IdentityReason } from './types.js';
import { VerifiedTokenCache } from './verified-cache.js';

/** Verifies a bearer token; `verify` never throws. */
export interface JwtVerifier {
  verify(token: string): Promise<Identity>;
  /** The remote JWKS cache when `jwksUri` is configured (tests and diagnostics read its stats). */
  readonly remote: RemoteJwks | null;
  /** Tokens already verified (skips the signature check while the token and its key stay valid). */
  readonly verified: VerifiedTokenCache;
}

/** A token whose signature and claims verified: its payload, the key, and its cache id. */
interface Verified { payload: JWTPayload; key: unknown; id: string }

const CLAIM_REASONS: Record<string, IdentityReason> = {
  iss: 'bad_issuer',
  aud: 'bad_audience',
  nbf: 'not_yet_valid',
  iat: 'issued_in_future',
  exp: 'expired',
  typ: 'bad_typ',
};

/** Map a jose error to a reason code; anything unexpected is `internal` (still fail closed). */
export function reasonForJoseError(err: unknown): IdentityReason {
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? 'too_old' : 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return err.claim === 'exp' ? 'missing_exp' : (CLAIM_REASONS[err.claim] ?? 'missing_claim');
    if (err.reason === 'invalid') return 'bad_claim';
    return CLAIM_REASONS[err.claim] ?? 'bad_claim';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'alg_not_allowed';
  if (err instanceof errors.JOSENotSupported) return 'crit_unsupported';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  return 'internal';
}

function createKeySource(jwt: NonNullable<NormalizedOptions['jwt']>, clock: () => number): KeySource {
  if (jwt.jwksUri !== undefined) {
    return new RemoteJwks({
      url: jwt.jwksUri,
      maxAgeMs: jwt.jwksCacheMaxAgeSec * 1000,
      cooldownMs: jwt.jwksCooldownSec * 1000,
      timeoutMs: jwt.jwksTimeoutMs,
      clock,
    });
  }
  return createLocalKeySource(jwt.keys ?? []);
}

/**
 * Build a verifier from normalized options. Order of checks: shape (size, segments, header, alg
 * allowlist, embedded keys, crit) → key selection (kid) → signature and claims (jose) → iat not in
 * the future → subject, groups and selected claims (bounded).
 *
 * @example
 * const verifier = createJwtVerifier(normalizeOptions({ jwt: { issuer, audience, keys: [pem], algorithms: ['RS256'] } }));
 * const identity = await verifier.verify(token);
 */
export function createJwtVerifier(options: NormalizedOptions): JwtVerifier {
  const jwt = options.jwt!;
  const { clock } = options;
  const limits: ClaimLimits = options.limits;
  const source = createKeySource(jwt, clock);
  const rules: ShapeRules = { maxTokenBytes: jwt.maxTokenBytes, algorithms: new Set(jwt.algorithms), typ: jwt.typ };

  const verified = new VerifiedTokenCache(jwt.verifiedCacheSize);

  /** Why not, a cached identity when this token was verified before, or the payload with what caching it needs. */
  async function verifyPayload(token: string): Promise<IdentityReason | { cached: Identity } | Verified> {
    const shape = checkTokenShape(token, rules);
    if (shape.reason) return shape.reason;
    const found = await source.lookup(shape.header);
    if (found.reason) return found.reason;
    const now = clock();
    const id = verified.idOf(token);
    const cached = verified.get(id, found.key, now);
    if (cached) return { cached };
    try {
      const { payload } = await jwtVerify(token, found.key, {
        algorithms: jwt.algorithms,
        issuer: jwt.issuer,
        audience: jwt.audience,
        clockTolerance: jwt.clockToleranceSec,
        requiredClaims: ['exp'],
        currentDate: new Date(now),
        ...(jwt.maxTokenAgeSec !== undefined ? { maxTokenAge: jwt.maxTokenAgeSec } : {}),
        ...(jwt.typ !== undefined ? { typ: jwt.typ } : {}),
      });
      if (typeof payload.iat === 'number' && payload.iat > Math.floor(now / 1000) + jwt.clockToleranceSec) {
        return 'issued_in_future';
      }
      return { payload, key: found.key, id };
    } catch (err) {
      return reasonForJoseError(err);
    }
  }

  return {
    remote: source instanceof RemoteJwks ? source : null,
    verified,
    async verify(token) {
      let outcome: IdentityReason | { cached: Identity } | Verified;
      try {
        outcome = await verifyPayload(token);
      } catch {
        outcome = 'internal';
      }
      if (typeof outcome === 'string') return rejected('jwt', outcome);
      if ('cached' in outcome) return outcome.cached;
      const { payload, key, id } = outcome;
      const extracted = extractClaims(payload, jwt, limits);
      if (extracted.reason) return rejected('jwt', extracted.reason);
      const identity: Identity = { authenticated: true, method: 'jwt', ...extracted };
      if (typeof payload.iss === 'string') identity.issuer = payload.iss;
      verified.set(id, key, payload, identity, { toleranceSec: jwt.clockToleranceSec, maxTokenAgeSec: jwt.maxTokenAgeSec });
      return identity;
    },
  };
}
