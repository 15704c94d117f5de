/** @module identity/verified-cache — bounded memory of tokens already verified, so a caller's repeated bearer token skips the signature check. */
import { hash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Identity } from './types.js';

/** Counters of the cache (diagnostics and tests). */
export interface VerifiedCacheStats {
  hits: number;
  misses: number;
  /** Entries dropped at use: expired, not yet valid, too old, or verified with a key no longer served. */
  stale: number;
  size: number;
}

interface Entry {
  identity: Identity;
  /** The key object the signature was verified with; a hit needs the key source to return the same one. */
  key: unknown;
  /** Milliseconds: usable while notBefore <= now < notAfter (clock tolerance already applied). */
  notBefore: number;
  notAfter: number;
}

/**
 * A bounded map from SHA-256(token) to the identity it verified to. No raw token is kept. An entry is used only
 * while its time window holds (exp, nbf and maxTokenAge with the clock tolerance, checked at each use) and the
 * key source still selects the very key that verified it (a rotated-out or refreshed key means a full verify).
 * Oldest entries go first when full.
 *
 * @example
 * const cache = new VerifiedTokenCache(1000);
 * const hit = cache.get(cache.idOf(token), key, Date.now()); // Identity | null
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: VerifiedCacheStats = { hits: 0, misses: 0, stale: 0, size: 0 };

  constructor(private readonly capacity: number) {}

  /** A token's id in the cache: its SHA-256 (computed once per verification), or '' when the cache is off. */
  idOf(token: string): string {
    return this.capacity === 0 ? '' : hash('sha256', token, 'base64');
  }

  /** The cached identity of the token with this id, verified with `key`, valid at `now` (a fresh copy), or null. */
  get(id: string, key: unknown, now: number): Identity | null {
    if (id === '') return null;
    const entry = this.entries.get(id);
    if (!entry) {
      this.stats.misses++;
      return null;
    }
    if (entry.key !== key || now < entry.notBefore || now >= entry.notAfter) {
      this.entries.delete(id);
      this.stats.stale++;
      this.stats.size = this.entries.size;
      return null;
    }
    this.stats.hits++;
    const { identity } = entry;
    return { ...identity, groups: [...identity.groups], claims: { ...identity.claims } };
  }

  /** Remember a verified token's identity for its validity window. */
  set(id: string, key: unknown, payload: JWTPayload, identity: Identity, window: { toleranceSec: number; maxTokenAgeSec?: number }): void {
    if (id === '' || typeof payload.exp !== 'number') return;
    const tolerance = window.toleranceSec * 1000;
    let notAfter = payload.exp * 1000 + tolerance;
    if (window.maxTokenAgeSec !== undefined && typeof payload.iat === 'number') {
      notAfter = Math.min(notAfter, (payload.iat + window.maxTokenAgeSec) * 1000 + tolerance);
    }
    const notBefore = typeof payload.nbf === 'number' ? payload.nbf * 1000 - tolerance : -Infinity;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { identity: structuredClone(identity), key, notBefore, notAfter });
    this.stats.size = this.entries.size;
  }
}

