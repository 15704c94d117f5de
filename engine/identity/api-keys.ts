/** @module identity/api-keys — service-account API keys stored as SHA-256 digests, compared in constant time. */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SluiceError } from '../errors.js';
import { rejected, type ApiKeyEntry, type Identity } from './types.js';

/** Longest API key accepted on the wire (bytes). */
export const MAX_API_KEY_LENGTH = 512;
/** Visible ASCII only: no whitespace, no control characters, no commas from joined duplicate headers. */
const API_KEY_SYNTAX = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * The stored form of an API key: `sha256:<64 lowercase hex>`. Put this in `apiKeys[].hash`, never the key.
 *
 * @example
 * hashApiKey('sk_live_4f9c...'); // 'sha256:1c5f...'
 */
export function hashApiKey(plain: string): string {
  if (typeof plain !== 'string' || plain.length === 0 || plain.length > MAX_API_KEY_LENGTH || !API_KEY_SYNTAX.test(plain)) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'identity: an API key is 1-512 visible ASCII characters without commas');
  }
  return `sha256:${createHash('sha256').update(plain, 'utf8').digest('hex')}`;
}

/**
 * A fresh random API key (32 bytes, base64url, prefixed) and its stored hash.
 *
 * @example
 * const { key, hash } = generateApiKey(); // give `key` to the service, store `hash`
 */
export function generateApiKey(prefix = 'sk_sluice_'): { key: string; hash: string } {
  const key = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key) };
}

/** Matches a presented key against the stored digests. */
export interface ApiKeyVerifier {
  verify(presented: string): Identity;
}

/**
 * Build a verifier. The presented key is hashed, then compared with EVERY stored digest using
 * timingSafeEqual (no early exit), so timing reveals neither the key nor which entry matched.
 *
 * @example
 * const verifier = createApiKeyVerifier([{ id: 'ci', hash: hashApiKey(key), sub: 'svc-ci', groups: ['ci'] }]);
 * verifier.verify(key).authenticated; // true
 */
export function createApiKeyVerifier(entries: readonly ApiKeyEntry[]): ApiKeyVerifier {
  const stored = entries.map((entry) => ({
    digest: Buffer.from(entry.hash.slice('sha256:'.length), 'hex'),
    identity: Object.freeze({ id: entry.id, sub: entry.sub, groups: Object.freeze([...entry.groups]) }),
  }));
  return {
    verify(presented) {
      if (presented.length > MAX_API_KEY_LENGTH) return rejected('api-key', 'too_large');
      if (!API_KEY_SYNTAX.test(presented)) return rejected('api-key', 'malformed');
      // One-shot, as a 'binary' (latin1) string copied into a pooled Buffer: ~0.6 µs less than asking for a Buffer (a
      // fresh ArrayBuffer per call). The bytes are the same 32.
      const digest = Buffer.from(hash('sha256', presented, 'binary'), 'latin1');
      let match: (typeof stored)[number]['identity'] | null = null;
      for (const entry of stored) {
        if (timingSafeEqual(digest, entry.digest) && match === null) match = entry.identity;
      }
      if (match === null) return rejected('api-key', 'unknown_api_key');
      return {
        authenticated: true,
        method: 'api-key',
        sub: match.sub,
        groups: [...match.groups],
        claims: { key_id: match.id },
      };
    },
  };
}
