/** @module identity/testing — test support: key pairs, honest and hand-crafted tokens, a real JWKS HTTP server. */
import { constants, createHmac, KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** A generated key pair with its public JWK (kid and alg set) and a Node private KeyObject. */
export interface TestKey {
  alg: string;
  kid: string;
  publicJwk: JWK;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/**
 * Generate a key pair with jose (`RS256`, `PS256`, `ES256`, `EdDSA`, ...).
 *
 * @example
 * const rsa = await makeKey('RS256', 'rsa-1');
 */
export async function makeKey(alg: string, kid: string): Promise<TestKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg };
  return { alg, kid, publicJwk, publicKey: KeyObject.from(pair.publicKey), privateKey: KeyObject.from(pair.privateKey) };
}

/**
 * An honest token signed by jose; `payload` overrides the defaults, `header` adds header parameters.
 *
 * @example
 * const token = await signToken(rsa, { sub: 'alice' }, { nowSec: 1_700_000_000 });
 */
export async function signToken(
  key: TestKey,
  payload: JWTPayload = {},
  options: { nowSec: number; header?: Record<string, unknown>; noExp?: boolean },
): Promise<string> {
  const claims: JWTPayload = {
    iss: 'https://idp.test',
    aud: 'sluice',
    sub: 'alice',
    iat: options.nowSec,
    ...(options.noExp ? {} : { exp: options.nowSec + 600 }),
    groups: ['dev'],
    ...payload,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header })
    .sign(key.privateKey);
}

const b64 = (value: string | object): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Sign raw `header.payload` bytes for any alg, including HS* with an arbitrary secret (for attacks). */
export function signRaw(header: string | object, payload: string | object, alg: string, key: KeyObject | Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const bits = alg.slice(2);
  let signature: Buffer;
  if (alg.startsWith('HS')) signature = createHmac(`sha${bits}`, key as Buffer).update(input).digest();
  else if (alg.startsWith('RS')) signature = sign(`sha${bits}`, Buffer.from(input), key as KeyObject);
  else if (alg.startsWith('PS')) {
    signature = sign(`sha${bits}`, Buffer.from(input), {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(bits) / 8,
    });
  } else if (alg.startsWith('ES')) {
    signature = sign(`sha${bits}`, Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  } else signature = sign(null, Buffer.from(input), key as KeyObject);
  return `${input}.${signature.toString('base64url')}`;
}

/** Build an unsigned compact token from raw parts (no signature computed). */
export function rawToken(header: string | object, payload: string | object, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** A real JWKS endpoint on 127.0.0.1:0 whose keys, availability and request count tests control. */
export interface JwksServer {
  url: string;
  /** Requests received so far. */
  requests: number;
  keys: JWK[];
  /** 'ok' serves the keys; 'error' answers 503; 'hang' never answers. */
  mode: 'ok' | 'error' | 'hang';
  /** Stop listening and drop open connections. */
  stop(): Promise<void>;
}

/**
 * Start a JWKS server with node:http on an ephemeral loopback port.
 *
 * @example
 * const server = await startJwksServer([rsa.publicJwk]);
 * // ... jwksUri: server.url ... ; await server.stop();
 */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { requests: 0, keys, mode: 'ok' as JwksServer['mode'] };
  const server: Server = createServer((req, res) => {
    state.requests += 1;
    if (state.mode === 'hang') return;
    if (state.mode === 'error' || req.url !== '/jwks') {
      res.writeHead(state.mode === 'error' ? 503 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/jwks`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
