/** @module approval/webhook.test — Slack-compatible POSTs to a loopback server; failures counted, never blocking a hold. */
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApprovals } from './approvals.js';
import { approvalRequestHash } from './hash.js';
import { createMemoryStore } from './memory-store.js';
import type { HoldRequest } from './types.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const identity = { authenticated: true, sub: 'agent-7', groups: ['agents'], method: 'oidc' };
const target = { method: 'POST', host: 'db.internal', path: '/sql' };
const hold: HoldRequest = {
  kind: 'once', reason: 'DDL statement', approvers: ['dba'], timeoutS: 5, identity, target, operationClass: 'sql:ddl',
  requestHash: approvalRequestHash({ ...target, body: 'DROP TABLE users', identity }),
};
const alice = { authenticated: true, sub: 'alice', groups: ['dba'] };

async function firstPending(approvals: ReturnType<typeof createApprovals>) {
  for (;;) {
    const [record] = await approvals.list();
    if (record) return record;
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('approval webhook', () => {
  it('POSTs Slack-compatible JSON ({ text, blocks }) when an approval is requested', async () => {
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const url = await listen((req, body, res) => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
    const approvals = createApprovals({ store: createMemoryStore(), defaultTimeoutS: 5, pollIntervalMs: 5, webhook: { url, headers: { 'x-token': 't' } } });
    const held = approvals.hold(hold);
    const record = await firstPending(approvals);
    await approvals.approve(record.id, alice);
    await held;
    await approvals.close();
    expect(received).toHaveLength(1);
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-token': 't' });
    const payload = JSON.parse(received[0]!.body) as { text: string; blocks: Array<{ type: string }> };
    expect(payload.text).toBe('Approval requested (once): DDL statement — agent-7 wants POST db.internal/sql');
    expect(payload.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(received[0]!.body).toContain(record.id);
    expect(received[0]!.body).not.toContain('DROP TABLE'); // no body content leaves
    expect(approvals.stats.webhook).toEqual({ sent: 1, failed: 0 });
  });

  it('counts and reports failures (HTTP 500, a hanging endpoint) without blocking the hold', async () => {
    const errors: string[] = [];
    const failing = await listen((_req, _body, res) => {
      res.statusCode = 500;
      res.end();
    });
    const hanging = await listen(() => undefined);
    for (const url of [failing, hanging]) {
      const approvals = createApprovals({
        store: createMemoryStore(), defaultTimeoutS: 5, pollIntervalMs: 5,
        webhook: { url, timeoutMs: 100, onError: (err) => errors.push(String((err as Error).message ?? err)) },
      });
      const held = approvals.hold(hold);
      const record = await firstPending(approvals);
      await approvals.approve(record.id, alice);
      await expect(held).resolves.toMatchObject({ id: record.id }); // decided while the POST may still be in flight
      await approvals.close();
      expect(approvals.stats.webhook).toEqual({ sent: 0, failed: 1 });
    }
    expect(errors[0]).toMatch(/HTTP 500/);
    expect(errors).toHaveLength(2);
  });

  it('rejects a malformed webhook url at construction', () => {
    expect(() => createApprovals({ store: createMemoryStore(), defaultTimeoutS: 1, webhook: { url: 'not a url' } })).toThrow(/webhook url/);
    expect(() => createApprovals({ store: createMemoryStore(), defaultTimeoutS: 1, webhook: { url: 'file:///etc/passwd' } })).toThrow(/http/);
  });
});
