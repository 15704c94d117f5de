/** @module adapters/testing/mock-server — a loopback HTTP server that records every request and answers from a script. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';

/** One request as the mock received it: headers and the raw body (decoded as JSON when possible). */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

/** A tool call the mock should emit (Anthropic tool_use / OpenAI tool_calls). */
export interface MockToolCall {
  id?: string;
  name: string;
  input: Record<string, unknown>;
  /** How the serialized input is split across streamed deltas; default one chunk. */
  chunks?: string[];
}

/** A scripted reply. `text` is a list of deltas (joined for non-streaming replies). */
export interface MockReply {
  status?: number;
  text?: string[];
  toolCalls?: MockToolCall[];
  /** Compress the reply body with this encoding (sets content-encoding). */
  encoding?: 'gzip' | 'deflate' | 'br';
  /** Send this body verbatim instead (e.g. an error document). */
  raw?: { body: string | Buffer; contentType: string };
  /** Pause between streamed events, in ms (default 0). */
  delayMs?: number;
  headers?: Record<string, string>;
}

/** The running mock: its base URL, the requests it received, and a reply queue. */
export interface MockServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue replies for the next requests (FIFO); when empty the default reply is used. */
  enqueue(...replies: MockReply[]): void;
  setDefault(reply: MockReply): void;
  close(): Promise<void>;
}

/** Writes one reply for a recorded request; provider-specific. */
export type ReplyWriter = (req: RecordedRequest, reply: MockReply, res: ServerResponse) => Promise<void>;

const ENCODERS = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;

/** Send a complete body, compressed when the reply asks for it. */
export function sendBody(res: ServerResponse, status: number, contentType: string, body: string | Buffer, reply: MockReply): void {
  let bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string | number> = { 'content-type': contentType, ...reply.headers };
  if (reply.encoding) {
    bytes = ENCODERS[reply.encoding](bytes);
    headers['content-encoding'] = reply.encoding;
  }
  headers['content-length'] = bytes.length;
  res.writeHead(status, headers);
  res.end(bytes);
}

/** Write server-sent events one by one (uncompressed, chunked), with an optional pause between them. */
export async function sendEvents(res: ServerResponse, events: string[], reply: MockReply): Promise<void> {
  res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
  res.flushHeaders();
  for (const event of events) {
    res.write(event);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
  }
  res.end();
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/**
 * Start a recording mock on 127.0.0.1:0.
 *
 * @example
 * const mock = await startMockServer((req, reply, res) => sendBody(res, 200, 'application/json', '{}', reply));
 * await fetch(mock.url); mock.requests.length; // 1
 */
export async function startMockServer(write: ReplyWriter, defaultReply: MockReply = { text: ['ok'] }): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const queue: MockReply[] = [];
  let fallback = defaultReply;
  const server = createServer((req, res) => {
    readAll(req)
      .then(async (raw) => {
        let json: unknown;
        try { json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined; } catch { json = undefined; }
        const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, raw, json };
        requests.push(recorded);
        await write(recorded, queue.shift() ?? fallback, res);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => { fallback = reply; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
