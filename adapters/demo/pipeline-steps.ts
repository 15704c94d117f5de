/** @module demo/pipeline-steps — demo steps for the pipeline: a scripted Anthropic SDK conversation and an agent calling an internal API, Sluice in the path. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import express from 'express';
import { createAuditLog, createIdentityResolver, createSluice, generateApiKey, hashApiKey, verifyAuditLog, type PolicyEngine } from '../../engine/index.js';
import { sluiceDispatcher } from '../undici.js';
import { sluiceExpress } from '../express.js';
import { startMockAnthropic } from '../testing/mock-anthropic.js';
import { SAMPLES, sluiceCause } from '../testing/sluice-fixture.js';
import type { Say } from './policy-steps.js';

const short = (text: string, max = 110): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Start the mock provider and an example service, run a short conversation through the real Anthropic SDK with
 * Sluice in the path, and print what was masked, denied and recorded (the audit chain is verified at the end).
 *
 * @example
 * await runConversation(policy, console.log);
 */
export async function runConversation(policy: PolicyEngine, say: Say): Promise<void> {
  const mock = await startMockAnthropic();
  const auditPath = join(mkdtempSync(join(tmpdir(), 'sluice-demo-')), 'audit.jsonl');
  const audit = createAuditLog({ path: auditPath });
  const host = new URL(mock.url).host;
  const agent = generateApiKey();
  const identity = createIdentityResolver({ apiKeys: [{ id: 'agent', hash: hashApiKey(agent.key), sub: 'support-agent', groups: ['agents'] }] });
  const sluice = await createSluice({ bundle: policy, audit, identity, credentials: { [host]: { 'x-api-key': 'held-by-sluice' } } });
  const dispatcher = sluiceDispatcher({ sluice });
  const client = new Anthropic({ baseURL: mock.url, apiKey: 'the-app-has-no-key', maxRetries: 0, fetchOptions: { dispatcher } as never });
  const ask = (content: string) => ({ model: 'claude-demo', max_tokens: 256, messages: [{ role: 'user' as const, content }] });

  say('\nconversation  the real @anthropic-ai/sdk → sluiceDispatcher → mock Messages API on loopback');
  mock.enqueue({ text: ['Sure. For the record, the token you gave me is ', SAMPLES.slack.slice(0, 20), SAMPLES.slack.slice(20), '.'] });
  const prompt = `Post to Slack with ${SAMPLES.slack} and cc ${SAMPLES.email}`;
  const reply = await client.messages.stream(ask(prompt)).finalMessage();
  const seen = mock.requests.at(-1)!;
  say(`  app sent        ${short(prompt)}`);
  say(`  provider got    ${short(seen.json.messages[0].content)}   (key header: ${seen.headers['x-api-key']})`);
  say(`  app received    ${short(reply.content.map((b) => (b.type === 'text' ? b.text : '')).join(''))}   (secret split across SSE deltas)`);

  const before = mock.requests.length;
  const denied = await client.messages.create(ask(`Deploy with ${SAMPLES.aws}`)).catch((e: unknown) => e);
  say(`  denied          ${sluiceCause(denied)?.message ?? 'NOT DENIED'} — provider requests unchanged: ${mock.requests.length === before}`);

  mock.enqueue({ toolCalls: [{ name: 'run_sql', input: { query: 'DROP TABLE customers' }, chunks: ['{"query":"DROP', ' TABLE customers"}'] }] });
  const tool = await client.messages.stream(ask('The customers table is messy, fix it')).finalMessage();
  say(`  tool call       ${short(tool.content.map((b) => (b.type === 'text' ? b.text : `tool_use ${b.type}`)).join(''))}`);

  say('\ninternal API  an agent calls an Express service behind sluiceExpress');
  const app = express();
  app.use(sluiceExpress(sluice));
  app.get('/customers/7', (_req, res) => { res.json({ id: 7, email: SAMPLES.email, ssn: SAMPLES.ssn, plan: 'gold' }); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const anonymous = await fetch(`${base}/customers/7`);
  say(`  GET /customers/7 (no key)    → ${anonymous.status} ${short(await anonymous.text(), 90)}`);
  const customer = await fetch(`${base}/customers/7`, { headers: { 'x-api-key': agent.key } });
  say(`  GET /customers/7 (agent key) → ${customer.status} ${await customer.text()}`);

  server.closeAllConnections();
  server.close();
  await dispatcher.close();
  await mock.close();
  await sluice.close();
  const verified = await verifyAuditLog(auditPath);
  say(`\nrecorded  ${JSON.stringify(verified).slice(0, 160)}`);
  say(`  audit log ${auditPath} (sluice audit verify / replay)`);
}
