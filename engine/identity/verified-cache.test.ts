/** @module identity/verified-cache.test — repeated tokens skip the signature check only while token and key stay valid. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityResolver } from './resolver.js';
import { makeKey, signToken, startJwksServer, type JwksServer, type TestKey } from './testing.js';
import type { JwtOptions } from './types.js';

const T0 = 1_700_000_000;
let nowMs = T0 * 1000;
let rsa: TestKey;
let other: TestKey;
let server: JwksServer | null = null;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const base = { issuer: 'https://idp.test', audience: 'sluice', algorithms: ['RS256'], clockToleranceSec: 30 } as const;
const resolverFor = (jwt: Partial<JwtOptions>) => createIdentityResolver({ jwt: { ...base, ...jwt } as JwtOptions, clock: () => nowMs });

beforeAll(async () => {
  [rsa, other] = await Promise.all([makeKey('RS256', 'k1'), makeKey('RS256', 'k2')]);
});
afterEach(async () => {
  nowMs = T0 * 1000;
  await server?.stop();
  server = null;
});

describe('identity: verified-token cache', () => {
  it('a repeated token is answered from the cache with an equal, independent identity', async () => {
    const resolver = resolverFor({ keys: [rsa.publicJwk] });
    const token = await signToken(rsa, { sub: 'alice', groups: ['dev'] }, { nowSec: T0 });
    const first = await resolver.resolve(bearer(token));
    first.groups.push('mutated by the caller');
    const second = await resolver.resolve(bearer(token));
    expect(resolver.verifiedStats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
    expect(second).toMatchObject({ authenticated: true, sub: 'alice', groups: ['dev'], method: 'jwt' });
  });

  it('a token whose signature is altered is never served from the cache', async () => {
    const resolver = resolverFor({ keys: [rsa.publicJwk] });
    const token = await signToken(rsa, {}, { nowSec: T0 });
    expect((await resolver.resolve(bearer(token))).authenticated).toBe(true);
    const [h, p, s] = token.split('.');
    const forged = `${h}.${p}.${s!.slice(0, -4)}${s!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect((await resolver.resolve(bearer(forged))).reason).toBe('bad_signature');
  });

  it('expiry, not-before and maxTokenAge are checked at every use, with the clock tolerance', async () => {
    const resolver = resolverFor({ keys: [rsa.publicJwk], maxTokenAgeSec: 3600 });
    const token = await signToken(rsa, { exp: T0 + 600, nbf: T0 }, { nowSec: T0 });
    expect((await resolver.resolve(bearer(token))).authenticated).toBe(true);
    nowMs = (T0 + 600 + 29) * 1000; // within the 30 s tolerance after exp
    expect((await resolver.resolve(bearer(token))).authenticated).toBe(true);
    nowMs = (T0 + 600 + 30) * 1000;
    expect((await resolver.resolve(bearer(token))).reason).toBe('expired');
    expect(resolver.verifiedStats()).toMatchObject({ hits: 1, stale: 1 });

    const early = await signToken(rsa, { nbf: T0 + 100, exp: T0 + 7200 }, { nowSec: T0 });
    nowMs = (T0 + 75) * 1000; // nbf - 25 s: accepted with the tolerance
    expect((await resolver.resolve(bearer(early))).authenticated).toBe(true);
    nowMs = (T0 + 3600 + 31) * 1000; // past maxTokenAge (iat + 3600) + tolerance although exp is later
    expect((await resolver.resolve(bearer(early))).reason).toBe('too_old');
  });

  it('a key rotated out of the remote JWKS ends the cached tokens it verified', async () => {
    server = await startJwksServer([rsa.publicJwk]);
    const resolver = resolverFor({ jwksUri: server.url, jwksCacheMaxAgeSec: 60, jwksCooldownSec: 10 });
    const token = await signToken(rsa, {}, { nowSec: T0 });
    expect((await resolver.resolve(bearer(token))).authenticated).toBe(true);
    expect((await resolver.resolve(bearer(token))).authenticated).toBe(true);
    server.keys = [other.publicJwk];
    nowMs += 61_000; // the set expires: refetched, k1 is gone
    expect((await resolver.resolve(bearer(token))).reason).toBe('unknown_kid');
  });

  it('a kid re-bound to another key is not served from the cache: the token is verified again and fails', async () => {
    server = await startJwksServer([rsa.publicJwk]);
    const resolver = resolverFor({ jwksUri: server.url, jwksCacheMaxAgeSec: 60, jwksCooldownSec: 10 });
    const token = await signToken(rsa, {}, { nowSec: T0 });
    expect((await resolver.resolve(bearer(token))).authenticated).toBe(true);
    server.keys = [{ ...other.publicJwk, kid: rsa.kid }]; // same kid, different key
    nowMs += 61_000;
    expect((await resolver.resolve(bearer(token))).reason).toBe('bad_signature');
    expect(resolver.verifiedStats()).toMatchObject({ hits: 0, stale: 1 });
  });

  it('size 0 turns it off; a full cache drops its oldest entry', async () => {
    const off = resolverFor({ keys: [rsa.publicJwk], verifiedCacheSize: 0 });
    const token = await signToken(rsa, {}, { nowSec: T0 });
    await off.resolve(bearer(token));
    await off.resolve(bearer(token));
    expect(off.verifiedStats()).toMatchObject({ hits: 0, size: 0 });

    const small = resolverFor({ keys: [rsa.publicJwk], verifiedCacheSize: 2 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => signToken(rsa, { sub }, { nowSec: T0 })));
    for (const t of tokens) await small.resolve(bearer(t));
    expect(small.verifiedStats()?.size).toBe(2);
    await small.resolve(bearer(tokens[0]!)); // dropped first: verified again
    expect(small.verifiedStats()).toMatchObject({ hits: 0, misses: 4 });
    await small.resolve(bearer(tokens[2]!));
    expect(small.verifiedStats()?.hits).toBe(1);
  });

  it('refuses a bad verifiedCacheSize at construction', () => {
    expect(() => resolverFor({ keys: [rsa.publicJwk], verifiedCacheSize: -1 })).toThrow(/verifiedCacheSize|must be/);
  });
});
