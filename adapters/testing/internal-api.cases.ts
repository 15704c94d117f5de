/** @module adapters/testing/internal-api.cases — one end-to-end suite run against the Express and Fastify adapters (an internal API an agent calls). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { gzipSync } from 'node:zlib';
import {
  approvalRoutes, createApprovals, createAuditLog, createIdentityResolver, createMemoryStore, generateApiKey, hashApiKey,
  type AuditRecord, type RouteRequest, type RouteResponse, type Sluice,
} from '../../engine/index.js';
import { SAMPLES, testSluice } from './sluice-fixture.js';

/** What the routes saw; the suite asserts handlers never ran for refused requests. */
export interface Hits { count: Record<string, number>; bodies: unknown[] }

/** The routes every adapter app must serve (built by the adapter's test with its framework). */
export const ROUTES = {
  /** GET → { id, email, ssn, note } */
  user: '/api/users/7',
  /** DELETE → destructive, held for approval by the built-in policy */
  deleteUser: '/api/users/7',
  /** POST JSON → echoes { received: body } */
  echo: '/api/echo',
  /** GET → a JSON document written in several chunks, an email split across two writes */
  chunked: '/api/chunked',
} as const;

/** The record a user route returns. */
export const USER = { id: 7, email: SAMPLES.email, ssn: SAMPLES.ssn, note: 'vip customer' };

/** Starts an app on loopback for a Sluice; returns its base URL and a closer. */
export type StartApp = (
  sluice: Sluice, hits: Hits, routes?: { prefix: string; handle: (req: RouteRequest) => Promise<RouteResponse> },
) => Promise<{ url: string; close(): Promise<void> }>;

/**
 * Run the shared internal-API suite against one adapter.
 *
 * @example
 * runInternalApiCases('express', async (sluice, hits) => { ... return { url, close }; });
 */
