/** @module identity/jwt.test — happy paths per algorithm, key formats, claim paths and bounds. */
import { beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import { createIdentityResolver } from './resolver.js';
import { makeKey, signToken, type TestKey } from './testing.js';
import type { JwtOptions } from './types.js';

const NOW = 1_700_000_000;
const clock = () => NOW * 1000;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jwtBase = { issuer: 'https://idp.test', audience: 'sluice' } as const;

const KEYS: Record<string, TestKey> = {};

beforeAll(async () => {
  for (const [alg, kid] of [['RS256', 'rs'], ['ES256', 'es'], ['EdDSA', 'ed'], ['PS256', 'ps'], ['ES384', 'es384']] as const) {
    KEYS[alg] = await makeKey(alg, kid);
  }
});

function resolverFor(jwt: Partial<JwtOptions>) {
  return createIdentityResolver({ jwt: { ...jwtBase, algorithms: ['RS256'], ...jwt } as JwtOptions, clock });
}

describe('identity: JWT happy paths', () => {
  it.each(['RS256', 'ES256', 'EdDSA', 'PS256', 'ES384'])('%s token verifies against a local JWK set', async (alg) => {
    const all = Object.values(KEYS);
    const resolver = resolverFor({ keys: all.map((k) => k.publicJwk), algorithms: all.map((k) => k.alg) });
    const identity = await resolver.resolve(bearer(await signToken(KEYS[alg]!, { sub: `user-${alg}` }, { nowSec: NOW })));
    expect(identity).toEqual({
      authenticated: true,
      method: 'jwt',
      sub: `user-${alg}`,
      groups: ['dev'],
      claims: {},
      issuer: 'https://idp.test',
    });
  });

  it('accepts PEM strings and KeyObjects (private keys reduced to their public part)', async () => {
    const rs = KEYS.RS256!;
    const pem = rs.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    for (const keys of [[pem], [rs.publicKey], [rs.privateKey]]) {
      const token = await signToken(rs, {}, { nowSec: NOW, header: { kid: undefined } });
      const identity = await resolverFor({ keys }).resolve(bearer(token));
      expect(identity.authenticated).toBe(true);
    }
  });

  it('a kid-less key does not match a token that names a kid (no guessing)', async () => {
    const rs = KEYS.RS256!;
    const identity = await resolverFor({ keys: [rs.publicKey] }).resolve(bearer(await signToken(rs, {}, { nowSec: NOW })));
    expect(identity.reason).toBe('unknown_kid');
  });

  it('two kid-less keys of one type and a kid-less token is ambiguous', async () => {
    const other = await makeKey('RS256', 'x');
    const rs = KEYS.RS256!;
    const resolver = resolverFor({ keys: [rs.publicKey, other.publicKey] });
    const token = await signToken(rs, {}, { nowSec: NOW, header: { kid: undefined } });
    expect((await resolver.resolve(bearer(token))).reason).toBe('ambiguous_key');
  });

  it('takes groups from a nested claim path, and prefers an exact (dotted) top-level name', async () => {
    const es = KEYS.ES256!;
    const nested = resolverFor({ keys: [es.publicJwk], algorithms: ['ES256'], groupsClaim: 'realm_access.roles' });
    const token = await signToken(es, { realm_access: { roles: ['dba', 'ops', 'dba'] } }, { nowSec: NOW });
    expect((await nested.resolve(bearer(token))).groups).toEqual(['dba', 'ops']);

    const namespaced = resolverFor({ keys: [es.publicJwk], algorithms: ['ES256'], groupsClaim: 'https://example.com/groups' });
    const token2 = await signToken(es, { 'https://example.com/groups': ['admins'] }, { nowSec: NOW });
    expect((await namespaced.resolve(bearer(token2))).groups).toEqual(['admins']);

    const spaced = await nested.resolve(bearer(await signToken(es, { realm_access: { roles: 'a b' } }, { nowSec: NOW })));
    expect(spaced.groups).toEqual(['a', 'b']);
  });

  it('passes only the configured claims, nested ones under their path, never prototype keys', async () => {
    const ed = KEYS.EdDSA!;
    const resolver = resolverFor({
      keys: [ed.publicJwk], algorithms: ['EdDSA'], claims: ['email', 'org.id', 'missing', '__proto__', 'org.__proto__'],
    });
    const token = await signToken(ed, { email: 'a@example.com', org: { id: 7, secret: 's' }, ssn: '123' }, { nowSec: NOW });
    const identity = await resolver.resolve(bearer(token));
    expect(identity.claims).toEqual({ email: 'a@example.com', 'org.id': 7 });
    expect(Object.getPrototypeOf(identity.claims)).toBe(Object.prototype);
  });

  it('refuses selected claims larger than the bound', async () => {
    const ed = KEYS.EdDSA!;
    const resolver = createIdentityResolver({
      jwt: { ...jwtBase, keys: [ed.publicJwk], algorithms: ['EdDSA'], claims: ['blob'] },
      limits: { maxClaimsBytes: 100 },
      clock,
    });
    const small = await resolver.resolve(bearer(await signToken(ed, { blob: 'x'.repeat(50) }, { nowSec: NOW })));
    expect(small.authenticated).toBe(true);
    const big = await resolver.resolve(bearer(await signToken(ed, { blob: 'x'.repeat(200) }, { nowSec: NOW })));
    expect(big.reason).toBe('claims_too_large');
  });

  it('honours clock tolerance on exp and iat, and a custom subject claim', async () => {
    const es = KEYS.ES256!;
    const resolver = resolverFor({ keys: [es.publicJwk], algorithms: ['ES256'], clockToleranceSec: 30, subjectClaim: 'oid' });
    const lateButTolerated = await signToken(es, { oid: 'u-1', iat: NOW + 20, exp: NOW - 10 }, { nowSec: NOW });
    expect(await resolver.resolve(bearer(lateButTolerated))).toMatchObject({ authenticated: true, sub: 'u-1' });
    const tooLate = await signToken(es, { oid: 'u-1', exp: NOW - 31 }, { nowSec: NOW });
    expect((await resolver.resolve(bearer(tooLate))).reason).toBe('expired');
  });

  it('refuses iat in the future even without maxTokenAgeSec (jose alone would not)', async () => {
    const rs = KEYS.RS256!;
    const resolver = resolverFor({ keys: [rs.publicJwk], clockToleranceSec: 5 });
    expect((await resolver.resolve(bearer(await signToken(rs, { iat: NOW + 5 }, { nowSec: NOW })))).authenticated).toBe(true);
    expect((await resolver.resolve(bearer(await signToken(rs, { iat: NOW + 6 }, { nowSec: NOW })))).reason).toBe('issued_in_future');
  });

  it('accepts any configured issuer or audience, and checks typ when asked', async () => {
    const rs = KEYS.RS256!;
    const resolver = resolverFor({
      keys: [rs.publicJwk], issuer: ['https://a', 'https://idp.test'], audience: ['x', 'sluice'], typ: 'at+jwt',
    });
    const atJwt = await signToken(rs, {}, { nowSec: NOW, header: { typ: 'at+jwt' } });
    expect((await resolver.resolve(bearer(atJwt))).authenticated).toBe(true);
    const idToken = await signToken(rs, {}, { nowSec: NOW });
    expect((await resolver.resolve(bearer(idToken))).reason).toBe('bad_typ');
  });

  it('answers ANONYMOUS without credentials, and unsupported_credentials for an unconfigured kind', async () => {
    const resolver = resolverFor({ keys: [KEYS.RS256!.publicJwk] });
    expect(await resolver.resolve({})).toMatchObject({ authenticated: false, method: 'none', reason: 'missing' });
    expect((await resolver.resolve({ 'x-api-key': 'abc' })).reason).toBe('unsupported_credentials');
    expect((await resolver.resolve(new Headers({ authorization: 'Bearer a.b' }))).reason).toBe('malformed');
  });
});

describe('identity: options validated at construction', () => {
  const rsJwk = () => KEYS.RS256!.publicJwk;
  const cases: [string, () => unknown][] = [
    ['no algorithms', () => resolverFor({ keys: [rsJwk()], algorithms: [] })],
    ['alg none in the allowlist', () => resolverFor({ keys: [rsJwk()], algorithms: ['none'] })],
    ['HS256 in the allowlist', () => resolverFor({ keys: [rsJwk()], algorithms: ['HS256'] })],
    ['both jwksUri and keys', () => resolverFor({ keys: [rsJwk()], jwksUri: 'https://idp.test/jwks' })],
    ['neither jwksUri nor keys', () => resolverFor({})],
    ['plain http JWKS on a public host', () => resolverFor({ jwksUri: 'http://idp.test/jwks' })],
    ['duplicate kid in the local set', () => resolverFor({ keys: [rsJwk(), { ...KEYS.ES256!.publicJwk, kid: 'rs' }], algorithms: ['RS256', 'ES256'] })],
    ['a symmetric key', () => resolverFor({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })],
    ['a garbage PEM', () => resolverFor({ keys: ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'] })],
    ['an unknown option', () => resolverFor({ keys: [rsJwk()], verifyLater: true } as never)],
    ['cooldown longer than the cache', () => resolverFor({ jwksUri: 'https://idp.test/jwks', jwksCooldownSec: 60, jwksCacheMaxAgeSec: 10 })],
    ['neither jwt nor apiKeys', () => createIdentityResolver({})],
    ['an api key stored in plain text', () => createIdentityResolver({ apiKeys: [{ id: 'a', hash: 'hunter2', sub: 's', groups: [] }] })],
  ];
  it.each(cases)('refuses %s with SLUICE_ERR_INVALID_OPTIONS', (_name, build) => {
    let thrown: unknown;
    try {
      build();
    } catch (err) {
      thrown = err;
    }
    expect(isSluiceError(thrown, 'SLUICE_ERR_INVALID_OPTIONS')).toBe(true);
  });
});
