/** @module pipeline/request — the request phase: buffer (bounded), decode, inspect, decide, mask/patch, reframe, credentials. */
import { performance } from 'node:perf_hooks';
import { SluiceError } from '../errors.js';
import { collectBody, type BodyInput } from './body.js';
import { decodeBody, parseEncodings } from './decode.js';
import { createNdjsonMasker, createTextMasker, type ByteMasker } from '../stream/text-mask.js';
import { binaryDenied, kindOfType, sniffKind, type BodyKind } from './body-kind.js';
import { createResponseCapture, DEFAULT_AUDIT_BODY_BYTES } from './capture.js';
import { ANONYMOUS, Exchange, NOTHING_TO_RECORD, type Core } from './exchange.js';
import { headerValue, injectCredentials, normalizeHeaders, reframe, type HeaderMap } from './headers.js';
import { detectApi, extractFacts, toPolicyLlm } from './llm.js';
import { inspectBody, maskFor, type InspectKind } from './inspect.js';
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

/** How a (decoded) request body is inspected; untyped bodies are sniffed, SSE sent as a request is text. */
function requestKind(contentType: string | undefined, plain: Uint8Array): InspectKind | 'binary' {
  const declared = kindOfType(contentType);
  if (declared === 'sniff') return plain.length ? sniffKind(plain) : 'text';
  return declared === 'sse' ? 'text' : declared;
}

const NOTHING_FOUND = { findings: [], spans: [], facts: null };

const tooLarge = (limit: number): SluiceError => new SluiceError('SLUICE_ERR_BODY_TOO_LARGE', `over ${limit} bytes`, { details: { limit } });

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
  if (collected.rest && (opts.limits.oversize === 'reject' || encodings.length)) throw tooLarge(opts.limits.requestBytes);
  const plain = encodings.length ? decodeBody(collected.bytes, encodings, opts.limits.decode) : collected.bytes;
  if (plain.length > opts.limits.requestBytes && !collected.rest) throw tooLarge(opts.limits.requestBytes);
  const contentType = headerValue(headers, 'content-type');
  const kind = requestKind(contentType, plain);
  if (kind === 'binary' && opts.binary === 'deny') throw binaryDenied(contentType, 415);
  const json = kind === 'json';
  exchange.api = json ? detectApi(req.path) : null;

  if (collected.rest) return truncatedRequest(core, exchange, req, headers, plain, collected.rest, kind, t0);

  const t1 = performance.now();
  const inspection = plain.length && kind !== 'binary' ? inspectBody(core, plain, kind, exchange.api) : NOTHING_FOUND;
  if (exchange.api) {
    exchange.llm = inspection.facts
      ? toPolicyLlm(inspection.facts, exchange.api)
      : extractFacts(exchange.api, 'request', plain.length ? JSON.parse(Buffer.from(plain).toString('utf8')) : {});
  }
  const inspectMs = performance.now() - t1;
  // Everything found, masked: computed at most once, for the audit event and (usually) for forwarding.
  const all = { masked: null as Uint8Array | null, get(): Uint8Array { return (all.masked ??= inspection.spans.length ? stream.applyMasks(plain, inspection.spans, { placeholder: opts.placeholder }) : plain); } };
  const decision = await exchange.decide('request', {
    status: null, findings: inspection.findings, llm: exchange.llm, bytes: plain.length, truncated: false,
    timings: { inspect: inspectMs, total: performance.now() - t0 },
  }, () => ({ body: plain.length && kind !== 'binary' ? all.get() : null }));

  const spans = maskFor(decision, inspection.spans);
  const pathSpans = json && decision.mask.paths.length ? stream.spansForPaths(plain, decision.mask.paths, { maxDepth: opts.limits.depth }) : [];
  let out = pathSpans.length ? stream.applyMasks(plain, [...spans, ...pathSpans], { placeholder: opts.placeholder })
    : spans.length === inspection.spans.length ? all.get() : spans.length ? stream.applyMasks(plain, spans, { placeholder: opts.placeholder }) : plain;
  if (json && decision.patch.length) out = stream.applyPatch(out, decision.patch);
  let fwd = reframe(headers, { decoded: encodings.length > 0, length: out.length });
  if (req.direction === 'outbound') fwd = injectCredentials(fwd, req.host, opts.credentials);
  return { exchange, decision, headers: fwd, body: req.body == null && out.length === 0 ? null : out, truncated: false, json };
}

/** The streaming masker of a body too large to buffer (null: binary, passed unscanned when configured). */
function streamMasker(core: Core, kind: BodyKind): ByteMasker | null {
  const { opts, stream } = core;
  const base = { scanner: opts.scanner, placeholder: opts.placeholder, limits: { maxDepth: opts.limits.depth } };
  if (kind === 'binary') return null;
  if (kind === 'json') return stream.createJsonMasker(Object.assign(base, { shouldMask: () => true })) as ByteMasker;
  return kind === 'ndjson' ? createNdjsonMasker(Object.assign(base, { maxLineBytes: opts.limits.requestBytes })) : createTextMasker(base);
}

/**
 * A body over `requestBytes` with `oversize: 'truncate'`: the policy decides on the prefix (`truncated: true`),
 * then the whole body is streamed through a masker (everything found is masked). The audit event is recorded
 * once the body has been forwarded, with the masked bytes up to the log's maxBodyBytes and the full size.
 */
async function truncatedRequest(
  core: Core, exchange: Exchange, req: GuardRequestInput, headers: Record<string, string | string[]>, prefix: Uint8Array,
  rest: AsyncIterator<Uint8Array | string>, kind: BodyKind, t0: number,
): Promise<GuardedRequest> {
  const { opts } = core;
  const findings = kind === 'binary' ? [] : inspectBody(core, prefix, 'text').findings;
  const { decision, record } = await exchange.decideDeferred('request', {
    status: null, findings, llm: null, bytes: prefix.length, truncated: true, timings: { total: performance.now() - t0 },
  });
  const masker = streamMasker(core, kind);
  const capture = record === NOTHING_TO_RECORD || !masker ? null : createResponseCapture('bytes', opts.audit?.maxBodyBytes ?? DEFAULT_AUDIT_BODY_BYTES);
  let total = 0;
  const pass = (bytes: Uint8Array): Uint8Array => { total += bytes.length; capture?.write(bytes); return bytes; };
  async function* masked(): AsyncGenerator<Uint8Array> {
    try {
      yield pass(masker ? masker.write(prefix) : prefix);
      for (let next = await rest.next(); !next.done; next = await rest.next()) {
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        yield pass(masker ? masker.write(chunk) : chunk);
      }
      if (masker) yield pass(masker.end());
    } finally {
      const kept = capture?.result();
      await record({ ...(kept ? { body: kept.body, bodyBytes: kept.bodyBytes } : {}), facts: { findings: masker?.findings() ?? findings, bytes: total } });
    }
  }
  let fwd = reframe(headers, { decoded: false });
  if (req.direction === 'outbound') fwd = injectCredentials(fwd, req.host, opts.credentials);
  return { exchange, decision, headers: fwd, body: masked(), truncated: true, json: kind === 'json' };
}
