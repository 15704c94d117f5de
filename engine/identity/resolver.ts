/** @module identity/resolver — createIdentityResolver: request headers → the Identity the policy sees. */
import { createApiKeyVerifier, type ApiKeyVerifier } from './api-keys.js';
import { findCredential } from './headers.js';
import { createJwtVerifier, type JwtVerifier } from './jwt.js';
import { normalizeOptions } from './options.js';
import { SluiceError } from '../errors.js';
import type { RemoteJwksStats } from './jwks-cache.js';
import type { VerifiedCacheStats } from './verified-cache.js';
import { ANONYMOUS, rejected, type HeadersInput, type Identity, type IdentityResolver, type IdentityResolverOptions } from './types.js';

/** The resolver plus diagnostics (JWKS fetch counters when a remote JWKS is configured). */
export interface SluiceIdentityResolver extends IdentityResolver {
  /** Counters of the remote JWKS cache, or null with local keys / no JWT. */
  jwksStats(): Readonly<RemoteJwksStats> | null;
  /** Counters of the verified-token cache, or null without JWT. */
  verifiedStats(): Readonly<VerifiedCacheStats> | null;
}

/**
 * Build an identity resolver. Options are validated here (SLUICE_ERR_INVALID_OPTIONS); `resolve`
 * never throws on a bad credential: it answers `{ authenticated: false, reason }` and the policy decides.
 *
 * @example
 * const identity = createIdentityResolver({
 *   jwt: { issuer: 'https://idp.example', audience: 'sluice', jwksUri: 'https://idp.example/jwks', algorithms: ['RS256'] },
 *   apiKeys: [{ id: 'ci', hash: 'sha256:…', sub: 'svc-ci', groups: ['ci'] }],
 * });
 * const who = await identity.resolve(req.headersDistinct);
 */
export function createIdentityResolver(options: IdentityResolverOptions): SluiceIdentityResolver {
  const config = normalizeOptions(options);
  const jwt: JwtVerifier | null = config.jwt ? createJwtVerifier(config) : null;
  const apiKeys: ApiKeyVerifier | null = config.apiKeys ? createApiKeyVerifier(config.apiKeys) : null;

  async function resolve(headers: HeadersInput): Promise<Identity> {
    const credential = findCredential(headers, config.authorizationHeader, config.apiKeyHeader);
    switch (credential.kind) {
      case 'none':
        return ANONYMOUS;
      case 'invalid':
        return rejected(credential.method, credential.reason);
      case 'bearer':
        return jwt ? jwt.verify(credential.value) : rejected('jwt', 'unsupported_credentials');
      case 'api-key':
        return apiKeys ? apiKeys.verify(credential.value) : rejected('api-key', 'unsupported_credentials');
    }
  }

  return {
    async resolve(headers) {
      try {
        return await resolve(headers);
      } catch {
        return rejected('none', 'internal');
      }
    },
    jwksStats: () => (jwt?.remote ? { ...jwt.remote.stats } : null),
    verifiedStats: () => (jwt ? { ...jwt.verified.stats } : null),
  };
}

/**
 * For adapters that answer on their own before the policy runs: the coded error an unauthenticated
 * identity maps to (`SLUICE_ERR_JWKS_UNAVAILABLE` → 503, any other reason `SLUICE_ERR_TOKEN_INVALID` → 401),
 * or null when authenticated. The reason is in `details.reason`; the token never is.
 *
 * @example
 * const err = identityError(await identity.resolve(req.headersDistinct));
 * if (err) return reply.code(err.status).send(err.toJSON());
 */
export function identityError(identity: Identity): SluiceError | null {
  if (identity.authenticated) return null;
  const reason = identity.reason ?? 'missing';
  const code = reason === 'jwks_unavailable' ? 'SLUICE_ERR_JWKS_UNAVAILABLE' : 'SLUICE_ERR_TOKEN_INVALID';
  return new SluiceError(code, reason, { details: { reason, method: identity.method } });
}
