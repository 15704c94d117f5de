/** @module adapters/fastify.e2e.test — a real Fastify 5 app on loopback with the sluice plugin, run through the shared internal-API and body-kind suites. */
import Fastify from 'fastify';
import { Readable } from 'node:stream';
import { sluiceFastify } from './fastify.js';
import { ROUTES, USER, runInternalApiCases, type Hits } from './testing/internal-api.cases.js';
import { SAMPLES } from './testing/sluice-fixture.js';
import { KIND_ROUTES, RAW_ROUTE, runBodyKindCases } from './testing/bodies.cases.js';

const hit = (hits: Hits, name: string): void => { hits.count[name] = (hits.count[name] ?? 0) + 1; };

runInternalApiCases('fastify', async (sluice, hits, approvalRoutes) => {
  const app = Fastify({ bodyLimit: 16 << 20 });
  await app.register(sluiceFastify, { sluice, ...(approvalRoutes ? { approvalRoutes } : {}) });
  app.get(ROUTES.user, async () => { hit(hits, 'user'); return USER; });
  app.delete(ROUTES.deleteUser, async (_req, reply) => { hit(hits, 'delete'); return reply.code(204).send(); });
  app.post(ROUTES.echo, async (req) => { hit(hits, 'echo'); hits.bodies.push(req.body); return { received: req.body }; });
  app.get(ROUTES.chunked, async (_req, reply) => {
    const half = SAMPLES.email.length >> 1;
    const parts = [`{"items":[{"email":"${SAMPLES.email.slice(0, half)}`, `${SAMPLES.email.slice(half)}"},`, '{"ok":true}]}'];
    return reply.type('application/json').send(Readable.from(parts.map((p) => Buffer.from(p))));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
});

runBodyKindCases('fastify', async (sluice, seen) => {
  const app = Fastify();
  await app.register(sluiceFastify, { sluice });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  for (const route of Object.values(KIND_ROUTES)) {
    app.get(route.path, async (_req, reply) => {
      if (route.type) reply.type(route.type);
      return reply.send(Readable.from(route.parts));
    });
  }
  app.post(RAW_ROUTE, async (req) => {
    const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    seen.push(body.toString('latin1'));
    return { bytes: body.length };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
});
