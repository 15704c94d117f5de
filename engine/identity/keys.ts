/** @module identity/keys — local verification keys (JWK, KeyObject, PEM) as a jose key set, and key-selection errors. */
import { createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, errors, type CryptoKey, type JWK, type JWSHeaderParameters } from 'jose';
import { SluiceError } from '../errors.js';
import type { IdentityReason, VerificationKey } from './types.js';

/** What key selection yields: a key to verify with, or a reason the token is refused. */
export type KeyLookup = { key: CryptoKey; reason?: undefined } | { key?: undefined; reason: IdentityReason };

/** Selects the verification key for a token's protected header. */
export interface KeySource {
  lookup(header: JWSHeaderParameters): Promise<KeyLookup>;
}

/** A jose local key-set function (what createLocalJWKSet returns). */
export type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

const PUBLIC_MEMBERS_KEPT = ['kid', 'alg', 'use', 'key_ops'] as const;

function toKeyObject(input: VerificationKey, index: number): KeyObject {
  try {
    const key = toPublicKeyObject(input);
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (key.asymmetricKeyType?.startsWith('rsa') && (bits === undefined || bits < 2048)) {
      throw new TypeError('RSA keys must be at least 2048 bits');
    }
    return key;
  } catch (cause) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `identity: jwt.keys[${index}] is not a usable public key`, {
      cause,
      details: { index, problem: (cause as Error).message },
    });
  }
}

function toPublicKeyObject(input: VerificationKey): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type === 'secret') throw new TypeError('symmetric keys are not accepted');
    return input.type === 'private' ? createPublicKey(input) : input;
  }
  if (typeof input === 'string') return createPublicKey(input);
  if (input && typeof input === 'object') {
    if (input.kty === 'oct') throw new TypeError('symmetric (oct) keys are not accepted');
    return createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
  }
  throw new TypeError('expected a JWK, a KeyObject or a PEM string');
}

/**
 * Turn configured keys into public JWKs (private parts dropped), refusing symmetric keys and duplicate kids.
 *
 * @example
 * const jwks = toPublicJwks([pem, { kty: 'OKP', crv: 'Ed25519', x, kid: 'k1' }]);
 */
export function toPublicJwks(keys: readonly VerificationKey[]): JWK[] {
  const seen = new Set<string>();
  return keys.map((input, index) => {
    const jwk = toKeyObject(input, index).export({ format: 'jwk' }) as JWK;
    if (input && typeof input === 'object' && !(input instanceof KeyObject)) {
      for (const member of PUBLIC_MEMBERS_KEPT) if (input[member] !== undefined) (jwk as Record<string, unknown>)[member] = input[member];
    }
    if (jwk.kid !== undefined) {
      if (typeof jwk.kid !== 'string' || seen.has(jwk.kid)) {
        throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `identity: duplicate or invalid kid in jwt.keys[${index}]`, {
          details: { index, kid: String(jwk.kid) },
        });
      }
      seen.add(jwk.kid);
    }
    return jwk;
  });
}

/**
 * Look a header up in a jose local key set, mapping selection failures to reason codes.
 *
 * @example
 * const found = await selectKey(createLocalJWKSet({ keys }), { alg: 'ES256', kid: 'k1' });
 */
export async function selectKey(set: LocalKeySet, header: JWSHeaderParameters): Promise<KeyLookup> {
  try {
    return { key: await set(header) };
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return { reason: 'unknown_kid' };
    if (err instanceof errors.JWKSMultipleMatchingKeys) {
      return { reason: header.kid === undefined ? 'ambiguous_key' : 'duplicate_kid' };
    }
    if (err instanceof errors.JOSENotSupported) return { reason: 'alg_not_allowed' };
    if (err instanceof errors.JOSEError || err instanceof TypeError) return { reason: 'unknown_kid' };
    throw err;
  }
}

/**
 * A KeySource over fixed local keys.
 *
 * @example
 * const source = createLocalKeySource([publicKeyPem]);
 * const { key, reason } = await source.lookup({ alg: 'RS256' });
 */
export function createLocalKeySource(keys: readonly VerificationKey[]): KeySource {
  const set = createLocalJWKSet({ keys: toPublicJwks(keys) });
  return { lookup: (header) => selectKey(set, header) };
}
