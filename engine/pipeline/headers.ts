/** @module pipeline/headers — header maps, framing recomputed after a rewrite, credentials held by Sluice. */
import { SluiceError } from '../errors.js';

/** Lower-case header names to values, as Node and undici give them. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** Headers that carry a credential; stripped from the app's request when Sluice holds the target's credential. */
export const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'proxy-authorization', 'x-goog-api-key'] as const;

/**
 * A copy of `headers` with lower-case names and no undefined values.
 *
 * @example
 * normalizeHeaders({ 'Content-Type': 'application/json' }); // { 'content-type': 'application/json' }
 */
export function normalizeHeaders(headers: HeaderMap | Iterable<[string, string]> | null | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!headers) return out;
  if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, string]>) add(out, name, value);
    return out;
  }
  // A plain map (Node's IncomingHttpHeaders, undici's): no entry arrays, names usually lower case already.
  const map = headers as HeaderMap;
  for (const name in map) {
    if (!Object.prototype.hasOwnProperty.call(map, name)) continue;
    const value = map[name];
    if (value !== undefined) add(out, name, value);
  }
  return out;
}

const UPPER = /[A-Z]/;

function add(out: Record<string, string | string[]>, name: string, value: string | string[]): void {
  const key = UPPER.test(name) ? name.toLowerCase() : name;
  const prev = out[key];
  out[key] = prev === undefined ? value : ([] as string[]).concat(prev, value);
}

/** The first value of a header, or undefined. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Framing for a rewritten body: never both Content-Length and Transfer-Encoding; Content-Encoding
 * dropped when the body was decoded. `length` undefined means streamed (no Content-Length).
 *
 * @example
 * reframe(headers, { decoded: true, length: 42 }); // content-length: '42', no content-encoding
 */
export function reframe(headers: HeaderMap, opts: { decoded: boolean; length?: number }): Record<string, string | string[]> {
  const out = normalizeHeaders(headers);
  delete out['content-length'];
  delete out['transfer-encoding'];
  if (opts.decoded) delete out['content-encoding'];
  if (opts.length !== undefined) out['content-length'] = String(opts.length);
  return out;
}

/** Per target host (`api.anthropic.com`, or `host:port`), the headers Sluice injects after an allow. */
export type CredentialMap = Record<string, Record<string, string>>;

/**
 * Validate the credential map at construction (names lower-cased, values non-empty strings).
 *
 * @example
 * validateCredentials({ 'api.anthropic.com': { 'x-api-key': process.env.ANTHROPIC_API_KEY! } });
 */
export function validateCredentials(map: unknown): CredentialMap {
  if (map === undefined) return {};
  if (typeof map !== 'object' || map === null) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'credentials must be an object');
  const out: CredentialMap = {};
  for (const [host, headers] of Object.entries(map)) {
    if (typeof headers !== 'object' || headers === null) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `credentials for ${host} must be an object`);
    out[host.toLowerCase()] = {};
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string' || value === '') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `credential ${name} for ${host} must be a non-empty string`);
      out[host.toLowerCase()]![name.toLowerCase()] = value;
    }
  }
  return out;
}

/**
 * When Sluice holds a credential for `host` (matched as `host:port` then `hostname`), strip every credential
 * header the application sent and inject Sluice's. Other hosts are left untouched.
 *
 * @example
 * injectCredentials(headers, '127.0.0.1:8080', creds);
 */
export function injectCredentials(headers: Record<string, string | string[]>, host: string, creds: CredentialMap): Record<string, string | string[]> {
  const held = creds[host.toLowerCase()] ?? creds[host.toLowerCase().replace(/:\d+$/, '')];
  if (!held) return headers;
  for (const name of CREDENTIAL_HEADERS) delete headers[name];
  for (const name of Object.keys(held)) delete headers[name];
  return Object.assign(headers, held);
}
