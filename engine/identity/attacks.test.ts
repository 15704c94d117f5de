/** @module identity/attacks.test — a table of hostile tokens and headers, each refused with its expected reason. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createIdentityResolver, type SluiceIdentityResolver } from './resolver.js';
import { hashApiKey } from './api-keys.js';
import { makeKey, rawToken, signRaw, signToken, type TestKey } from './testing.js';
import type { IdentityReason } from './types.js';

const NOW = 1_700_000_000;
const HS = { alg: 'HS256', kid: 'rsa-1', typ: 'JWT' };

let rsa: TestKey;
let ec: TestKey;
let evilRsa: TestKey;
let evilEc: TestKey;
let resolver: SluiceIdentityResolver;

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: 'https://idp.test', aud: 'sluice', sub: 'alice', iat: NOW, exp: NOW + 600, groups: ['dev'], ...extra };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const honest = (payload: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  signToken(rsa, payload, { nowSec: NOW, header });
const rsHeader = (extra: Record<string, unknown> = {}) => ({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT', ...extra });

type Attack = { name: string; expected: IdentityReason; headers: () => Promise<Record<string, string | string[]>> };

const ATTACKS: Attack[] = [
  // algorithm attacks
  { name: 'alg none, empty signature', expected: 'alg_not_allowed', headers: async () => bearer(rawToken({ alg: 'none', typ: 'JWT' }, base())) },
  { name: 'alg None (mixed case)', expected: 'alg_not_allowed', headers: async () => bearer(rawToken({ alg: 'None' }, base())) },
  { name: 'alg NONE with a copied real signature', expected: 'alg_not_allowed', headers: async () => {
    const sig = (await honest()).split('.')[2]!;
    return bearer(rawToken({ alg: 'NONE', kid: 'rsa-1' }, base(), sig));
  } },
  { name: 'HS256 signed with the RSA public key PEM as the HMAC secret (key confusion)', expected: 'alg_not_allowed', headers: async () =>
    bearer(signRaw(HS, base(), 'HS256', Buffer.from(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string))) },
  { name: 'HS512 signed with the RSA public JWK modulus as the secret', expected: 'alg_not_allowed', headers: async () =>
    bearer(signRaw({ ...HS, alg: 'HS512' }, base(), 'HS512', Buffer.from(rsa.publicJwk.n!, 'base64url'))) },
  { name: 'RS512 validly signed, outside the allowlist', expected: 'alg_not_allowed', headers: async () =>
    bearer(signRaw(rsHeader({ alg: 'RS512' }), base(), 'RS512', rsa.privateKey)) },
  { name: 'PS256 validly signed with the RSA key, outside the allowlist', expected: 'alg_not_allowed', headers: async () =>
    bearer(signRaw(rsHeader({ alg: 'PS256' }), base(), 'PS256', rsa.privateKey)) },
  { name: 'alg lower-case rs256', expected: 'alg_not_allowed', headers: async () => bearer(signRaw(rsHeader({ alg: 'rs256' }), base(), 'RS256', rsa.privateKey)) },
  { name: 'alg with full-width digits (homoglyph)', expected: 'alg_not_allowed', headers: async () => bearer(rawToken(rsHeader({ alg: 'RS２５６' }), base(), 'AAAA')) },
  { name: 'duplicate alg member, last one none', expected: 'alg_not_allowed', headers: async () => bearer(rawToken('{"alg":"RS256","kid":"rsa-1","alg":"none"}', base())) },
  { name: 'alg missing from the header', expected: 'malformed', headers: async () => bearer(rawToken({ kid: 'rsa-1' }, base(), 'AAAA')) },
  { name: 'alg is a number', expected: 'malformed', headers: async () => bearer(rawToken({ alg: 256, kid: 'rsa-1' }, base(), 'AAAA')) },
  // key-injection headers
  { name: 'jku pointing to an attacker JWKS', expected: 'embedded_key', headers: async () =>
    bearer(signRaw(rsHeader({ jku: 'https://evil.example/jwks.json', kid: 'evil' }), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'x5u pointing to an attacker certificate', expected: 'embedded_key', headers: async () =>
    bearer(signRaw(rsHeader({ x5u: 'https://evil.example/cert.pem' }), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'jwk header embedding the attacker public key', expected: 'embedded_key', headers: async () =>
    bearer(signRaw({ alg: 'ES256', jwk: evilEc.publicJwk }, base(), 'ES256', evilEc.privateKey)) },
  { name: 'x5c header with an attacker chain', expected: 'embedded_key', headers: async () =>
    bearer(signRaw(rsHeader({ x5c: ['MIIBszCCAVmgAwIBAgIU'] }), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'crit naming an extension', expected: 'crit_unsupported', headers: async () =>
    bearer(signRaw(rsHeader({ crit: ['exp'], exp: NOW + 600 }), base(), 'RS256', rsa.privateKey)) },
  { name: 'b64:false unencoded payload', expected: 'crit_unsupported', headers: async () =>
    bearer(signRaw(rsHeader({ b64: false, crit: ['b64'] }), base(), 'RS256', rsa.privateKey)) },
  // key selection
  { name: 'unknown kid', expected: 'unknown_kid', headers: async () => bearer(signRaw(rsHeader({ kid: 'rotated-away' }), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'kid path traversal', expected: 'unknown_kid', headers: async () => bearer(signRaw(rsHeader({ kid: '../../../../dev/null' }), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'kid SQL injection', expected: 'unknown_kid', headers: async () => bearer(signRaw(rsHeader({ kid: "x' UNION SELECT 'secret" }), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'kid is a number', expected: 'malformed', headers: async () => bearer(signRaw(rsHeader({ kid: 1 }), base(), 'RS256', rsa.privateKey)) },
  { name: 'ES256 token naming the RSA key kid', expected: 'unknown_kid', headers: async () =>
    bearer(signRaw({ alg: 'ES256', kid: 'rsa-1' }, base(), 'ES256', evilEc.privateKey)) },
  // signatures
  { name: 'right kid, attacker key', expected: 'bad_signature', headers: async () => bearer(signRaw(rsHeader(), base(), 'RS256', evilRsa.privateKey)) },
  { name: 'payload tampered after signing (sub → admin)', expected: 'bad_signature', headers: async () => {
    const [h, , s] = (await honest()).split('.');
    return bearer(`${h}.${Buffer.from(JSON.stringify(base({ sub: 'admin', groups: ['admin'] }))).toString('base64url')}.${s}`);
  } },
  { name: 'signature swapped from another token', expected: 'bad_signature', headers: async () => {
    const [h, p] = (await honest({ sub: 'mallory' })).split('.');
    return bearer(`${h}.${p}.${(await honest()).split('.')[2]}`);
  } },
  { name: 'truncated signature', expected: 'bad_signature', headers: async () => bearer((await honest()).slice(0, -12)) },
  { name: 'empty signature with RS256', expected: 'bad_signature', headers: async () => bearer(rawToken(rsHeader(), base())) },
  { name: 'ES256 signature in DER instead of raw r||s', expected: 'bad_signature', headers: async () => {
    const t = await signToken(ec, {}, { nowSec: NOW });
    const { sign } = await import('node:crypto');
    const der = sign('sha256', Buffer.from(t.split('.').slice(0, 2).join('.')), ec.privateKey).toString('base64url');
    return bearer(`${t.split('.').slice(0, 2).join('.')}.${der}`);
  } },
  // claims
  { name: 'expired', expected: 'expired', headers: async () => bearer(await honest({ iat: NOW - 1200, exp: NOW - 60 })) },
  { name: 'nbf in the future', expected: 'not_yet_valid', headers: async () => bearer(await honest({ nbf: NOW + 300 })) },
  { name: 'iat in the future beyond tolerance', expected: 'issued_in_future', headers: async () => bearer(await honest({ iat: NOW + 120 })) },
  { name: 'iat older than maxTokenAge', expected: 'too_old', headers: async () => bearer(await honest({ iat: NOW - 7200 })) },
  { name: 'missing exp', expected: 'missing_exp', headers: async () => bearer(await signToken(rsa, {}, { nowSec: NOW, noExp: true })) },
  { name: 'exp as a string', expected: 'bad_claim', headers: async () => bearer(signRaw(rsHeader(), base({ exp: String(NOW + 600) }), 'RS256', rsa.privateKey)) },
  { name: 'wrong issuer', expected: 'bad_issuer', headers: async () => bearer(await honest({ iss: 'https://evil.example' })) },
  { name: 'issuer missing', expected: 'bad_issuer', headers: async () => bearer(signRaw(rsHeader(), { ...base(), iss: undefined }, 'RS256', rsa.privateKey)) },
  { name: 'wrong audience', expected: 'bad_audience', headers: async () => bearer(await honest({ aud: 'another-api' })) },
  { name: 'audience array without ours', expected: 'bad_audience', headers: async () => bearer(await honest({ aud: ['a', 'b'] })) },
  { name: 'subject missing', expected: 'missing_subject', headers: async () => bearer(signRaw(rsHeader(), { ...base(), sub: undefined }, 'RS256', rsa.privateKey)) },
  { name: 'groups claim is an object', expected: 'bad_claim', headers: async () => bearer(await honest({ groups: { admin: true } })) },
  { name: 'groups claim too long', expected: 'claims_too_large', headers: async () => bearer(await honest({ groups: Array.from({ length: 300 }, (_, i) => `g${i}`) })) },
  { name: 'payload not JSON, validly signed', expected: 'malformed', headers: async () => bearer(signRaw(rsHeader(), 'not json', 'RS256', rsa.privateKey)) },
  // structure and transport
  { name: 'two segments', expected: 'malformed', headers: async () => bearer((await honest()).split('.').slice(0, 2).join('.')) },
  { name: 'four segments', expected: 'malformed', headers: async () => bearer(`${await honest()}.AAAA`) },
  { name: 'JWE-shaped five segments', expected: 'malformed', headers: async () => bearer('eyJhbGciOiJSU0EtT0FFUCJ9.AAAA.AAAA.AAAA.AAAA') },
  { name: 'standard base64 characters (+ / =)', expected: 'malformed', headers: async () => bearer((await honest()).replace(/.$/, '=')) },
  { name: 'impossible base64url length', expected: 'malformed', headers: async () => bearer(`${(await honest()).split('.').slice(0, 2).join('.')}.AAAAA`) },
  { name: 'header is not JSON', expected: 'malformed', headers: async () => bearer(rawToken('{alg:RS256}', base(), 'AAAA')) },
  { name: 'header is a JSON array', expected: 'malformed', headers: async () => bearer(rawToken('["RS256"]', base(), 'AAAA')) },
  { name: 'token larger than the cap', expected: 'too_large', headers: async () => bearer(await honest({ pad: 'x'.repeat(9000) })) },
  { name: 'whitespace inside the token', expected: 'malformed', headers: async () => {
    const t = await honest();
    return bearer(`${t.slice(0, 20)} ${t.slice(20)}`);
  } },
  { name: 'two bearer tokens joined by a comma', expected: 'malformed', headers: async () => bearer(`${await honest()}, ${await honest()}`) },
  { name: 'duplicate Authorization headers', expected: 'duplicate_header', headers: async () => ({ authorization: [`Bearer ${await honest()}`, 'Bearer x'] }) },
  { name: 'Authorization in two casings', expected: 'duplicate_header', headers: async () => ({ authorization: `Bearer ${await honest()}`, Authorization: 'Bearer x' }) },
  { name: 'Basic scheme', expected: 'unsupported_scheme', headers: async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' }) },
  { name: 'bearer token and API key together', expected: 'ambiguous_credentials', headers: async () => ({ ...bearer(await honest()), 'x-api-key': 'k' }) },
];

beforeAll(async () => {
  [rsa, ec, evilRsa, evilEc] = await Promise.all([
    makeKey('RS256', 'rsa-1'), makeKey('ES256', 'ec-1'), makeKey('RS256', 'rsa-1'), makeKey('ES256', 'ec-1'),
  ]);
  resolver = createIdentityResolver({
    jwt: {
      issuer: 'https://idp.test',
      audience: 'sluice',
      keys: [rsa.publicJwk, ec.publicJwk],
      algorithms: ['RS256', 'ES256'],
      clockToleranceSec: 5,
      maxTokenAgeSec: 3600,
    },
    apiKeys: [{ id: 'k', hash: hashApiKey('k-not-this'), sub: 'svc', groups: [] }],
    clock: () => NOW * 1000,
  });
});

describe('identity: attack tokens', () => {
  it('has at least 25 distinct attacks', () => {
    expect(new Set(ATTACKS.map((a) => a.name)).size).toBe(ATTACKS.length);
    expect(ATTACKS.length).toBeGreaterThanOrEqual(25);
  });

  it('accepts the honest control token (so each refusal below is caused by its attack)', async () => {
    expect(await resolver.resolve(bearer(await honest()))).toMatchObject({ authenticated: true, sub: 'alice' });
    const ecToken = await signToken(ec, {}, { nowSec: NOW });
    expect(await resolver.resolve(bearer(ecToken))).toMatchObject({ authenticated: true, sub: 'alice' });
  });

  it.each(ATTACKS)('refuses: $name → $expected', async ({ headers, expected }) => {
    const identity = await resolver.resolve(await headers());
    expect(identity).toMatchObject({ authenticated: false, sub: null, groups: [], claims: {}, reason: expected });
  });
});
