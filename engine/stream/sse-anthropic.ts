/** @module stream/sse-anthropic — Anthropic Messages stream handling: text/thinking deltas stitched, tool_use input held for a verdict. */
import { SluiceError } from '../errors.js';
import { writeSseEvent, type SseEvent } from './sse.js';
import { built, tryParse, type Json, type SseContext } from './sse-context.js';

/** Event types of an Anthropic Messages stream. */
export const ANTHROPIC_TYPES = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error']);

interface HeldTool { index: number; id: string | null; name: string | null; json: string; events: SseEvent[] }

const FIELDS = ['text', 'thinking'] as const;
const deltaType = (field: 'text' | 'thinking'): string => (field === 'text' ? 'text_delta' : 'thinking_delta');
const blockDelta = (index: number, field: 'text' | 'thinking', text: string): string =>
  writeSseEvent({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index, delta: { type: deltaType(field), [field]: text } }) });

/**
 * The Anthropic handler of one stream. A secret split across `text_delta`s is masked (only the longest detector
 * match is held back); a `tool_use` block is held until `content_block_stop`, masked, decided, then released or
 * replaced by a text block saying it was blocked.
 *
 * @example
 * const anthropic = new AnthropicHandler(ctx, (ev) => generic(ev)); await anthropic.handle(ev, data);
 */
export class AnthropicHandler {
  private tool: HeldTool | null = null;

  constructor(private readonly ctx: SseContext, private readonly generic: (ev: SseEvent) => void) {}

  /** True when a tool_use block is still open (a stream ending here is malformed). */
  get open(): boolean { return this.tool !== null; }

  async handle(ev: SseEvent, d: Json): Promise<void> {
    const { ctx } = this;
    const type = (d.type ?? ev.event) as string;
    const tool = this.tool;
    if (type === 'content_block_start' && (d.content_block?.type === 'tool_use' || d.content_block?.type === 'server_tool_use')) {
      this.tool = { index: d.index, id: d.content_block.id ?? null, name: d.content_block.name ?? null, json: '', events: [ev] };
      return;
    }
    if (tool && d.index === tool.index && type === 'content_block_delta') {
      tool.json += d.delta?.partial_json ?? '';
      tool.events.push(ev);
      return;
    }
    if (tool && d.index === tool.index && type === 'content_block_stop') return this.resolveTool(ev);
    if (type === 'content_block_delta' && (d.delta?.type === 'text_delta' || d.delta?.type === 'thinking_delta')) {
      const field = d.delta.type === 'text_delta' ? 'text' : 'thinking';
      const s = ctx.stitcher(`/content/${d.index}/${field}`, (rest) => blockDelta(d.index, field, rest));
      const text = String(d.delta[field] ?? '');
      const released = s.push(text);
      if (released === text && s.held === 0) ctx.emitRaw(ev);
      else if (released !== '') ctx.emit(ev, { ...d, delta: { ...d.delta, [field]: released } });
      return;
    }
    if (type === 'content_block_stop') {
      for (const field of FIELDS) {
        const rest = ctx.release(`/content/${d.index}/${field}`);
        if (rest !== '') ctx.emitText(blockDelta(d.index, field, rest));
      }
      ctx.emitRaw(ev);
      return;
    }
    if (type === 'message_delta' && ctx.blocked > 0 && ctx.allowed === 0 && d.delta?.stop_reason === 'tool_use') {
      ctx.emit(ev, { ...d, delta: { ...d.delta, stop_reason: 'end_turn' } });
      return;
    }
    if (type === 'message_stop') ctx.flushAll(); // blocks never closed: release their held text before the end
    this.generic(ev);
  }

  /** At the end of the stream: an open tool_use block is never released. */
  end(): void {
    if (this.tool) throw new SluiceError('SLUICE_ERR_SSE_SYNTAX', 'the stream ended inside a tool call');
  }

  private async resolveTool(stop: SseEvent): Promise<void> {
    const { ctx } = this;
    const t = this.tool!;
    this.tool = null;
    const json = t.json === '' ? '{}' : t.json;
    const masked = ctx.maskText(json, `/content/${t.index}/input`);
    const input = tryParse(masked) ?? masked;
    const v = await ctx.decide({ id: t.id, name: t.name, input });
    if (v.action === 'allow') {
      if (masked === json || t.json === '') for (const ev of t.events) ctx.emitRaw(ev);
      else {
        ctx.emitRaw(t.events[0]!);
        ctx.emit(built('content_block_delta'), { type: 'content_block_delta', index: t.index, delta: { type: 'input_json_delta', partial_json: masked } });
      }
      ctx.emitRaw(stop);
      return;
    }
    ctx.emit(built('content_block_start'), { type: 'content_block_start', index: t.index, content_block: { type: 'text', text: '' } });
    ctx.emit(built('content_block_delta'), { type: 'content_block_delta', index: t.index, delta: { type: 'text_delta', text: ctx.refusal(t.name, v.message) } });
    ctx.emitRaw(stop);
  }
}
