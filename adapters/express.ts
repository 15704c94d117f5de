/** @module adapters/express — Sluice as Express 5 middleware: the request body is consumed through the engine, responses masked as written. */
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import { isSluiceError, SluiceError, type Exchange, type GuardedResponse, type RouteRequest, type RouteResponse, type Sluice } from '../engine/index.js';

type Next = (err?: unknown) => void;
type Chunk = string | Uint8Array;

/** Options of the middleware. */
export interface SluiceExpressOptions {
  /** The approver routes (`approvalRoutes(approvals, { prefix, authenticate })`) and the prefix they answer under. */
  approvalRoutes?: { prefix: string; handle: (req: RouteRequest) => Promise<RouteResponse> };
}

function coded(err: unknown): SluiceError {
  return isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_INTERNAL', undefined, { cause: err });
}

/** Answer a coded error as `{ error: { code, message, details } }` with its status (a deny uses the decision's status). */
function sendError(res: ServerResponse, err: unknown, send: (body: Buffer) => void): void {
  const e = coded(err);
  const status = typeof e.details.status === 'number' ? e.details.status : e.status;
  const body = Buffer.from(JSON.stringify({ error: e.toJSON() }));
  res.statusCode = status;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', body.length);
  send(body);
}

async function collect(body: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(typeof part === 'string' ? Buffer.from(part) : part);
  return Buffer.concat(parts);
}

const toBuffer = (chunk: Chunk, encoding?: BufferEncoding): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk));

/**
 * The masked writes of one response: res.writeHead/write/end are replaced by this object's bound methods, so the
 * body goes through the response phase before anything is sent. Headers go out with the first masked byte (or the
 * end): a failure before it is still a coded error response.
 */
class GuardedWrites {
  private readonly origWriteHead: (status: number) => ServerResponse;
  private readonly origWrite: (chunk: Uint8Array) => boolean;
  private readonly origEnd: (chunk?: Uint8Array) => ServerResponse;
  private guard: GuardedResponse | null = null;
  private starting = false;
  private ended = false;
  private written = false;
  /** The body of `res.end(body)` with nothing written before: handed over whole (one-pass masking). */
  private whole: Buffer | null = null;
  private readonly queue: Buffer[] = [];

  constructor(private readonly sluice: Sluice, private readonly exchange: Exchange, private readonly res: ServerResponse) {
    this.origWriteHead = res.writeHead.bind(res) as (status: number) => ServerResponse;
    this.origWrite = res.write.bind(res) as (chunk: Uint8Array) => boolean;
    this.origEnd = res.end.bind(res) as (chunk?: Uint8Array) => ServerResponse;
    res.writeHead = this.writeHead.bind(this) as typeof res.writeHead;
    res.write = this.write.bind(this) as typeof res.write;
    res.end = this.end.bind(this) as typeof res.end;
  }

  private head(): void { if (!this.res.headersSent) this.origWriteHead(this.res.statusCode); }

  private fail(err: unknown): void {
    sendError(this.res, err, (b) => { this.origWriteHead(this.res.statusCode); this.origEnd(b); });
  }

  private begin(): void {
    if (this.starting) return;
    this.starting = true;
    const { res } = this;
    const writes = this; // method shorthand below: no named closure made per response
    const sink = {
      data(chunk: Uint8Array) { writes.head(); writes.origWrite(chunk); },
      end() { writes.head(); writes.origEnd(); },
      error(err: SluiceError) { if (res.headersSent) res.destroy(err); else writes.fail(err); },
    };
    this.sluice.response(this.exchange, { status: res.statusCode, headers: res.getHeaders() as Record<string, string | string[]> }, sink).then((g) => {
      this.guard = g;
      for (const name of res.getHeaderNames()) if (!(name in g.headers)) res.removeHeader(name);
      for (const [name, value] of Object.entries(g.headers)) res.setHeader(name, value);
      if (this.whole) return g.send(this.whole);
      for (const chunk of this.queue) g.write(chunk);
      this.queue.length = 0;
      if (this.ended) g.end();
    }, (err: unknown) => this.fail(err));
  }

  writeHead(status: number, ...rest: unknown[]): ServerResponse {
    const { res } = this;
    res.statusCode = status;
    const headers = rest.find((r) => typeof r === 'object' && r !== null) as OutgoingHttpHeaders | string[] | undefined;
    if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
    else if (headers) for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
    return res;
  }

  write(chunk: Chunk, encoding?: unknown, cb?: unknown): boolean {
    this.begin();
    this.written = true;
    const buf = toBuffer(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    if (this.guard) this.guard.write(buf);
    else this.queue.push(buf);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }

  end(chunk?: unknown, encoding?: unknown, cb?: unknown): ServerResponse {
    const { res } = this;
    if (this.ended) return res;
    if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
    if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
    if (chunk !== undefined && chunk !== null && !this.written) this.whole = toBuffer(chunk as Chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    else if (chunk !== undefined && chunk !== null) res.write(chunk as Chunk, encoding as BufferEncoding);
    this.begin();
    this.ended = true;
    if (this.guard && this.whole) this.guard.send(this.whole);
    else if (this.guard) this.guard.end();
    if (typeof cb === 'function') res.once('finish', cb as () => void);
    return res;
  }
}

/**
 * Express middleware: consumes the request body through the engine (bounded, decoded, inspected, masked; malformed
 * JSON ⇒ 400 and the handler is never called), sets `req.body` (parsed JSON, or a Buffer), denies with the policy's
 * status and a JSON reason, and masks the response while it is written. Mount it before your routes.
 *
 * @example
 * const app = express();
 * app.use(sluiceExpress(sluice));
 * app.get('/users/:id', (req, res) => res.json(user));
 */
export function sluiceExpress(sluice: Sluice, options: SluiceExpressOptions = {}): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const approvals = options.approvalRoutes;
  return (req, res, next) => {
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (approvals && url.startsWith(approvals.prefix)) {
      collect(req).then((raw) => approvals.handle({ method: req.method ?? 'GET', path: url, headers: req.headers, body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined }))
        .then((r) => { res.writeHead(r.status, r.headers); res.end(r.body); })
        .catch((err: unknown) => sendError(res, new SluiceError('SLUICE_ERR_JSON_SYNTAX', undefined, { cause: err }), (b) => res.end(b)));
      return;
    }
    sluice.request({
      adapter: 'express', direction: 'inbound', method: req.method ?? 'GET', host: req.headers.host ?? '', path: url,
      headers: req.headers, body: req,
    }).then(async (guarded) => {
      const body = guarded.body instanceof Uint8Array || guarded.body === null ? guarded.body : await collect(guarded.body);
      if (body && body.length) {
        const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength); // a view, not a copy
        (req as { body?: unknown }).body = guarded.json ? JSON.parse(bytes.toString('utf8')) : bytes;
      }
      new GuardedWrites(sluice, guarded.exchange, res); // installs itself as res.writeHead/write/end
      next();
    }).catch((err: unknown) => sendError(res, err, (b) => res.end(b)));
  };
}
