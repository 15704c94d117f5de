/** @module stream/sse-context — the state one SSE masker shares with its provider handlers: output, stitchers, tool-call verdicts. */
import type { Scanner } from '../scan/scanner.js';
import { writeSseEvent, type SseEvent } from './sse.js';
import { HoldPlan, TextStitcher } from './stitch.js';
import { FindingCounter } from './inspect.js';
import { textMasker } from './text-mask.js';
import type { JsonLimits } from './tokenizer.js';
import type { MaskSpan, Placeholder, ToolCall, ToolCallFact, ToolVerdict } from './types.js';

/** Parsed event data (provider JSON). */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a context needs from the masker's options. */
export interface SseContextOptions {
  scanner: Scanner;
  placeholder?: Placeholder;
  shouldMask?: (detector: string, pointer: string) => boolean;
  onToolCall?: (call: ToolCall) => Promise<ToolVerdict>;
  limits?: JsonLimits;
}

/** JSON.parse, or undefined. */
export function tryParse(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

/** An event built by Sluice (no raw bytes to reuse). */
export const built = (event?: string): SseEvent => ({ ...(event === undefined ? {} : { event }), data: null, comments: [], raw: new Uint8Array(0) });

/**
 * Output buffer, text stitchers (with how to release their held text as an event), masking of whole texts and
 * the tool-call verdict hook, shared by the Anthropic, OpenAI chat and OpenAI Responses handlers.
 *
 * @example
 * const ctx = new SseContext({ scanner }); ctx.emitRaw(ev); ctx.flushAll(); ctx.take();
 */
export class SseContext {
  /** Tool calls seen so far, with the verdict applied. */
  readonly toolCalls: Array<ToolCallFact & { action: 'allow' | 'block' }> = [];
  allowed = 0;
  blocked = 0;
  readonly maskText: (text: string, pointer: string) => string;
  private out: string[] = [];
  private readonly found: MaskSpan[] = [];
  private readonly counter = new FindingCounter();
  private readonly stitchers = new Map<string, { stitcher: TextStitcher; wrap: (text: string) => string }>();
  private finished: TextStitcher[] = [];
  private readonly render: (detector: string, pointer: string) => string;
  private readonly hold: HoldPlan;

  constructor(private readonly opts: SseContextOptions) {
    const placeholder = opts.placeholder ?? '[REDACTED:{detector}]';
    this.render = (d, p) => (typeof placeholder === 'string' ? placeholder.split('{detector}').join(d) : placeholder(d, p));
    this.hold = new HoldPlan(opts.scanner.detectors);
    this.maskText = textMasker({ scanner: opts.scanner, placeholder, render: this.render, found: this.found, shouldMask: opts.shouldMask, limits: opts.limits });
  }

  emitRaw(ev: SseEvent): void { this.out.push(Buffer.from(ev.raw).toString('utf8')); }

  /** Emit `ev` with `data` serialised as its data field. */
  emit(ev: SseEvent, data: unknown): void { this.out.push(writeSseEvent({ ...ev, data: JSON.stringify(data) })); }

  /** Emit an already serialised event block. */
  emitText(block: string): void { this.out.push(block); }

  /** The stitcher of one text stream; `wrap(text)` serialises held text as an event if the stream ends without closing it. */
  stitcher(key: string, wrap: (text: string) => string): TextStitcher {
    let s = this.stitchers.get(key);
    if (!s) {
      s = { stitcher: new TextStitcher(this.opts.scanner, key, this.render, this.hold, this.opts.shouldMask), wrap };
      this.stitchers.set(key, s);
    }
    return s.stitcher;
  }

  /** Flush and forget one stitcher; its remaining text, masked ('' when none). */
  release(key: string): string {
    const s = this.stitchers.get(key);
    if (!s) return '';
    this.stitchers.delete(key);
    this.finished.push(s.stitcher);
    return s.stitcher.flush();
  }

  /** Release every open stitcher's held text, masked, as events (a stream that ends without closing its blocks). */
  flushAll(): void {
    for (const [key, s] of [...this.stitchers]) {
      const rest = this.release(key);
      if (rest !== '') this.out.push(s.wrap(rest));
    }
  }

  async verdict(call: ToolCall): Promise<ToolVerdict> {
    if (!this.opts.onToolCall) return { action: 'allow' };
    try {
      const v = await this.opts.onToolCall(call);
      return v?.action === 'allow' ? v : { action: 'block', message: v?.action === 'block' ? String(v.message) : 'invalid verdict' };
    } catch (err) {
      return { action: 'block', message: `tool call check failed: ${(err as Error)?.message ?? String(err)}` };
    }
  }

  /** Decide a complete tool call and count it. */
  async decide(call: ToolCall): Promise<ToolVerdict> {
    const v = await this.verdict(call);
    this.toolCalls.push({ id: call.id, name: call.name, input: call.input, action: v.action });
    if (v.action === 'allow') this.allowed++;
    else this.blocked++;
    return v;
  }

  refusal(name: string | null, message: string): string {
    return `[sluice] tool call ${name ?? '(unnamed)'} blocked: ${message}`;
  }

  /** The output so far, as bytes; the buffer is emptied. */
  take(): Buffer {
    const bytes = Buffer.from(this.out.join(''), 'utf8');
    this.out = [];
    return bytes;
  }

  /** Fold collected spans into counts; finished stitchers are dropped (bounded memory on long streams). */
  fold(): void {
    this.counter.add(this.found);
    this.found.length = 0;
    for (const st of this.finished) this.counter.add(st.found);
    this.finished = [];
    for (const { stitcher } of this.stitchers.values()) {
      this.counter.add(stitcher.found);
      stitcher.found.length = 0;
    }
  }

  /** Findings so far (detector, pointer, count). */
  findings(): ReturnType<FindingCounter['values']> {
    this.fold();
    return this.counter.values();
  }
}
