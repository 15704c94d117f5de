/** @module demo/conversation-steps — a scripted conversation through the real Anthropic SDK: masked, denied, tool call blocked. */
import { SAMPLES, sluiceCause } from '../testing/sluice-fixture.js';
import { short, type Demo } from './context.js';
import type { Stack } from './stack.js';

/** A synthetic EC key (the private-key detector's own example). */
const PRIVATE_KEY = ['-----BEGIN EC PRIVATE KEY-----', 'f47CjGiOLXNDgk9H7DYckRKHG83kW24oiDlTMGXzI8z4MtAc/Nkwk15ONuYCwBsI',
  'lFCUtHn1qnSR6SGGWbul/CbEsi6N9pjsJAjZpltUHOc3MiYJxTMnj2eHuWjgffR7', 'HA==', '-----END EC PRIVATE KEY-----'].join('\n');

/** Every raw value the demo sends; none may reach the provider or the audit log. */
export const RAW_SECRETS = [SAMPLES.slack, SAMPLES.aws, SAMPLES.email, SAMPLES.ssn, PRIVATE_KEY.split('\n')[1]!];

const ask = (content: string) => ({ model: 'claude-demo', max_tokens: 256, messages: [{ role: 'user' as const, content }] });

/**
 * A streamed turn: the prompt's secrets are masked before the provider sees them, the reply's secret (split
 * across two SSE deltas) is masked before the app sees it, and the provider key is Sluice's, not the app's.
 *
 * @example
 * await maskedConversation(stack, demo);
 */
export async function maskedConversation({ client, mock }: Stack, demo: Demo): Promise<void> {
  demo.say('\nconversation  the real @anthropic-ai/sdk → sluiceDispatcher → mock Messages API on loopback');
  mock.enqueue({ text: ['Sure. For the record, the token you gave me is ', SAMPLES.slack.slice(0, 20), SAMPLES.slack.slice(20), '.'] });
  const prompt = `Post to Slack with ${SAMPLES.slack} and cc ${SAMPLES.email}`;
  const reply = await client.messages.stream(ask(prompt)).finalMessage();
  const seen = mock.requests.at(-1)!;
  const sent = String(seen.json.messages[0].content);
  const received = reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  demo.say(`  masked   app sent        ${short(prompt)}`);
  demo.say(`           provider got    ${short(sent)}   (x-api-key: ${seen.headers['x-api-key']})`);
  demo.say(`           app received    ${short(received)}   (the token was split across two SSE deltas)`);
  demo.check(sent === 'Post to Slack with [REDACTED:slack-bot-token] and cc [REDACTED:email]', 'the provider receives the prompt masked');
  demo.check(seen.headers['x-api-key'] === 'held-by-sluice', 'Sluice swaps in the provider key it holds');
  demo.check(received.includes('[REDACTED:slack-bot-token]') && !received.includes(SAMPLES.slack.slice(0, 20)), 'the streamed reply reaches the app masked');
}

/**
 * Prompts carrying a cloud credential or a private key are denied: the SDK call rejects, the provider sees nothing.
 *
 * @example
 * await deniedPrompts(stack, demo);
 */
export async function deniedPrompts({ client, mock }: Stack, demo: Demo): Promise<void> {
  for (const [what, prompt, detector] of [
    ['AWS key', `Deploy with ${SAMPLES.aws}`, 'aws-access-key-id'],
    ['private key', `Why does ssh reject this key?\n${PRIVATE_KEY}`, 'private-key'],
  ] as const) {
    const before = mock.requests.length;
    const err = sluiceCause(await client.messages.create(ask(prompt)).then(() => null, (e: unknown) => e));
    demo.say(`  denied   ${what.padEnd(14)} ${short(err ? `${err.code}: ${err.message}` : 'NOT DENIED', 130)}`);
    demo.check(err?.code === 'SLUICE_ERR_DENIED' && err.message.includes(detector), `a prompt with a ${what} is denied (${detector})`);
    demo.check(mock.requests.length === before, `the provider never sees the ${what} prompt`);
  }
}

/**
 * The model streams a `run_sql` tool call with `DROP TABLE`: the agent's Sluice holds it until complete, the policy
 * wants a human approval, and the agent side has no approver, so the call is replaced by a refusal.
 *
 * @example
 * await blockedToolCall(stack, demo);
 */
export async function blockedToolCall({ client, mock }: Stack, demo: Demo): Promise<void> {
  mock.enqueue({ toolCalls: [{ name: 'run_sql', input: { query: 'DROP TABLE customers' }, chunks: ['{"query":"DROP', ' TABLE customers"}'] }] });
  const message = await client.messages.stream(ask('The customers table is messy, fix it')).finalMessage();
  const tools = message.content.filter((b) => b.type === 'tool_use');
  const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  demo.say(`  blocked  tool call      ${short(text || JSON.stringify(message.content), 130)}`);
  demo.check(tools.length === 0 && /blocked the tool call run_sql/.test(text), 'the streamed DROP TABLE tool call never reaches the app');
}
