/** @module demo/stack — the demo's parts: mock Anthropic provider, the agent's and the internal service's Sluice, one audit log. */
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Dispatcher } from 'undici';
import {
  createApprovals, createAuditLog, createFileStore, createIdentityResolver, createSluice, generateApiKey, hashApiKey,
  type ApprovalRecord, type Approvals, type AuditLog, type PolicyEngine, type Sluice,
} from '../../engine/index.js';
import { sluiceDispatcher } from '../undici.js';
import { startMockAnthropic } from '../testing/mock-anthropic.js';
import type { MockServer } from '../testing/mock-server.js';
import type { Demo } from './context.js';
import { startInternalApi, type InternalApi } from './service.js';

/** Everything the demo steps talk to. */
export interface Stack {
  mock: MockServer;
  /** The real SDK, with `sluiceDispatcher` in its path and no provider key of its own. */
  client: Anthropic;
  /** The agent's outbound Sluice: no approver is attached, so whatever needs one is blocked. */
  agent: Sluice;
  /** The internal service's inbound Sluice, with approvals in a file store the CLI can decide. */
  service: Sluice;
  api: InternalApi;
  approvals: Approvals;
  /** Resolves with the next approval the service requests. */
  nextApproval(): Promise<ApprovalRecord>;
  agentKey: string;
  audit: AuditLog;
  auditPath: string;
  storePath: string;
  dispatcher: Dispatcher;
}

/**
 * Start the mock provider, the internal API and both Sluice instances (one shared audit log).
 *
 * @example
 * const stack = await startStack(demo, policy);
 */
export async function startStack(demo: Demo, policy: PolicyEngine): Promise<Stack> {
  const auditPath = join(demo.dir, 'audit.jsonl');
  const storePath = join(demo.dir, 'approvals.jsonl');
  const audit = createAuditLog({ path: auditPath });
  const mock = await startMockAnthropic();
  const waiting: Array<(r: ApprovalRecord) => void> = [];
  const approvals = createApprovals({
    store: await createFileStore({ path: storePath }), defaultTimeoutS: 30, pollIntervalMs: 100,
    onRequested: (record) => waiting.shift()?.(record),
  });
  const key = generateApiKey();
  const identity = createIdentityResolver({ apiKeys: [{ id: 'agent', hash: hashApiKey(key.key), sub: 'support-agent', groups: ['agents'] }] });
  const agent = await createSluice({ bundle: policy, audit, credentials: { [new URL(mock.url).host]: { 'x-api-key': 'held-by-sluice' } } });
  const service = await createSluice({ bundle: policy, audit, identity, approvals });
  const dispatcher = sluiceDispatcher({ sluice: agent });
  const client = new Anthropic({ baseURL: mock.url, apiKey: 'the-app-has-no-key', maxRetries: 0, fetchOptions: { dispatcher } as never });
  return {
    mock, client, agent, service, api: await startInternalApi(service), approvals, agentKey: key.key, audit, auditPath, storePath, dispatcher,
    nextApproval: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

/**
 * Stop everything and seal the audit log.
 *
 * @example
 * await stopStack(stack);
 */
export async function stopStack(stack: Stack): Promise<void> {
  await stack.api.close();
  await Promise.all([stack.dispatcher.close(), stack.mock.close()]);
  await stack.approvals.close();
  await stack.agent.close();
  await stack.service.close(); // the shared log is sealed once; a second close is a no-op
}
