/** @module pipeline/sluice — createSluice: one engine call per phase, composed from policy, stream, scan, identity, approvals and audit. */
import { randomUUID } from 'node:crypto';
import type { ByteSink } from './decode.js';
import type { Core, Exchange } from './exchange.js';
import { toSluiceError } from './mask-pipe.js';
import { resolveOptions } from './options.js';
import { guardRequest, type GuardRequestInput, type GuardedRequest } from './request.js';
import { guardResponse, type GuardedResponse, type ResponseMeta } from './response.js';
import { loadSiblings } from './seams.js';
import type { ApprovalsLike, ResolvedOptions, SluiceOptions } from './types.js';

/** Counters since construction. */
export interface SluiceStats { decisions: number; denied: number; held: number; failOpen: number; errors: number }

/** A configured enforcement point. Adapters call `request` then `response` once per exchange. */
export interface Sluice {
  /** Identifies this instance's audit events. */
  readonly sessionId: string;
  readonly options: Readonly<ResolvedOptions>;
  /** The approvals store, for mounting its HTTP routes (null when not configured). */
  readonly approvals: ApprovalsLike | null;
  /** The request phase; rejects with a coded SluiceError when nothing may be forwarded. */
  request(req: GuardRequestInput): Promise<GuardedRequest>;
  /** The response phase of an exchange; output reaches `sink`. Rejects with a coded SluiceError on deny. */
  response(exchange: Exchange, meta: ResponseMeta, sink: ByteSink): Promise<GuardedResponse>;
  stats(): SluiceStats;
  /** Close the audit log, if any. */
  close(): Promise<void>;
}

/**
 * Build a Sluice: validates options, loads the policy bundle (default: the built-in one) and compiles the scanner.
 * Throws SLUICE_ERR_INVALID_OPTIONS (or the policy/scanner's own code) at construction, never on the hot path.
 *
 * @example
 * const sluice = await createSluice({ credentials: { 'api.anthropic.com': { 'x-api-key': process.env.ANTHROPIC_API_KEY! } } });
 * const guarded = await sluice.request({ adapter: 'undici', direction: 'outbound', method: 'POST', protocol: 'https:',
 *   host: 'api.anthropic.com', path: '/v1/messages', headers: { 'content-type': 'application/json' }, body });
 */
export async function createSluice(options: SluiceOptions = {}): Promise<Sluice> {
  const siblings = await loadSiblings();
  const opts = await resolveOptions(options, siblings);
  const core: Core = { opts, stream: siblings.stream, sessionId: randomUUID(), stats: { decisions: 0, denied: 0, held: 0, failOpen: 0, errors: 0 } };
  const failClosed = (err: unknown): never => {
    const coded = toSluiceError(err);
    if (coded.code === 'SLUICE_ERR_INTERNAL') core.stats.errors++;
    throw coded;
  };
  return {
    sessionId: core.sessionId,
    options: opts,
    approvals: opts.approvals,
    request: (req) => guardRequest(core, req).catch(failClosed),
    response: (exchange, meta, sink) => guardResponse(exchange, meta, sink).catch(failClosed),
    stats: () => ({ ...core.stats }),
    close: async () => { await opts.audit?.close?.(); },
  };
}
