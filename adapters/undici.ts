/** @module adapters/undici — Sluice as an undici interceptor and a ready dispatcher for fetch and the official SDKs. */
import { Agent, type Dispatcher } from 'undici';
import type { ByteSink, Exchange, GuardedResponse, HeaderMap, Sluice } from '../engine/index.js';
import { isSluiceError, SluiceError } from '../engine/index.js';

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];
type Handler = Dispatcher.DispatchHandler;

/** Options of the interceptor. */
export interface SluiceInterceptorOptions {
  /** The service's own principal, given to the policy as `input.identity` (default anonymous). */
  identity?: { authenticated: boolean; sub: string | null; groups: string[]; claims: Record<string, unknown>; method: string };
}

/** Options of `sluiceDispatcher`. */
export interface SluiceDispatcherOptions extends SluiceInterceptorOptions {
  sluice: Sluice;
  /** Options of the underlying undici Agent (the TLS minimum version is set from Sluice's `tls` options). */
  agent?: Agent.Options;
}

function addHeader(out: Record<string, string | string[]>, k: string, v: unknown): void {
  if (v === undefined || v === null) return;
  const key = k.toLowerCase();
  const value = Array.isArray(v) ? v.map(String) : String(v);
  const prev = out[key];
  out[key] = prev === undefined ? value : ([] as string[]).concat(prev, value);
}

function dispatchHeaders(h: Dispatcher.DispatchOptions['headers']): HeaderMap {
  const out: Record<string, string | string[]> = {};
  if (!h) return out;
  if (Array.isArray(h)) {
    if (Array.isArray(h[0])) for (const [k, v] of h as unknown as [string, string][]) addHeader(out, k, v);
    else for (let i = 0; i < h.length; i += 2) addHeader(out, String(h[i]), h[i + 1]);
  } else if (typeof (h as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of h as Iterable<[string, string]>) addHeader(out, k, v);
  } else {
    for (const [k, v] of Object.entries(h)) addHeader(out, k, v);
  }
  return out;
}

/** Wraps the downstream handler: runs the response phase, emits headers lazily (so a late deny is still an error). */
class SluiceResponseHandler implements Handler {
  private guard: GuardedResponse | null = null;
  private queued: Uint8Array[] = [];
  private upstreamEnded = false;
  private started = false;
  private failed = false;
  private meta: { status: number; message: string } = { status: 0, message: '' };
  private controller: Controller | null = null;

  constructor(private readonly sluice: Sluice, private readonly exchange: Exchange, private readonly downstream: Handler, private readonly method: string) {}

  onRequestStart(controller: Controller, context: unknown): void {
    this.controller = controller;
    this.downstream.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Controller, status: number, headers: Record<string, string | string[]>, socket: any): void {
    this.downstream.onRequestUpgrade?.(controller, status, headers, socket);
  }

  onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[] | undefined>, message: string): void {
    this.controller = controller;
    this.meta = { status, message };
    controller.pause();
    const handler = this; // method shorthand below: no named closure made per response
    const sink: ByteSink = {
      data(chunk) { handler.start(); handler.downstream.onResponseData?.(controller, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)); },
      end() { handler.start(); handler.downstream.onResponseEnd?.(controller, {}); },
      error(err) { handler.fail(err); },
    };
    this.sluice.response(this.exchange, { status, headers, method: this.method }, sink).then((guard) => {
      if (this.failed) return;
      this.guard = guard;
      for (const chunk of this.queued) guard.write(chunk);
      this.queued = [];
      if (this.upstreamEnded) guard.end();
      else controller.resume();
    }, (err: unknown) => this.fail(err));
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.failed) return;
    if (this.guard) this.guard.write(chunk);
    else this.queued.push(chunk);
  }

  onResponseEnd(_controller: Controller, _trailers: Record<string, string | string[]>): void {
    this.upstreamEnded = true;
    if (this.guard && !this.failed) this.guard.end();
  }

  onResponseError(controller: Controller, err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.downstream.onResponseError?.(controller, err);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.downstream.onResponseStart?.(this.controller!, this.meta.status, this.guard!.headers, this.meta.message);
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    const coded = isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_UPSTREAM', undefined, { cause: err });
    if (this.upstreamEnded) this.onResponseError(this.controller!, coded);
    else this.controller!.abort(coded);
  }
}

/**
 * An interceptor for `dispatcher.compose(...)`: the request phase runs before anything is sent (a deny rejects the
 * request with a coded SluiceError and nothing reaches the network); responses are masked while streaming.
 *
 * @example
 * const dispatcher = new Agent().compose(sluiceInterceptor(sluice));
 * await fetch('https://api.anthropic.com/v1/messages', { method: 'POST', body, dispatcher });
 */
export function sluiceInterceptor(sluice: Sluice, options: SluiceInterceptorOptions = {}): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const origin = new URL(String(opts.origin));
    const method = opts.method.toUpperCase();
    sluice.request({
      adapter: 'undici', direction: 'outbound', method, protocol: origin.protocol, host: origin.host, path: opts.path,
      headers: dispatchHeaders(opts.headers), body: opts.body as Parameters<Sluice['request']>[0]['body'],
      ...(options.identity ? { identity: options.identity } : {}),
    }).then((guarded) => {
      const body = guarded.body instanceof Uint8Array ? Buffer.from(guarded.body.buffer, guarded.body.byteOffset, guarded.body.byteLength) : guarded.body;
      // Object.assign, not a spread then new keys (Node 20: ~0.9 µs and a young-GC flood per object).
      dispatch(Object.assign({}, opts, { headers: guarded.headers, body: body as Dispatcher.DispatchOptions['body'] }), new SluiceResponseHandler(sluice, guarded.exchange, handler, method));
    }).catch((err: unknown) => {
      handler.onResponseError?.(null as unknown as Controller, isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_INTERNAL', undefined, { cause: err }));
    });
    return true;
  };
}

/**
 * A ready undici Agent with Sluice composed in; pass it to `fetch(url, { dispatcher })`, `setGlobalDispatcher`,
 * or an SDK's `fetchOptions: { dispatcher }`. Outbound TLS uses Sluice's minimum version (default TLSv1.2).
 *
 * @example
 * const dispatcher = sluiceDispatcher({ sluice });
 * const anthropic = new Anthropic({ fetchOptions: { dispatcher } });
 */
export function sluiceDispatcher(options: SluiceDispatcherOptions): Dispatcher {
  const { sluice, agent, ...rest } = options;
  const connect = typeof agent?.connect === 'function' ? agent.connect : { ...agent?.connect, minVersion: sluice.options.tls.minVersion };
  return new Agent({ ...agent, connect }).compose(sluiceInterceptor(sluice, rest));
}
