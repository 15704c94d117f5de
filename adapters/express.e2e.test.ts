/** @module adapters/express.e2e.test — a real Express 5 app on loopback behind sluiceExpress, run through the shared internal-API and body-kind suites. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { sluiceExpress } from './express.js';
import { ROUTES, USER, runInternalApiCases, type Hits } from './testing/internal-api.cases.js';
import { SAMPLES } from './testing/sluice-fixture.js';
import { KIND_ROUTES, RAW_ROUTE, runBodyKindCases } from './testing/bodies.cases.js';

const hit = (hits: Hits, name: string): void => { hits.count[name] = (hits.count[name] ?? 0) + 1; };

runInternalApiCases('express', async (sluice, hits, approvalRoutes) => {
  const app = express();
  app.use(sluiceExpress(sluice, approvalRoutes ? { approvalRoutes } : {}));
  app.use(express.json());
  app.get(ROUTES.user, (_req, res) => { hit(hits, 'user'); res.json(USER); });
  app.delete(ROUTES.deleteUser, (_req, res) => { hit(hits, 'delete'); res.status(204).end(); });
  app.post(ROUTES.echo, (req, res) => { hit(hits, 'echo'); hits.bodies.push(req.body); res.json({ received: req.body }); });
  app.get(ROUTES.chunked, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    const half = SAMPLES.email.length >> 1;
    res.write(`{"items":[{"email":"${SAMPLES.email.slice(0, half)}`);
    setTimeout(() => { res.write(`${SAMPLES.email.slice(half)}"},`); res.end('{"ok":true}]}'); }, 5);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
});

runBodyKindCases('express', async (sluice, seen) => {
  const app = express();
  app.use(sluiceExpress(sluice));
  for (const route of Object.values(KIND_ROUTES)) {
    app.get(route.path, (_req, res) => {
      if (route.type) res.setHeader('content-type', route.type);
      res.write(route.parts[0]);
      setTimeout(() => res.end(route.parts[1]), 5);
    });
  }
  app.post(RAW_ROUTE, (req, res) => {
    const body = (req as { body?: Buffer }).body ?? Buffer.alloc(0);
    seen.push(body.toString('latin1'));
    res.json({ bytes: body.length });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
});
