/** @module identity/api-keys.test — hashed service-account keys: hashing, matching, refusals, header handling. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import { generateApiKey, hashApiKey } from './api-keys.js';
import { createIdentityResolver, identityError } from './resolver.js';

const CI_KEY = 'sk_live_ci_0123456789abcdef';
const BOT_KEY = 'sk_live_bot_fedcba9876543210';

const resolver = createIdentityResolver({
  apiKeys: [
    { id: 'ci-2025', hash: hashApiKey(CI_KEY), sub: 'svc-ci', groups: ['ci', 'deploy'] },
    { id: 'bot-1', hash: hashApiKey(BOT_KEY), sub: 'svc-bot', groups: [] },
  ],
});

describe('identity: API keys', () => {
  it('hashApiKey is sha256:<hex> of the UTF-8 key', () => {
    const expected = createHash('sha256').update(CI_KEY).digest('hex');
    expect(hashApiKey(CI_KEY)).toBe(`sha256:${expected}`);
    expect(hashApiKey(CI_KEY)).not.toContain(CI_KEY);
  });

  it('hashApiKey refuses empty, oversized, whitespace and comma keys', () => {
    for (const bad of ['', 'a'.repeat(513), 'has space', 'a,b', 'tab\tkey', 'é']) {
      expect(() => hashApiKey(bad)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INVALID_OPTIONS' }));
    }
  });

  it('generateApiKey returns a random key with a matching hash', () => {
    const a = generateApiKey();
    const b = generateApiKey('svc_');
    expect(a.key).toMatch(/^sk_sluice_[A-Za-z0-9_-]{43}$/);
    expect(b.key.startsWith('svc_')).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashApiKey(a.key));
  });

  it('maps each key to its service account and groups', async () => {
    expect(await resolver.resolve({ 'x-api-key': CI_KEY })).toEqual({
      authenticated: true,
      method: 'api-key',
      sub: 'svc-ci',
      groups: ['ci', 'deploy'],
      claims: { key_id: 'ci-2025' },
    });
    expect(await resolver.resolve({ 'X-Api-Key': BOT_KEY })).toMatchObject({ authenticated: true, sub: 'svc-bot' });
  });

  it('returns fresh group arrays (a caller mutating one cannot grant itself groups)', async () => {
    const first = await resolver.resolve({ 'x-api-key': BOT_KEY });
    first.groups.push('admin');
    expect((await resolver.resolve({ 'x-api-key': BOT_KEY })).groups).toEqual([]);
  });

  it.each([
    ['an unknown key', { 'x-api-key': 'sk_live_nope' }, 'unknown_api_key'],
    ['a key differing in one character', { 'x-api-key': `${CI_KEY.slice(0, -1)}0` }, 'unknown_api_key'],
    ['the stored hash presented as the key', { 'x-api-key': hashApiKey(CI_KEY) }, 'unknown_api_key'],
    ['the key with a prefix', { 'x-api-key': `x${CI_KEY}` }, 'unknown_api_key'],
    ['an oversized key', { 'x-api-key': 'k'.repeat(600) }, 'too_large'],
    ['a key with inner whitespace', { 'x-api-key': 'sk live' }, 'malformed'],
    ['two keys joined by a comma', { 'x-api-key': `${CI_KEY}, ${BOT_KEY}` }, 'malformed'],
    ['the header twice', { 'x-api-key': [CI_KEY, BOT_KEY] }, 'duplicate_header'],
    ['a bearer token while only API keys are configured', { authorization: 'Bearer a.b.c' }, 'unsupported_credentials'],
  ] as const)('refuses %s', async (_name, headers, reason) => {
    expect(await resolver.resolve(headers as never)).toMatchObject({ authenticated: false, sub: null, groups: [], reason });
  });

  it('identityError maps refusals to coded errors (401 token invalid, 503 JWKS down), null when authenticated', async () => {
    expect(identityError(await resolver.resolve({ 'x-api-key': CI_KEY }))).toBeNull();
    const refused = identityError(await resolver.resolve({ 'x-api-key': 'sk_wrong' }));
    expect(refused).toMatchObject({ code: 'SLUICE_ERR_TOKEN_INVALID', status: 401, details: { reason: 'unknown_api_key' } });
    const down = identityError({ authenticated: false, method: 'jwt', sub: null, groups: [], claims: {}, reason: 'jwks_unavailable' });
    expect(down).toMatchObject({ code: 'SLUICE_ERR_JWKS_UNAVAILABLE', status: 503 });
  });

  it('uses a configured header name', async () => {
    const custom = createIdentityResolver({
      apiKeys: [{ id: 'ci', hash: hashApiKey(CI_KEY), sub: 'svc-ci', groups: [] }],
      header: { apiKey: 'X-Service-Key' },
    });
    expect((await custom.resolve({ 'x-service-key': CI_KEY })).authenticated).toBe(true);
    expect((await custom.resolve({ 'x-api-key': CI_KEY })).reason).toBe('missing');
  });

  it('refuses duplicate ids or hashes at construction', () => {
    const build = (second: { id: string; hash: string }) => () =>
      createIdentityResolver({
        apiKeys: [
          { id: 'a', hash: hashApiKey(CI_KEY), sub: 's', groups: [] },
          { ...second, sub: 's', groups: [] },
        ],
      });
    for (const second of [{ id: 'a', hash: hashApiKey(BOT_KEY) }, { id: 'b', hash: hashApiKey(CI_KEY) }]) {
      let thrown: unknown;
      try {
        build(second)();
      } catch (err) {
        thrown = err;
      }
      expect(isSluiceError(thrown, 'SLUICE_ERR_INVALID_OPTIONS')).toBe(true);
    }
  });
});
