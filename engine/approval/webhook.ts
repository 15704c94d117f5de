/** @module approval/webhook — Slack-compatible notification of a new approval, fire-and-forget with counters. */
import { fetch } from 'undici';
import { SluiceError } from '../errors.js';
import type { ApprovalRecord } from './types.js';

export interface WebhookOptions {
  url: string;
  /** Abort the POST after this long. Default 5000 ms. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Called on each failure (default: a process warning). */
  onError?: (err: unknown, record: ApprovalRecord) => void;
}

/** Counters of the webhook. */
export interface WebhookStats {
  sent: number;
  failed: number;
}

/**
 * The Slack-compatible message for an approval: `text` for notifications plus `blocks` for layout.
 * It names the request (who, method, host, path, reason), never body content.
 *
 * @example
 * const payload = slackMessage(record); // { text, blocks }
 */
export function slackMessage(record: ApprovalRecord): { text: string; blocks: unknown[] } {
  const who = record.requester.sub ?? 'an unauthenticated caller';
  const what = `${record.target.method} ${record.target.host}${record.target.path}`;
  const text = `Approval requested (${record.kind}): ${record.reason} — ${who} wants ${what}`;
  const expires = new Date(record.expiresAt).toISOString();
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*Approval requested:* ${record.reason}\n*${who}* → \`${what}\` (${record.operationClass})` } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `id \`${record.id}\` · ${record.kind} · approvers: ${record.approvers.join(', ')} · expires ${expires}` },
          { type: 'mrkdwn', text: `\`sluice approvals approve ${record.id}\` or \`sluice approvals deny ${record.id}\`` },
        ],
      },
    ],
  };
}

/**
 * Create a notifier. `notify` never throws and never delays the hold: it starts the POST and returns;
 * `idle()` waits for POSTs in flight (for shutdown and tests).
 *
 * @example
 * const webhook = createWebhookNotifier({ url: 'https://hooks.slack.com/services/…' });
 * webhook.notify(record);
 */
export function createWebhookNotifier(options: WebhookOptions) {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `webhook url is not a URL: ${options.url}`, { cause: err });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'webhook url must be http(s)');
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  const onError =
    options.onError ??
    ((err: unknown, record: ApprovalRecord) =>
      process.emitWarning(`sluice approvals: webhook for ${record.id} failed: ${(err as Error)?.message ?? err}`, { code: 'SLUICE_WEBHOOK_FAILED' }));
  const stats: WebhookStats = { sent: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();

  async function post(record: ApprovalRecord): Promise<void> {
    try {
      const response = await fetch(parsed, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(slackMessage(record)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      stats.sent++;
    } catch (err) {
      stats.failed++;
      onError(err, record);
    }
  }

  return {
    stats,
    notify(record: ApprovalRecord): void {
      const task = post(record).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async idle(): Promise<void> {
      await Promise.all([...inFlight]);
    },
  };
}
