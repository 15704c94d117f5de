/** @module stream/sse-mask — masks a text/event-stream with provider stitching (Anthropic, OpenAI chat and Responses) and holds tool calls for a verdict. */
import type { Scanner } from '../scan/scanner.js';
import { SluiceError } from '../errors.js';
import { SseParser, writeSseEvent, type SseEvent } from './sse.js';
import { SseContext, tryParse, type Json } from './sse-context.js';
import { ANTHROPIC_TYPES, AnthropicHandler } from './sse-anthropic.js';
import { OpenAiChatHandler } from './sse-openai.js';
import { ResponsesHandler, isResponsesEvent } from './sse-responses.js';
import type { FindingSummary, Placeholder, ToolCall, ToolCallFact, ToolVerdict } from './types.js';
import type { JsonLimits } from './tokenizer.js';
export type { ToolCall, ToolVerdict } from './types.js';

/** Options of `createSseMasker`. */
export interface SseMaskerOptions {
  scanner: Scanner;
  /** Default 'auto' (by event shape, per event). 'openai' covers chat completions and the Responses API. */
  provider?: 'auto' | 'anthropic' | 'openai' | 'generic';
  placeholder?: Placeholder;
  shouldMask?: (detector: string, pointer: string) => boolean;
  /** Called once per complete tool call; its events are held until the promise settles. A rejection blocks. */
  onToolCall?: (call: ToolCall) => Promise<ToolVerdict>;
  limits?: JsonLimits;
}

/** A streaming event-stream masker; `write`/`end` resolve to the bytes to emit now. */
export interface SseMasker {
  write(chunk: Uint8Array): Promise<Uint8Array>;
  end(): Promise<Uint8Array>;
  findings(): FindingSummary[];
  /** Tool calls seen so far, with the verdict applied. */
  readonly toolCalls: Array<ToolCallFact & { action: 'allow' | 'block' }>;
}

/**
 * Create an SSE masker. Text deltas are stitched per content block / choice / output part and masked while
 * holding back only the longest detector match; text still held when the stream ends (a block never closed)
 * is released masked. Tool calls (Anthropic `input_json_delta`, OpenAI chat `tool_calls`, Responses
 * `function_call` items) are assembled, masked and held until `onToolCall` answers; a blocked call is replaced
 * by a text saying so. Other events: data masked as JSON when it parses, else as text.
 *
 * @example
 * const sse = createSseMasker({ scanner, onToolCall: async (c) => c.name === 'rm' ? { action: 'block', message: 'no' } : { action: 'allow' } });
 * for await (const chunk of upstream) res.write(await sse.write(chunk));
 * res.end(await sse.end());
 */
export function createSseMasker(opts: SseMaskerOptions): SseMasker {
  if (!opts?.scanner) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createSseMasker needs a scanner');
  const provider = opts.provider ?? 'auto';
  const parser = new SseParser();
  const ctx = new SseContext(opts);

  function generic(ev: SseEvent): void {
    if (ev.data === null) return void ctx.emitRaw(ev);
    const masked = ctx.maskText(ev.data, '');
    if (masked === ev.data) ctx.emitRaw(ev);
    else ctx.emitText(writeSseEvent({ ...ev, data: masked }));
  }

  const anthropic = new AnthropicHandler(ctx, generic);
  const chat = new OpenAiChatHandler(ctx);
  const responses = new ResponsesHandler(ctx, generic);

  async function handle(ev: SseEvent): Promise<void> {
    if (ev.data === null) return generic(ev);
    if (ev.data === '[DONE]') {
      await chat.resolve(null);
      ctx.flushAll();
      ctx.emitRaw(ev);
      return;
    }
    const d = provider === 'generic' ? undefined : tryParse(ev.data);
    if (d === null || typeof d !== 'object' || Array.isArray(d)) return generic(ev);
    const j = d as Json;
    if (provider === 'anthropic' || (provider === 'auto' && (ANTHROPIC_TYPES.has(j.type) || ANTHROPIC_TYPES.has(ev.event ?? '')))) return anthropic.handle(ev, j);
    if ((provider === 'openai' || provider === 'auto') && isResponsesEvent(j)) return responses.handle(ev, j);
    if (provider === 'openai' || (provider === 'auto' && j.object === 'chat.completion.chunk')) return chat.handle(ev, j);
    return generic(ev);
  }

  async function run(events: SseEvent[]): Promise<Uint8Array> {
    for (const ev of events) await handle(ev);
    ctx.fold();
    return ctx.take();
  }

  return {
    write: (chunk) => run(parser.push(chunk)),
    async end() {
      const bytes = await run(parser.end());
      anthropic.end();
      if (responses.open) throw new SluiceError('SLUICE_ERR_SSE_SYNTAX', 'the stream ended inside a function call');
      await chat.resolve(null);
      ctx.flushAll(); // text held by a block that never closed: released masked, never dropped
      return Buffer.concat([bytes, ctx.take()]);
    },
    findings: () => ctx.findings(),
    toolCalls: ctx.toolCalls,
  };
}
