/** @module pipeline/response — the response phase: decide at headers, decode (capped), mask JSON/SSE while streaming, hold tool calls. */
import { performance } from 'node:perf_hooks';
import { SluiceError, isSluiceError } from '../errors.js';
import { createDecoder, parseEncodings, type ByteSink } from './decode.js';
import { NOTHING_TO_RECORD, type DeferredRecord, type Exchange } from './exchange.js';
import { headerValue, normalizeHeaders, reframe, type HeaderMap } from './headers.js';
import { inspectBody, maskFor, maskPredicate } from './inspect.js';
import { extractFacts, toolCall } from './llm.js';
import { createResponseCapture, DEFAULT_AUDIT_BODY_BYTES } from './capture.js';
import { binaryDenied, kindOfType, type BodyKind } from './body-kind.js';
import { PASS_THROUGH, sniffingMasker } from './sniff.js';
import { createNdjsonMasker, createTextMasker } from '../stream/text-mask.js';
import { MaskPipe, onceSink, toSluiceError } from './mask-pipe.js';
import type { MaskSpan, StreamMasker, ToolVerdict } from './seams.js';
import type { Decision, FindingFact } from './types.js';

/** Status and headers of a response, as the adapter received them. */
export interface ResponseMeta { status: number; headers: HeaderMap; method?: string }

/** The guarded response: rewritten headers, and a body to write chunks into (output reaches the sink). */
export interface GuardedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** False when the body passes through untouched (no body, or binary with `binary: 'pass'`). */
  inspected: boolean;
  write(chunk: Uint8Array): void;
  end(): void;
  /** The whole body at once (instead of write + end): a JSON body is then inspected and masked in one pass. */
  send(body: Uint8Array): void;
  /** Abort with an error (e.g. the upstream failed); the sink's error is called. */
  abort(err: unknown): void;
}

/** 'none': no body by definition (204, 304, HEAD); 'binary' here means passed unscanned (`binary: 'pass'`). */
type Kind = BodyKind | 'none';

function kindOf(contentType: string | undefined, status: number, method: string | undefined, binary: 'pass' | 'deny'): Kind {
  if (status === 204 || status === 304 || method === 'HEAD') return 'none';
  const kind = kindOfType(contentType);
  if (kind === 'binary' && binary === 'deny') throw binaryDenied(contentType, 502);
  return kind;
}

/** Decide one tool call (phase 'tool_call'); a deny or refused approval becomes a refusal verdict. */
async function decideToolCall(exchange: Exchange, call: { id?: string | null; name: string | null; input: unknown }, status: number): Promise<ToolVerdict> {
  const fact = toolCall(call.id || null, call.name ?? '', call.input); // an empty id counts as none
  const llm = Object.assign({}, exchange.llm ?? { provider: 'unknown', model: null, stream: false, tools: [] }, { tool_calls: [fact] });
  try {
    await exchange.decide('tool_call', { status, findings: [], llm, bytes: 0, truncated: false });
    return { action: 'allow' };
  } catch (err) {
    if (isSluiceError(err) && /^SLUICE_ERR_(DENIED|APPROVAL_)/.test(err.code)) {
      return { action: 'block', message: `Sluice blocked the tool call ${fact.name}: ${err.message}` };
    }
    throw err;
  }
}

/** Declared JSON bodies up to this size are buffered and masked in one pass (cheaper than the streaming masker). */
export const WHOLE_JSON_BYTES = 64 * 1024;

/**
 * A JSON body buffered up to `cap` bytes, then inspected and masked in one pass. `beforeRelease` (a model
 * provider's response: its tool calls are decided) runs on the whole body after inspection and may refuse it.
 */
