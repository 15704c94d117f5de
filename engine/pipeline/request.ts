/** @module pipeline/request — the request phase: buffer (bounded), decode, inspect, decide, mask/patch, reframe, credentials. */
import { performance } from 'node:perf_hooks';
import { SluiceError } from '../errors.js';
import { collectBody, type BodyInput } from './body.js';
import { decodeBody, parseEncodings } from './decode.js';
import { ANONYMOUS, Exchange, type Core } from './exchange.js';
import { headerValue, injectCredentials, normalizeHeaders, reframe, type HeaderMap } from './headers.js';
import { detectApi, extractFacts, toPolicyLlm } from './llm.js';
import { inspectBody, maskFor } from './inspect.js';
import { assertSecureTarget } from './tls.js';
import type { Decision, PipelineIdentity } from './types.js';

/** A request as an adapter hands it to the pipeline. */
export interface GuardRequestInput {
  adapter: string;
  /** 'outbound' (undici: TLS rules and credentials apply) or 'inbound' (Express, Fastify: identity is resolved). */
  direction: 'outbound' | 'inbound';
  method: string;
  /** 'https:' or 'http:' (outbound). */
  protocol?: string;
  /** host[:port] */
  host: string;
  path: string;
  headers: HeaderMap;
  body: BodyInput;
  /** A fixed identity (e.g. the service's own principal for outbound calls); skips the resolver. */
  identity?: PipelineIdentity;
}

/** The request after the request phase: what may be forwarded. */
export interface GuardedRequest {
  exchange: Exchange;
  decision: Decision;
  /** Headers to forward: framing recomputed, content-encoding dropped when decoded, credentials injected. */
  headers: Record<string, string | string[]>;
  /** Bytes to forward (masked, patched), or a masked stream when the body was truncated for inspection. */
  body: Uint8Array | AsyncIterable<Uint8Array> | null;
  truncated: boolean;
  /** True when the body is JSON. */
  json: boolean;
}

function pickHeaders(headers: Record<string, string | string[]>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) { const v = headerValue(headers, name); if (v !== undefined) out[name] = v; }
  return out;
}

function isJson(contentType: string | undefined, bytes: Uint8Array): boolean {
  if (contentType !== undefined) return /[/+]json\b/i.test(contentType);
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b === 0x7b || b === 0x5b;
  return false;
}

/**
 * Run the request phase. Throws a coded SluiceError when the request must not be forwarded
 * (denied, too large, undecodable, malformed JSON, insecure target, approval refused).
 *
 * @example
 * const guarded = await guardRequest(core, { adapter: 'undici', direction: 'outbound', method: 'POST', protocol: 'https:',
 *   host: 'api.anthropic.com', path: '/v1/messages', headers, body });
 */
export async function guardRequest(core: Core, req: GuardRequestInput): Promise<GuardedRequest> {
  const { opts, stream } = core;
  const t0 = performance.now();
  const hostname = req.host.replace(/:\d+$/, '');
  if (req.direction === 'outbound') assertSecureTarget(req.protocol ?? 'https:', hostname, opts.tls);
  const headers = normalizeHeaders(req.headers);
  const identity = req.identity ?? (req.direction === 'inbound' && opts.identity ? await opts.identity.resolve(headers) : ANONYMOUS);
  const exchange = new Exchange(core, req.adapter, identity, { method: req.method.toUpperCase(), host: req.host, path: req.path, headers: pickHeaders(headers, opts.headers) });
  const encodings = parseEncodings(headers['content-encoding'], opts.limits.decode);
  const collected = await collectBody(req.body, opts.limits.requestBytes);
  const tooLarge = (): SluiceError => new SluiceError('SLUICE_ERR_BODY_TOO_LARGE', `over ${opts.limits.requestBytes} bytes`, { details: { limit: opts.limits.requestBytes } });
  if (collected.rest && (opts.limits.oversize === 'reject' || encodings.length)) throw tooLarge();
  const plain = encodings.length ? decodeBody(collected.bytes, encodings, opts.limits.decode) : collected.bytes;
  if (plain.length > opts.limits.requestBytes && !collected.rest) throw tooLarge();
  const json = isJson(headerValue(headers, 'content-type'), plain);
  exchange.api = json ? detectApi(req.path) : null;

  if (collected.rest) return truncatedRequest(core, exchange, req, headers, plain, collected.rest, json, t0);

  const t1 = performance.now();
  const inspection = plain.length ? inspectBody(core, plain, json, exchange.api) : { findings: [], spans: [], facts: null };
  if (exchange.api) {
    exchange.llm = inspection.facts
      ? toPolicyLlm(inspection.facts, exchange.api)
      : extractFacts(exchange.api, 'request', plain.length ? JSON.parse(Buffer.from(plain).toString('utf8')) : {});
  }
  const inspectMs = performance.now() - t1;
  let audited: Uint8Array | null = null;
  const auditBody = (): Uint8Array => (audited ??= inspection.spans.length ? stream.applyMasks(plain, inspection.spans, { placeholder: opts.placeholder }) : plain);
  const decision = await exchange.decide('request', {
    status: null, findings: inspection.findings, llm: exchange.llm, bytes: plain.length, truncated: false,
    timings: { inspect: inspectMs, total: performance.now() - t0 },
  }, () => ({ body: plain.length ? auditBody() : null }));

  const spans = maskFor(decision, inspection.spans);
  const pathSpans = json && decision.mask.paths.length ? stream.spansForPaths(plain, decision.mask.paths, { maxDepth: opts.limits.depth }) : [];
  let out = pathSpans.length ? stream.applyMasks(plain, [...spans, ...pathSpans], { placeholder: opts.placeholder })
    : spans.length === inspection.spans.length ? auditBody() : spans.length ? stream.applyMasks(plain, spans, { placeholder: opts.placeholder }) : plain;
  if (json && decision.patch.length) out = stream.applyPatch(out, decision.patch);
  let fwd = reframe(headers, { decoded: encodings.length > 0, length: out.length });
  if (req.direction === 'outbound') fwd = injectCredentials(fwd, req.host, opts.credentials);
  return { exchange, decision, headers: fwd, body: req.body == null && out.length === 0 ? null : out, truncated: false, json };
}

async function truncatedRequest(
  core: Core, exchange: Exchange, req: GuardRequestInput, headers: Record<string, string | string[]>, prefix: Uint8Array,
  rest: AsyncIterator<Uint8Array | string>, json: boolean, t0: number,
): Promise<GuardedRequest> {
  const { opts, stream } = core;
  const findings = inspectBody(core, prefix, false).findings;
  const decision = await exchange.decide('request', {
    status: null, findings, llm: null, bytes: prefix.length, truncated: true, timings: { total: performance.now() - t0 },
  });
  if (!json) throw new SluiceError('SLUICE_ERR_BODY_TOO_LARGE', 'only JSON bodies can be streamed past the inspection limit');
  const masker = stream.createJsonMasker({ scanner: opts.scanner, shouldMask: () => true, placeholder: opts.placeholder, limits: { maxDepth: opts.limits.depth } });
  async function* masked(): AsyncGenerator<Uint8Array> {
    yield await masker.write(prefix);
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      yield await masker.write(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
    }
    yield await masker.end();
  }
  let fwd = reframe(headers, { decoded: false });
  if (req.direction === 'outbound') fwd = injectCredentials(fwd, req.host, opts.credentials);
  return { exchange, decision, headers: fwd, body: masked(), truncated: true, json };
}