export function runInternalApiCases(adapter: string, start: StartApp): void {
  describe(`${adapter}: an internal API behind Sluice`, () => {
    const { key } = generateApiKey();
    const hits: Hits = { count: {}, bodies: [] };
    let sluice: Sluice;
    let app: { url: string; close(): Promise<void> };
    const auth = { 'x-api-key': key };
    const call = (path: string, init: RequestInit = {}) => fetch(`${app.url}${path}`, { ...init, headers: { ...auth, ...(init.headers as object) } });

    beforeAll(async () => {
      const identity = createIdentityResolver({ apiKeys: [{ id: 'agent-1', hash: hashApiKey(key), sub: 'agent-1', groups: ['agents'] }] });
      sluice = await testSluice({ identity, limits: { requestBytes: 1 << 20 } });
      app = await start(sluice, hits);
    }, 60_000);
    afterAll(async () => { await app.close(); await sluice.close(); });

    it('masks PII in a JSON response', async () => {
      const res = await call(ROUTES.user);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: 7, email: '[REDACTED:email]', ssn: '[REDACTED:us-ssn]', note: 'vip customer' });
    });

    it('masks a response written in chunks, with a value split across writes', async () => {
      const res = await call(ROUTES.chunked);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ items: [{ email: '[REDACTED:email]' }, { ok: true }] });
      expect(res.headers.get('content-length') === null || res.headers.get('transfer-encoding') === null).toBe(true);
    });

    it('denies an unauthenticated caller with 401 and never runs the handler', async () => {
      const before = hits.count.user ?? 0;
      const res = await fetch(`${app.url}${ROUTES.user}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_ERR_DENIED');
      expect(hits.count.user ?? 0).toBe(before);
    });

    it('denies a destructive route (approval required, none configured) before the handler', async () => {
      const res = await call(ROUTES.deleteUser, { method: 'DELETE' });
      expect(res.status).toBe(403);
      expect(JSON.stringify(await res.json())).toContain('destructive HTTP operation DELETE');
      expect(hits.count.delete ?? 0).toBe(0);
    });

    it('answers malformed JSON with 400 and forwards nothing to the handler', async () => {
      const before = hits.count.echo ?? 0;
      const res = await call(ROUTES.echo, { method: 'POST', body: '{"a": [1, 2', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_ERR_JSON_SYNTAX');
      expect(hits.count.echo ?? 0).toBe(before);
    });

    it('masks a request body before the handler sees it, and the echoed response', async () => {
      const res = await call(ROUTES.echo, { method: 'POST', body: JSON.stringify({ msg: `call ${SAMPLES.email}` }), headers: { 'content-type': 'application/json' } });
      expect(await res.json()).toEqual({ received: { msg: 'call [REDACTED:email]' } });
      expect(hits.bodies.at(-1)).toEqual({ msg: 'call [REDACTED:email]' });
    });

    it('decodes a large gzip request body (within limits) and masks it', async () => {
      const items = Array.from({ length: 4000 }, (_, i) => ({ i, text: `row ${i} padding padding padding`, mail: i === 3999 ? SAMPLES.email : 'none' }));
      const body = gzipSync(JSON.stringify({ items }));
      const res = await call(ROUTES.echo, { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      const echoed = (await res.json()) as { received: { items: Array<{ mail: string }> } };
      expect(echoed.received.items).toHaveLength(4000);
      expect(echoed.received.items[3999]!.mail).toBe('[REDACTED:email]');
    });

    it('refuses a body over the limit with 413', async () => {
      const big = JSON.stringify({ blob: 'x'.repeat((1 << 20) + 10) });
      const res = await call(ROUTES.echo, { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_ERR_BODY_TOO_LARGE');
    });

    it('refuses a gzip bomb with 413 SLUICE_ERR_DECOMPRESSION_BOMB', async () => {
      const bomb = gzipSync(Buffer.from(`{"a":"${'0'.repeat(8 << 20)}"}`));
      const res = await call(ROUTES.echo, { method: 'POST', body: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_ERR_DECOMPRESSION_BOMB');
    });
  });

  describe(`${adapter}: approvals and audit`, () => {
    const agent = generateApiKey();
    const approver = generateApiKey();
    const hits: Hits = { count: {}, bodies: [] };
    const records: AuditRecord[] = [];
    let sluice: Sluice;
    let app: { url: string; close(): Promise<void> };
    const prefix = '/sluice/approvals';

    beforeAll(async () => {
      const identity = createIdentityResolver({ apiKeys: [
        { id: 'agent', hash: hashApiKey(agent.key), sub: 'agent', groups: ['agents'] },
        { id: 'dba', hash: hashApiKey(approver.key), sub: 'dba', groups: ['sluice-approvers'] },
      ] });
      const approvals = createApprovals({ store: createMemoryStore(), defaultTimeoutS: 10, pollIntervalMs: 20 });
      const audit = createAuditLog({ sink: async (record) => { records.push(record); } });
      sluice = await testSluice({ identity, approvals, audit });
      app = await start(sluice, hits, { prefix, handle: approvalRoutes(approvals, { prefix, authenticate: (h) => identity.resolve(h) }) });
    }, 60_000);
    afterAll(async () => { await app.close(); await sluice.close(); });

    async function pendingId(): Promise<string> {
      for (let i = 0; i < 200; i++) {
        const list = await (await fetch(`${app.url}${prefix}`, { headers: { 'x-api-key': approver.key } })).json() as { approvals: Array<{ id: string }> };
        if (list.approvals.length) return list.approvals[0]!.id;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no pending approval appeared');
    }

    it('holds a destructive route until an approver approves it, then runs the handler once', async () => {
      const pending = fetch(`${app.url}${ROUTES.deleteUser}`, { method: 'DELETE', headers: { 'x-api-key': agent.key } });
      const id = await pendingId();
      expect(hits.count.delete ?? 0).toBe(0);
      const approved = await fetch(`${app.url}${prefix}/${id}/approve`, { method: 'POST', headers: { 'x-api-key': approver.key } });
      expect(approved.status).toBe(200);
      expect((await pending).status).toBe(204);
      expect(hits.count.delete).toBe(1);
    });

    it('answers 403 when the approver denies, and the handler never runs', async () => {
      const before = hits.count.delete ?? 0;
      const pending = fetch(`${app.url}${ROUTES.deleteUser}?again=1`, { method: 'DELETE', headers: { 'x-api-key': agent.key } });
      const id = await pendingId();
      await fetch(`${app.url}${prefix}/${id}/deny`, { method: 'POST', headers: { 'x-api-key': approver.key } });
      const res = await pending;
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLUICE_ERR_APPROVAL_DENIED');
      expect(hits.count.delete ?? 0).toBe(before);
    });

    it('records one audit event per decision, with masked bodies only', async () => {
      const before = records.length;
      const res = await fetch(`${app.url}${ROUTES.echo}`, { method: 'POST', body: JSON.stringify({ to: SAMPLES.email }), headers: { 'x-api-key': agent.key, 'content-type': 'application/json' } });
      await res.json();
      await new Promise((r) => setTimeout(r, 50));
      const events = records.slice(before).filter((r) => r.kind === 'event').map((r) => r.event!);
      expect(events.map((e) => e.phase)).toEqual(['request', 'response']);
      expect(JSON.stringify(events)).not.toContain(SAMPLES.email);
      expect(events[0]!.identity.sub).toBe('agent');
      const approvalsSeen = records.filter((r) => r.event?.decision.approval).map((r) => r.event!.decision.approval!.outcome);
      expect(approvalsSeen).toEqual(['approved', 'denied']);
    });
  });
}
