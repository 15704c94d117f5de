/** @module identity/options — validates resolver options once, at construction (ajv + explicit key checks). */
import { Ajv } from 'ajv';
import { SluiceError } from '../errors.js';
import { ALLOWED_JWS_ALGORITHMS, type IdentityResolverOptions, type JwtOptions } from './types.js';

const stringOrList = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
  ],
};
const claimPath = { type: 'string', minLength: 1, maxLength: 256 };
const positive = (maximum: number) => ({ type: 'number', exclusiveMinimum: 0, maximum });
const nonNegative = (maximum: number) => ({ type: 'number', minimum: 0, maximum });

const OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    jwt: {
      type: 'object',
      additionalProperties: false,
      required: ['issuer', 'audience', 'algorithms'],
      properties: {
        issuer: stringOrList,
        audience: stringOrList,
        jwksUri: { type: 'string', minLength: 1 },
        keys: { type: 'array', minItems: 1 },
        algorithms: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', enum: [...ALLOWED_JWS_ALGORITHMS] },
        },
        clockToleranceSec: nonNegative(300),
        maxTokenAgeSec: positive(31_536_000),
        groupsClaim: claimPath,
        subjectClaim: claimPath,
        claims: { type: 'array', maxItems: 64, uniqueItems: true, items: claimPath },
        typ: { type: 'string', minLength: 1 },
        jwksCacheMaxAgeSec: positive(86_400 * 7),
        jwksCooldownSec: nonNegative(86_400),
        jwksTimeoutMs: { type: 'integer', minimum: 1, maximum: 60_000 },
        maxTokenBytes: { type: 'integer', minimum: 256, maximum: 65_536 },
        verifiedCacheSize: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      },
    },
    apiKeys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'hash', 'sub', 'groups'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 256 },
          hash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          sub: { type: 'string', minLength: 1, maxLength: 256 },
          groups: { type: 'array', maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 256 } },
        },
      },
    },
    header: {
      type: 'object',
      additionalProperties: false,
      properties: {
        authorization: { type: 'string', pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
        apiKey: { type: 'string', pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxClaimsBytes: { type: 'integer', minimum: 2, maximum: 65_536 },
        maxGroups: { type: 'integer', minimum: 0, maximum: 4096 },
        maxGroupLength: { type: 'integer', minimum: 1, maximum: 4096 },
      },
    },
    clock: {},
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: true }).compile(OPTIONS_SCHEMA);

/** Options after validation, with every default filled in. */
export interface NormalizedOptions {
  jwt: (Required<Omit<JwtOptions, 'jwksUri' | 'keys' | 'maxTokenAgeSec' | 'typ'>> &
    Pick<JwtOptions, 'jwksUri' | 'keys' | 'maxTokenAgeSec' | 'typ'>) | null;
  apiKeys: IdentityResolverOptions['apiKeys'] & object | null;
  authorizationHeader: string;
  apiKeyHeader: string;
  limits: { maxClaimsBytes: number; maxGroups: number; maxGroupLength: number };
  clock: () => number;
}

function invalid(message: string, details?: Record<string, unknown>): SluiceError {
  return new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `identity: ${message}`, details ? { details } : {});
}

function checkJwksUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid('jwt.jwksUri is not a URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalid('jwt.jwksUri must be https (plain http only on a loopback host)');
  }
  if (url.username || url.password) throw invalid('jwt.jwksUri must not carry credentials');
}

function normalizeJwt(jwt: JwtOptions): NonNullable<NormalizedOptions['jwt']> {
  if ((jwt.jwksUri === undefined) === (jwt.keys === undefined)) {
    throw invalid('jwt needs exactly one of jwksUri or keys');
  }
  if (jwt.jwksUri !== undefined) checkJwksUri(jwt.jwksUri);
  if ((jwt.jwksCooldownSec ?? 30) > (jwt.jwksCacheMaxAgeSec ?? 600)) {
    throw invalid('jwt.jwksCooldownSec must not exceed jwt.jwksCacheMaxAgeSec');
  }
  return {
    ...jwt,
    clockToleranceSec: jwt.clockToleranceSec ?? 30,
    groupsClaim: jwt.groupsClaim ?? 'groups',
    subjectClaim: jwt.subjectClaim ?? 'sub',
    claims: jwt.claims ?? [],
    jwksCacheMaxAgeSec: jwt.jwksCacheMaxAgeSec ?? 600,
    jwksCooldownSec: jwt.jwksCooldownSec ?? 30,
    jwksTimeoutMs: jwt.jwksTimeoutMs ?? 5000,
    maxTokenBytes: jwt.maxTokenBytes ?? 8192,
    verifiedCacheSize: jwt.verifiedCacheSize ?? 1000,
  };
}

function checkApiKeys(keys: NonNullable<IdentityResolverOptions['apiKeys']>): void {
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const key of keys) {
    if (ids.has(key.id)) throw invalid(`duplicate api key id '${key.id}'`);
    if (hashes.has(key.hash)) throw invalid(`api key '${key.id}' reuses another key's hash`);
    ids.add(key.id);
    hashes.add(key.hash);
  }
}

/**
 * Validate and normalize createIdentityResolver options; throws SLUICE_ERR_INVALID_OPTIONS.
 *
 * @example
 * const config = normalizeOptions({ apiKeys: [{ id: 'ci', hash: hashApiKey(key), sub: 'svc-ci', groups: ['ci'] }] });
 */
export function normalizeOptions(options: IdentityResolverOptions): NormalizedOptions {
  if (options === null || typeof options !== 'object') throw invalid('options must be an object');
  if (!validate(options)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    throw invalid(errors.join('; '), { errors });
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') throw invalid('clock must be a function');
  if (!options.jwt && !options.apiKeys) throw invalid('configure jwt, apiKeys, or both');
  if (options.apiKeys) checkApiKeys(options.apiKeys);
  const authorizationHeader = (options.header?.authorization ?? 'authorization').toLowerCase();
  const apiKeyHeader = (options.header?.apiKey ?? 'x-api-key').toLowerCase();
  if (authorizationHeader === apiKeyHeader) throw invalid('the authorization and api key headers must differ');
  return {
    jwt: options.jwt ? normalizeJwt(options.jwt) : null,
    apiKeys: options.apiKeys ?? null,
    authorizationHeader,
    apiKeyHeader,
    limits: {
      maxClaimsBytes: options.limits?.maxClaimsBytes ?? 4096,
      maxGroups: options.limits?.maxGroups ?? 256,
      maxGroupLength: options.limits?.maxGroupLength ?? 256,
    },
    clock: options.clock ?? Date.now,
  };
}
