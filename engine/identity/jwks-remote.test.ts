/** @module identity/jwks-remote.test — a real JWKS over HTTP on 127.0.0.1:0: caching, rotation, cooldown, outages. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityResolver } from './resolver.js';
import { makeKey, signToken, startJwksServer, type JwksServer, type TestKey } from './testing.js';

const T0 = 1_700_000_000;
const MAX_AGE_SEC = 60;
const COOLDOWN_SEC = 10;

let oldKey: TestKey;
let newKey: TestKey;
let stranger: TestKey;
let server: JwksServer | null = null;
let nowMs = T0 * 1000;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tokenFor = (key: TestKey) => signToken(key, {}, { nowSec: Math.floor(nowMs / 1000) });
const advance = (sec: number) => {
  nowMs += sec * 1000;
};

function resolverFor(url: string, timeoutMs = 2000) {
  return createIdentityResolver({
    jwt: {
      issuer: 'https://idp.test',
      audience: 'sluice',
      jwksUri: url,
      algorithms: ['RS256', 'ES256'],
      jwksCacheMaxAgeSec: MAX_AGE_SEC,
      jwksCooldownSec: COOLDOWN_SEC,
      jwksTimeoutMs: timeoutMs,
      maxTokenAgeSec: 3600,
    },
    clock: () => nowMs,
  });
}

beforeAll(async () => {
  [oldKey, newKey, stranger] = await Promise.all([makeKey('RS256', 'k-old'), makeKey('ES256', 'k-new'), makeKey('ES256', 'k-none')]);
});

afterEach(async () => {
  await server?.stop();
  server = null;
  nowMs = T0 * 1000;
});

describe('identity: remote JWKS over HTTP', () => {
  it('fetches once, then serves from the cache until max age', async () => {
    server = await startJwksServer([oldKey.publicJwk]);
    const resolver = resolverFor(server.url);
    const concurrent = await Promise.all(Array.from({ length: 8 }, async () => resolver.resolve(bearer(await tokenFor(oldKey)))));
    expect(concurrent.every((identity) => identity.authenticated)).toBe(true);
    expect(server.requests).toBe(1);
    advance(MAX_AGE_SEC - 1);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    expect(server.requests).toBe(1);
    advance(1);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    expect(server.requests).toBe(2);
  });

  it('picks up a rotated key after the cooldown, with exactly one refetch for a storm of unknown kids', async () => {
    server = await startJwksServer([oldKey.publicJwk]);
    const resolver = resolverFor(server.url);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    server.keys = [oldKey.publicJwk, newKey.publicJwk];

    const early = await resolver.resolve(bearer(await tokenFor(newKey)));
    expect(early.reason).toBe('unknown_kid');
    expect(server.requests).toBe(1);

    advance(COOLDOWN_SEC);
    const storm = await Promise.all(Array.from({ length: 20 }, async () => resolver.resolve(bearer(await tokenFor(stranger)))));
    expect(storm.every((identity) => identity.reason === 'unknown_kid')).toBe(true);
    for (let i = 0; i < 20; i += 1) await resolver.resolve(bearer(await tokenFor(stranger)));
    expect(server.requests).toBe(2);
    expect((await resolver.resolve(bearer(await tokenFor(newKey)))).authenticated).toBe(true);
    expect(server.requests).toBe(2);
  });

  it('keeps cached keys through an outage until max age, then fails closed (server stopped)', async () => {
    server = await startJwksServer([oldKey.publicJwk]);
    const resolver = resolverFor(server.url);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    await server.stop();
    server = null;

    advance(MAX_AGE_SEC - 1);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    expect(resolver.jwksStats()).toMatchObject({ fetches: 1, failures: 0 });

    advance(1);
    const closed = await resolver.resolve(bearer(await tokenFor(oldKey)));
    expect(closed).toMatchObject({ authenticated: false, method: 'jwt', reason: 'jwks_unavailable' });
    expect(resolver.jwksStats()).toMatchObject({ fetches: 2, failures: 1 });
    for (let i = 0; i < 10; i += 1) {
      expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).reason).toBe('jwks_unavailable');
    }
    expect(resolver.jwksStats()?.fetches).toBe(2);
  });

  it('during an HTTP 503 outage retries at most once per cooldown, and recovers', async () => {
    server = await startJwksServer([oldKey.publicJwk]);
    const resolver = resolverFor(server.url);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    server.mode = 'error';
    advance(MAX_AGE_SEC);
    for (let i = 0; i < 15; i += 1) {
      expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).reason).toBe('jwks_unavailable');
    }
    expect(server.requests).toBe(2);
    server.mode = 'ok';
    advance(COOLDOWN_SEC - 1);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).reason).toBe('jwks_unavailable');
    advance(1);
    expect((await resolver.resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    expect(server.requests).toBe(3);
  });

  it('fails closed when the endpoint hangs past the timeout', async () => {
    server = await startJwksServer([oldKey.publicJwk]);
    server.mode = 'hang';
    const identity = await resolverFor(server.url, 150).resolve(bearer(await tokenFor(oldKey)));
    expect(identity.reason).toBe('jwks_unavailable');
  });

  it('refuses a duplicate kid in the fetched set, and ignores private or symmetric members', async () => {
    const twin = await makeKey('RS256', 'k-old');
    server = await startJwksServer([oldKey.publicJwk, twin.publicJwk]);
    expect((await resolverFor(server.url).resolve(bearer(await tokenFor(oldKey)))).reason).toBe('duplicate_kid');

    const privateJwk = { ...oldKey.privateKey.export({ format: 'jwk' }), kid: 'k-old', alg: 'RS256' };
    server.keys = [privateJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'k-old' }, oldKey.publicJwk];
    // Were the private twin kept, 'k-old' would match twice (duplicate_kid); it is dropped, so the public key verifies.
    expect((await resolverFor(server.url).resolve(bearer(await tokenFor(oldKey)))).authenticated).toBe(true);
    server.keys = [privateJwk];
    expect((await resolverFor(server.url).resolve(bearer(await tokenFor(oldKey)))).reason).toBe('unknown_kid');
  });

  it('treats a non-JSON or keyless body as an outage', async () => {
    server = await startJwksServer([]);
    server.keys = 'not-a-list' as never;
    expect((await resolverFor(server.url).resolve(bearer(await tokenFor(oldKey)))).reason).toBe('jwks_unavailable');
  });
});
