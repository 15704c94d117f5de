/** @module audit/replay — rebuilds an exchange timeline (request → decision → response) from an audit log. */
import { readFile } from 'node:fs/promises';
import { auditLogFiles } from './files.js';
import { decodeBody } from './record.js';
import { reconstructStream, type StreamContent } from './sse-text.js';
import { verifyAuditLog, type VerifyResult } from './verify.js';
import type { AuditRecord, RecordedEvent } from './types.js';

/** One decision of an exchange, in log order. */
export interface ReplayStep {
  seq: number;
  time: string;
  phase: RecordedEvent['phase'];
  target: RecordedEvent['target'];
  decision: RecordedEvent['decision'];
  findings: RecordedEvent['findings'];
  timings: RecordedEvent['timings'];
  /** The masked body as text (base64 bodies are decoded as UTF-8 best effort). */
  body: string | null;
  /** For streamed responses: the text and tool inputs rebuilt from the masked SSE events. */
  stream: StreamContent | null;
  /** True when the stream's later events were released but not recorded (over the log's maxBodyBytes). */
  streamTruncated: boolean;
}

export interface ReplayExchange {
  sessionId: string;
  exchangeId: string;
  identity: RecordedEvent['identity'];
  adapter: string;
  steps: ReplayStep[];
}

export interface ReplayTimeline {
  verify: VerifyResult;
  sessions: Array<{ sessionId: string; exchanges: ReplayExchange[] }>;
}

/**
 * Read a log (with its rotated files), verify it, and group its events by session and exchange.
 * A log that does not verify is still replayed; `verify` says what is wrong.
 *
 * @example
 * const timeline = await replay('audit.jsonl', { session: 'sess-42' });
 * process.stdout.write(formatTimeline(timeline));
 */
export async function replay(path: string | string[], options: { session?: string } = {}): Promise<ReplayTimeline> {
  const files = typeof path === 'string' ? await auditLogFiles(path) : path;
  const verify = await verifyAuditLog(files, { allowOpen: true });
  const exchanges = new Map<string, ReplayExchange>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      let record: AuditRecord;
      try {
        record = JSON.parse(line) as AuditRecord;
      } catch {
        continue;
      }
      const event = record.kind === 'event' ? record.event : undefined;
      if (!event || (options.session !== undefined && event.sessionId !== options.session)) continue;
      const key = `${event.sessionId}\u0000${event.exchangeId}`;
      let exchange = exchanges.get(key);
      if (!exchange) {
        exchange = { sessionId: event.sessionId, exchangeId: event.exchangeId, identity: event.identity, adapter: event.adapter, steps: [] };
        exchanges.set(key, exchange);
      }
      exchange.steps.push({
        seq: record.seq,
        time: event.time,
        phase: event.phase,
        target: event.target,
        decision: event.decision,
        findings: event.findings,
        timings: event.timings,
        body: event.body ? decodeBody(event.body).toString('utf8') : null,
        stream: event.sse ? reconstructStream(event.sse) : null,
        streamTruncated: event.sseTruncated === true,
      });
    }
  }
  const sessions = new Map<string, ReplayExchange[]>();
  for (const exchange of exchanges.values()) {
    const list = sessions.get(exchange.sessionId) ?? [];
    list.push(exchange);
    sessions.set(exchange.sessionId, list);
  }
  return { verify, sessions: [...sessions].map(([sessionId, list]) => ({ sessionId, exchanges: list })) };
}

const clip = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/**
 * Render a timeline as indented text, one line per decision plus its body or rebuilt stream.
 *
 * @example
 * console.log(formatTimeline(await replay('audit.jsonl')));
 */
export function formatTimeline(timeline: ReplayTimeline): string {
  const v = timeline.verify;
  const out = [v.ok ? `log verified: ${v.events} events, head ${v.head?.slice(0, 16)}` : `LOG DOES NOT VERIFY at seq ${v.firstBadSeq}: ${v.error?.reason}`];
  for (const session of timeline.sessions) {
    out.push(`session ${session.sessionId}`);
    for (const ex of session.exchanges) {
      const who = ex.identity.authenticated ? `${ex.identity.sub} (${ex.identity.method ?? 'unknown'})` : 'anonymous';
      out.push(`  exchange ${ex.exchangeId} · ${who} · ${ex.adapter}`);
      for (const step of ex.steps) {
        const t = step.target;
        const status = t.status === null ? '' : ` ${t.status}`;
        const decision = step.decision.allow ? 'allow' : `deny${step.decision.reasons.length ? ` (${step.decision.reasons.join('; ')})` : ''}`;
        const a = step.decision.approval;
        const approval = a ? ` · approval ${a.id ?? ''} ${a.outcome}${a.approver ? ` by ${a.approver}` : ''}` : '';
        const findings = Object.entries(step.findings).map(([d, f]) => `${d}×${f.count}`).join(', ');
        out.push(`    #${step.seq} ${step.time} ${step.phase} ${t.method} ${t.host}${t.path}${status} → ${decision}${approval}${findings ? ` · findings ${findings}` : ''}`);
        if (step.stream) {
          const cut = step.streamTruncated ? ', truncated' : '';
          out.push(`      stream (${step.stream.events} events${cut}): ${clip(JSON.stringify(step.stream.text))}`);
          for (const call of step.stream.tools) out.push(`      tool ${call.name}(${clip(call.input, 200)})`);
        } else if (step.body !== null) out.push(`      body: ${clip(step.body)}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}
