/** @module adapters/fastify — Sluice as a Fastify 5 plugin: preParsing runs the request phase, onSend masks the response. */
import { PassThrough, Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isSluiceError, SluiceError, type Exchange, type RouteRequest, type RouteResponse, type Sluice } from '../engine/index.js';

/** Options of the plugin. */
export interface SluiceFastifyOptions {
  sluice: Sluice;
  /** The approver routes (`approvalRoutes(approvals, { prefix, authenticate })`) and the prefix they answer under. */
  approvalRoutes?: { prefix: string; handle: (req: RouteRequest) => Promise<RouteResponse> };
}

const EXCHANGE = Symbol('sluice.exchange');
type WithExchange = FastifyRequest & { [EXCHANGE]?: Exchange };

function coded(err: unknown): SluiceError {
  return isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_INTERNAL', undefined, { cause: err });
}

function errorReply(reply: FastifyReply, err: unknown): FastifyReply {
  const e = coded(err);
  const status = typeof e.details.status === 'number' ? e.details.status : e.status;
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send({ error: e.toJSON() });
}

/** Run a string/Buffer payload through the response phase, collecting the masked bytes. */
function maskWhole(sluice: Sluice, exchange: Exchange, reply: FastifyReply, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const sink = {
      data(c: Uint8Array) { parts.push(c); },
      end() { resolve(parts.length === 1 ? Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.byteLength) : Buffer.concat(parts)); },
      error: reject,
    };
    sluice.response(exchange, { status: reply.statusCode, headers: reply.getHeaders() as Record<string, string> }, sink).then((guard) => {
      applyHeaders(reply, guard.headers);
      guard.send(payload);
    }, reject);
  });
}

function applyHeaders(reply: FastifyReply, headers: Record<string, string | string[]>): void {
  for (const name of Object.keys(reply.getHeaders())) if (!(name in headers)) reply.removeHeader(name);
  reply.headers(headers);
}

/** Run a streamed payload through the response phase; the returned stream carries the masked bytes. */
async function maskStream(sluice: Sluice, exchange: Exchange, reply: FastifyReply, payload: Readable): Promise<Readable> {
  const out = new PassThrough();
  const sink = { data(c: Uint8Array) { out.write(c); }, end() { out.end(); }, error(e: SluiceError) { out.destroy(e); } };
  const guard = await sluice.response(exchange, { status: reply.statusCode, headers: reply.getHeaders() as Record<string, string> }, sink);
  applyHeaders(reply, guard.headers);
  payload.on('data', (c: Buffer | string) => guard.write(typeof c === 'string' ? Buffer.from(c) : c));
  payload.on('end', () => guard.end());
  payload.on('error', (e) => guard.abort(e));
  return out;
}

/** A stream of one buffer, without copying it (Readable.from copies through an iterator and a microtask per read). */
function onceReadable(bytes: Uint8Array): Readable {
  const stream = new Readable({ read() {} });
  stream.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  stream.push(null);
  return stream;
}

const plugin: FastifyPluginAsync<SluiceFastifyOptions> = async (fastify, options) => {
  const { sluice, approvalRoutes } = options;
  if (!sluice || typeof sluice.request !== 'function') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'the sluice option is required');

  if (approvalRoutes) {
    const route = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const r = await approvalRoutes.handle({ method: req.method, path: req.url, headers: req.headers, body: req.body });
      return reply.code(r.status).headers(r.headers).send(r.body);
    };
    fastify.all(approvalRoutes.prefix, route);
    fastify.all(`${approvalRoutes.prefix}/*`, route);
  }

  fastify.addHook('preParsing', async (request, reply, payload) => {
    if (approvalRoutes && request.url.startsWith(approvalRoutes.prefix)) return payload;
    try {
      const guarded = await sluice.request({
        adapter: 'fastify', direction: 'inbound', method: request.method, host: request.headers.host ?? '', path: request.url,
        headers: request.headers, body: payload,
      });
      (request as WithExchange)[EXCHANGE] = guarded.exchange;
      // The masked body is decoded: the content parser must not see the original encoding.
      delete request.headers['content-encoding'];
      const body = guarded.body ?? new Uint8Array(0);
      const stream = (body instanceof Uint8Array ? onceReadable(body) : Readable.from(body)) as Readable & { receivedEncodedLength?: number };
      // What came over the wire (Fastify checks it against Content-Length; the masked body's length differs).
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared)) stream.receivedEncodedLength = declared;
      return stream;
    } catch (err) {
      errorReply(reply, err);
      return payload;
    }
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const exchange = (request as WithExchange)[EXCHANGE];
    if (!exchange) return payload;
    (request as WithExchange)[EXCHANGE] = undefined;
    try {
      // `return await`: a rejection (deny, unscannable body) must reach the catch below, not Fastify's error handler.
      if (payload === null || payload === undefined) return await maskWhole(sluice, exchange, reply, Buffer.alloc(0));
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
        return await maskWhole(sluice, exchange, reply, typeof payload === 'string' ? Buffer.from(payload) : payload);
      }
      reply.removeHeader('content-length');
      return await maskStream(sluice, exchange, reply, payload as Readable);
    } catch (err) {
      const e = coded(err);
      const status = typeof e.details.status === 'number' ? e.details.status : e.status;
      for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
      reply.code(status).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify({ error: e.toJSON() });
    }
  });
};

/**
 * The Fastify plugin (fastify-plugin, name 'sluice', Fastify 5): every route's request body is inspected, decided and
 * masked before parsing (malformed JSON ⇒ 400, handler not called); responses are masked in onSend (strings, Buffers
 * and streams).
 *
 * @example
 * const app = Fastify();
 * await app.register(sluiceFastify, { sluice });
 * app.get('/users/:id', async () => user);
 */
export const sluiceFastify = fp(plugin, { name: 'sluice', fastify: '5.x' });
export default sluiceFastify;
