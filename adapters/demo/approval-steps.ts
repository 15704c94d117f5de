/** @module demo/approval-steps — an agent calls the internal API: PII masked, anonymous denied, a DELETE held until approved from the CLI. */
import { short, sluiceCli, type Demo } from './context.js';
import type { Stack } from './stack.js';

const APPROVER = ['--as', 'alice', '--group', 'sluice-approvers'];

/**
 * Anonymous callers are denied (401); the agent, known by its API key, gets the customer with PII masked.
 *
 * @example
 * await internalApi(stack, demo);
 */
export async function internalApi({ api, agentKey }: Stack, demo: Demo): Promise<void> {
  demo.say('\ninternal API  an agent calls an Express service behind sluiceExpress');
  const anonymous = await fetch(`${api.base}/api/customers/7`);
  demo.say(`  GET /api/customers/7 (no key)    → ${anonymous.status} ${short(await anonymous.text(), 90)}`);
  demo.check(anonymous.status === 401, 'an anonymous caller is denied with 401');
  const customer = await fetch(`${api.base}/api/customers/7`, { headers: { 'x-api-key': agentKey } });
  const body = await customer.text();
  demo.say(`  GET /api/customers/7 (agent key) → ${customer.status} ${body}`);
  demo.check(customer.status === 200 && body.includes('"email":"[REDACTED:email]"') && body.includes('"ssn":"[REDACTED:us-ssn]"'), 'PII in the JSON response is masked');
}

/**
 * DELETE /api/orders/42 is destructive: the request is held (the handler does not run), an approver lists and
 * approves it with `sluice approvals … --store`, in another process, and the held request then completes.
 *
 * @example
 * await approvedDelete(stack, demo);
 */
export async function approvedDelete(stack: Stack, demo: Demo): Promise<void> {
  const { api, agentKey, approvals, storePath } = stack;
  const requested = stack.nextApproval();
  const response = fetch(`${api.base}/api/orders/42`, { method: 'DELETE', headers: { 'x-api-key': agentKey } });
  const record = await Promise.race([requested, response.then(() => null)]);
  if (!demo.check(record !== null, 'the DELETE is held for an approval') || !record) return;
  demo.say(`  DELETE /api/orders/42 (agent key) → held: approval ${record.id} for ${record.approvers.join(',')}: ${record.reason}`);
  demo.check(api.deleted.length === 0, 'the handler does not run while the request is held');

  const list = await sluiceCli(['approvals', 'list', '--store', storePath]);
  demo.say(`  $ sluice approvals list --store approvals.jsonl\n${indent(list.stdout)}`);
  demo.check(list.code === 0 && list.stdout.includes(record.id), 'the CLI lists the pending approval');
  const approve = await sluiceCli(['approvals', 'approve', record.id, '--store', storePath, ...APPROVER]);
  demo.say(`  $ sluice approvals approve ${record.id} --store approvals.jsonl ${APPROVER.join(' ')}\n${indent(approve.stdout || approve.stderr)}`);
  if (!demo.check(approve.code === 0 && approve.stdout.includes(`approved ${record.id}`), 'the CLI approves it as alice (sluice-approvers)')) {
    await approvals.deny(record.id, { authenticated: true, sub: 'demo-operator', groups: record.approvers }).catch(() => undefined); // release the hold
  }
  const done = await response;
  const body = await done.text();
  demo.say(`  DELETE /api/orders/42 released    → ${done.status} ${body}`);
  demo.check(done.status === 200 && api.deleted.join() === '42', 'the held request completes once approved');
}

const indent = (text: string): string => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');
