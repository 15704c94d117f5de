/** @module demo/service — the example internal API an agent calls, behind sluiceExpress. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Sluice } from '../../engine/index.js';
import { sluiceExpress } from '../express.js';
import { SAMPLES } from '../testing/sluice-fixture.js';

/** The running service: its base URL, the orders its handler really deleted, and how to stop it. */
export interface InternalApi {
  base: string;
  deleted: string[];
  close(): Promise<void>;
}

/**
 * Start an Express app on loopback with Sluice mounted: GET /api/customers/:id answers PII, DELETE /api/orders/:id deletes.
 *
 * @example
 * const api = await startInternalApi(sluice);
 * await fetch(`${api.base}/api/customers/7`, { headers: { 'x-api-key': key } });
 */
export async function startInternalApi(sluice: Sluice): Promise<InternalApi> {
  const deleted: string[] = [];
  const app = express();
  app.use(sluiceExpress(sluice));
  app.get('/api/customers/:id', (req, res) => { res.json({ id: Number(req.params.id), email: SAMPLES.email, ssn: SAMPLES.ssn, plan: 'gold' }); });
  app.delete('/api/orders/:id', (req, res) => { deleted.push(req.params.id); res.json({ deleted: req.params.id }); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deleted,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