function bufferedJsonMasker(exchange: Exchange, decision: Decision, cap: number, beforeRelease?: (body: Buffer) => Promise<void>): StreamMasker {
  const { core } = exchange;
  const parts: Uint8Array[] = [];
  let size = 0;
  let found: FindingFact[] = [];
  return {
    findings() { return found; },
    write(chunk) {
      size += chunk.length;
      if (size > cap) throw new SluiceError('SLUICE_ERR_BODY_TOO_LARGE', `response over ${cap} bytes`);
      parts.push(chunk);
      return EMPTY;
    },
    end() {
      const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      const inspection = inspectBody(core, body, 'json');
      found = inspection.findings;
      if (!beforeRelease) return masked(core, decision, inspection.spans, body);
      return beforeRelease(Buffer.from(body.buffer, body.byteOffset, body.byteLength)).then(() => masked(core, decision, inspection.spans, body));
    },
  };
}

/** `body` with the spans the decision masks replaced (the body itself when there are none). */
function masked(core: Exchange['core'], decision: Decision, spans: MaskSpan[], body: Uint8Array): Uint8Array {
  const chosen = maskFor(decision, spans);
  return chosen.length ? core.stream.applyMasks(body, chosen, { placeholder: core.opts.placeholder }) : body;
}

/** The response masker, made at the first byte (until then `send` may still pick the one-pass masker). */
class LazyMasker implements StreamMasker {
  constructor(public inner: StreamMasker | null, private readonly make: () => StreamMasker) {}
  write(chunk: Uint8Array): Uint8Array | Promise<Uint8Array> { return (this.inner ??= this.make()).write(chunk); }
  end(): Uint8Array | Promise<Uint8Array> { return (this.inner ??= this.make()).end(); }
  findings(): FindingFact[] { return this.inner?.findings?.() ?? []; }
}

const EMPTY = new Uint8Array(0);

/** A model provider's JSON response, buffered (capped) so its tool calls are decided before anything is released. */
function bufferedLlmMasker(exchange: Exchange, decision: Decision, status: number): StreamMasker {
  return bufferedJsonMasker(exchange, decision, exchange.core.opts.limits.responseBytes, async (body) => {
    const facts = extractFacts(exchange.api!, 'response', JSON.parse(body.toString('utf8')));
    for (const call of facts.tool_calls) {
      const verdict = await decideToolCall(exchange, call, status);
      if (verdict.action === 'block') {
        throw new SluiceError('SLUICE_ERR_DENIED', verdict.message, { details: { phase: 'tool_call', tool: call.name, status: 403 } });
      }
    }
  });
}

/**
 * The sink the masked output goes through: copies it (bounded by the audit log's maxBodyBytes) and records the
 * response decision with the masked body or SSE events before the stream ends; a failing record fails it closed.
 */
function recordingSink(exchange: Exchange, kind: Kind, masker: StreamMasker, record: DeferredRecord, sink: ByteSink): ByteSink {
  const { audit } = exchange.core.opts;
  if (!audit || record === NOTHING_TO_RECORD) return sink;
  const capture = createResponseCapture(kind === 'sse' ? 'sse' : 'bytes', audit.maxBodyBytes ?? DEFAULT_AUDIT_BODY_BYTES);
  const finish = async (): Promise<void> => {
    const { body, bodyBytes, sse, truncated } = capture.result();
    const findings = masker.findings?.() ?? [];
    await record({ facts: { findings, bytes: bodyBytes }, ...(sse ? { sse, sseTruncated: truncated } : { body, bodyBytes }) });
  };
  return {
    data(chunk) { capture.write(chunk); sink.data(chunk); },
    end() { finish().then(() => sink.end(), (err: unknown) => sink.error(toSluiceError(err))); },
    error(err) { finish().catch(() => undefined).finally(() => sink.error(err)); },
  };
}

const sseProvider = (p: string | undefined): 'auto' | 'anthropic' | 'openai' => (p === 'anthropic' || p === 'openai' ? p : 'auto');

