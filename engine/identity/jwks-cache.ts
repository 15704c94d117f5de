/** @module identity/jwks-cache — a remote JWKS with a max-age cache, a refetch cooldown and fail-closed outages. */
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWSHeaderParameters } from 'jose';
import { selectKey, type KeyLookup, type KeySource, type LocalKeySet } from './keys.js';

/** Settings of a remote JWKS cache (milliseconds). */
export interface RemoteJwksOptions {
  url: string;
  /** Cached keys are used this long after the last successful fetch; then a refetch is required. */
  maxAgeMs: number;
  /** Minimum time between two fetch attempts (success or failure): no refetch storm. */
  cooldownMs: number;
  timeoutMs: number;
  /** Cap on the JWKS response body. Default 256 KiB. */
  maxBytes?: number;
  clock: () => number;
}

/** Counters a caller or a test can read. */
export interface RemoteJwksStats {
  fetches: number;
  failures: number;
  lastError: string | null;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Keep only public signature keys; drop private, symmetric and encryption keys. */
function publicSignatureKeys(body: unknown): JSONWebKeySet {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new TypeError('the JWKS has no keys array');
  const usable = keys.filter(
    (jwk: unknown): jwk is JWK =>
      jwk !== null &&
      typeof jwk === 'object' &&
      typeof (jwk as JWK).kty === 'string' &&
      (jwk as JWK).kty !== 'oct' &&
      ((jwk as JWK).use === undefined || (jwk as JWK).use === 'sig') &&
      !PRIVATE_MEMBERS.some((member) => member in jwk),
  );
  return { keys: usable };
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new RangeError(`the JWKS is larger than ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new RangeError(`the JWKS is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A KeySource over a remote JWKS. Keys are fetched lazily, kept for `maxAgeMs`, and refetched
 * on an unknown kid at most once per `cooldownMs`. When the endpoint is down, cached keys keep
 * working until they are `maxAgeMs` old; after that every lookup is `jwks_unavailable` (fail closed).
 *
 * @example
 * const jwks = new RemoteJwks({ url: 'https://idp.example/jwks', maxAgeMs: 600_000, cooldownMs: 30_000, timeoutMs: 5000, clock: Date.now });
 * const { key, reason } = await jwks.lookup({ alg: 'RS256', kid: 'k1' });
 */
export class RemoteJwks implements KeySource {
  readonly stats: RemoteJwksStats = { fetches: 0, failures: 0, lastError: null };
  private set: LocalKeySet | null = null;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | null = null;

  constructor(private readonly options: RemoteJwksOptions) {}

  /** Find the key for a protected header; never throws. */
  async lookup(header: JWSHeaderParameters): Promise<KeyLookup> {
    if (!this.isFresh()) {
      if (this.pending !== null || !this.coolingDown()) await this.refresh();
      if (!this.isFresh()) return { reason: 'jwks_unavailable' };
    }
    const first = await selectKey(this.set!, header);
    if (first.reason !== 'unknown_kid' || (this.pending === null && this.coolingDown())) return first;
    await this.refresh();
    return this.isFresh() ? selectKey(this.set!, header) : { reason: 'jwks_unavailable' };
  }

  /** True while the cached set is younger than maxAgeMs. */
  isFresh(): boolean {
    return this.set !== null && this.options.clock() - this.fetchedAt < this.options.maxAgeMs;
  }

  private coolingDown(): boolean {
    return this.options.clock() - this.attemptedAt < this.options.cooldownMs;
  }

  /** Fetch the JWKS once (concurrent callers share one request); failures keep the old set. */
  refresh(): Promise<void> {
    this.pending ??= this.fetchOnce().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchOnce(): Promise<void> {
    this.attemptedAt = this.options.clock();
    this.stats.fetches += 1;
    try {
      const response = await fetch(this.options.url, {
        method: 'GET',
        redirect: 'manual',
        headers: { accept: 'application/jwk-set+json, application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`the JWKS endpoint answered HTTP ${response.status}`);
      }
      const text = await readCapped(response, this.options.maxBytes ?? 262_144);
      this.set = createLocalJWKSet(publicSignatureKeys(JSON.parse(text)));
      this.fetchedAt = this.options.clock();
      this.stats.lastError = null;
    } catch (err) {
      this.stats.failures += 1;
      this.stats.lastError = (err as Error)?.message ?? String(err);
    }
  }
}