function createMasker(exchange: Exchange, kind: Exclude<Kind, 'none' | 'binary'>, decision: Decision, status: number, contentType: string | undefined): StreamMasker {
  const { opts, stream } = exchange.core;
  const base = { scanner: opts.scanner, shouldMask: maskPredicate(decision), placeholder: opts.placeholder, limits: { maxDepth: opts.limits.depth } };
  switch (kind) {
    case 'sse': return stream.createSseMasker(Object.assign(base, { provider: sseProvider(exchange.llm?.provider), onToolCall: (call: Parameters<typeof decideToolCall>[1]) => decideToolCall(exchange, call, status) }));
    case 'json': return exchange.api ? bufferedLlmMasker(exchange, decision, status) : stream.createJsonMasker(base);
    case 'ndjson': return createNdjsonMasker(Object.assign(base, { maxLineBytes: opts.limits.responseBytes }));
    case 'sniff': return sniffingMasker((sniffed) => {
      if (sniffed !== 'binary') return createMasker(exchange, sniffed, decision, status, contentType);
      if (opts.binary === 'deny') throw binaryDenied(contentType, 502);
      return PASS_THROUGH;
    });
    default: return createTextMasker(base); // text, form
  }
}

/**
 * Run the response phase at headers time. Throws a coded SluiceError when the response must not reach the caller
 * (denied, unsupported or stacked encodings); later failures (bombs, malformed bodies, refused tool calls) reach
 * `sink.error` and nothing further is emitted.
 *
 * @example
 * const res = await guardResponse(exchange, { status: 200, headers }, { data: send, end: finish, error: fail });
 * res.write(chunk); res.end();
 */
export async function guardResponse(exchange: Exchange, meta: ResponseMeta, sink: ByteSink): Promise<GuardedResponse> {
  const t0 = performance.now();
  const headers = normalizeHeaders(meta.headers);
  const contentType = headerValue(headers, 'content-type');
  const kind = kindOf(contentType, meta.status, meta.method ?? exchange.http.method, exchange.core.opts.binary);
  const declared = Number(headerValue(headers, 'content-length') ?? 0) || 0;
  const llm = exchange.llm ? Object.assign({}, exchange.llm, { tool_calls: [] }) : null;
  const { decision, record } = await exchange.decideDeferred('response', {
    status: meta.status, findings: [], llm, bytes: declared, truncated: false, timings: { total: performance.now() - t0 },
  });
  if (kind === 'none' || kind === 'binary') {
    await record({}); // not inspected: only masked bodies reach the audit log, an unscanned one is recorded without its body
    const out = onceSink(sink);
    return {
      status: meta.status, headers, inspected: false,
      write(c) { out.data(c); }, end() { out.end(); }, send(b) { out.data(b); out.end(); }, abort(e) { out.error(e as SluiceError); },
    };
  }
  const encodings = parseEncodings(headers['content-encoding'], exchange.core.opts.limits.decode);
  // Created at the first byte: a whole body handed over by `send` may take the one-pass path instead. So does a
  // small, unencoded JSON body of declared length: buffered to its end (an upstream sending more is refused), then
  // masked in one pass, a fraction of the streaming masker's set-up cost per response.
  const masker = new LazyMasker(
    kind === 'json' && !exchange.api && !encodings.length && declared > 0 && declared <= WHOLE_JSON_BYTES ? bufferedJsonMasker(exchange, decision, declared) : null,
    () => createMasker(exchange, kind, decision, meta.status, contentType),
  );
  const out = onceSink(recordingSink(exchange, kind, masker, record, sink));
  const pipe = new MaskPipe(masker, out);
  const input: { write(chunk: Uint8Array): void; end(): void } = encodings.length
    ? createDecoder(encodings, exchange.core.opts.limits.decode, { data(c) { pipe.write(c); }, end() { pipe.end(); }, error(e) { pipe.fail(e); } })
    : pipe;
  return {
    status: meta.status,
    headers: reframe(headers, { decoded: encodings.length > 0 }),
    inspected: true,
    write(c) { input.write(c); },
    end() { input.end(); },
    send(body) {
      if (!masker.inner && input === pipe && kind === 'json' && !exchange.api) masker.inner = bufferedJsonMasker(exchange, decision, exchange.core.opts.limits.responseBytes);
      input.write(body);
      input.end();
    },
    abort(e) { pipe.fail(e); },
  };
}
