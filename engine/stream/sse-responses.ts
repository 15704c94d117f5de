/** @module stream/sse-responses — OpenAI Responses API stream handling: text deltas stitched, function calls held for a verdict. */
import { writeSseEvent, type SseEvent } from './sse.js';
import { tryParse, type Json, type SseContext } from './sse-context.js';

/** Text delta event types → their done event type. */
const TEXT_DELTAS: Record<string, string> = {
  'response.output_text.delta': 'response.output_text.done',
  'response.refusal.delta': 'response.refusal.done',
  'response.reasoning_text.delta': 'response.reasoning_text.done',
  'response.reasoning_summary_text.delta': 'response.reasoning_summary_text.done',
};
const TEXT_DONES = new Map(Object.entries(TEXT_DELTAS).map(([delta, done]) => [done, delta]));
const CALL_ITEMS = new Set(['function_call', 'custom_tool_call']);
const FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

interface HeldCall { item: Json; args: string; events: Array<{ ev: SseEvent; d: Json }> }

/** True when `d` is an event of the Responses API stream. */
export const isResponsesEvent = (d: Json): boolean => typeof d.type === 'string' && d.type.startsWith('response.');

const event = (type: string, data: Json): string => writeSseEvent({ event: type, data: JSON.stringify({ type, ...data }) });

/**
 * The Responses API handler of one stream. `response.output_text.delta` (and refusal / reasoning deltas) are
 * stitched per output item and part; a `function_call` (or custom tool call) item is held from
 * `response.output_item.added` to `response.output_item.done`, its arguments masked and decided, then released
 * (masked) or replaced by a message item saying it was blocked — also in the final `response.completed`.
 *
 * @example
 * const responses = new ResponsesHandler(ctx, generic); await responses.handle(ev, data);
 */
export class ResponsesHandler {
  private readonly calls = new Map<number, HeldCall>();
  /** Item ids / call ids of blocked calls → their refusal text. */
  private readonly blocked = new Map<string, string>();

  constructor(private readonly ctx: SseContext, private readonly generic: (ev: SseEvent) => void) {}

  async handle(ev: SseEvent, d: Json): Promise<void> {
    const { ctx } = this;
    const type = d.type as string;
    const held = this.calls.get(d.output_index);
    if (type === 'response.output_item.added' && CALL_ITEMS.has(d.item?.type)) {
      this.calls.set(d.output_index, { item: d.item, args: '', events: [{ ev, d }] });
      return;
    }
    if (held && type === 'response.output_item.done') return this.resolve(held, ev, d);
    if (held) {
      if (type.endsWith('.delta') && typeof d.delta === 'string') held.args += d.delta;
      held.events.push({ ev, d });
      return;
    }
    const part = `/output/${d.output_index}/content/${d.content_index ?? d.summary_index ?? 0}`;
    if (TEXT_DELTAS[type] && typeof d.delta === 'string') {
      const s = ctx.stitcher(`${part}/${type}`, (rest) => event(type, { item_id: d.item_id, output_index: d.output_index, content_index: d.content_index, delta: rest }));
      const released = s.push(d.delta);
      if (released === d.delta && s.held === 0) ctx.emitRaw(ev);
      else if (released !== '') ctx.emit(ev, { ...d, delta: released });
      return;
    }
    const deltaType = TEXT_DONES.get(type);
    if (deltaType) {
      const rest = ctx.release(`${part}/${deltaType}`);
      if (rest !== '') ctx.emitText(event(deltaType, { item_id: d.item_id, output_index: d.output_index, content_index: d.content_index, delta: rest }));
    }
    if (FINAL.has(type)) {
      ctx.flushAll();
      if (this.blocked.size && Array.isArray(d.response?.output)) {
        return ctx.emitText(writeSseEvent({ ...ev, data: ctx.maskText(JSON.stringify(this.rewriteFinal(d)), '') }));
      }
    }
    this.generic(ev);
  }

  /** Function calls still held at the end of the stream are never released. */
  get open(): boolean { return this.calls.size > 0; }

  private async resolve(held: HeldCall, done: SseEvent, d: Json): Promise<void> {
    const { ctx } = this;
    this.calls.delete(d.output_index);
    const field = typeof d.item?.input === 'string' ? 'input' : 'arguments';
    const args = typeof d.item?.[field] === 'string' ? d.item[field] as string : held.args;
    const masked = args === '' ? '' : ctx.maskText(args, `/output/${d.output_index}/${field}`);
    const v = await ctx.decide({ id: d.item?.call_id ?? d.item?.id ?? null, name: d.item?.name ?? null, input: tryParse(masked) ?? masked });
    if (v.action === 'allow') {
      if (masked === args) for (const h of [...held.events, { ev: done, d }]) ctx.emitRaw(h.ev);
      else this.emitMasked(held, done, d, field, masked);
      return;
    }
    const text = ctx.refusal(d.item?.name ?? null, v.message);
    for (const id of [d.item?.id, d.item?.call_id]) if (typeof id === 'string') this.blocked.set(id, text);
    const ids = { item_id: d.item?.id, output_index: d.output_index };
    const part = { type: 'output_text', text, annotations: [] };
    const message = { id: d.item?.id, type: 'message', role: 'assistant', status: 'completed', content: [part] };
    ctx.emitText(event('response.output_item.added', { output_index: d.output_index, item: { ...message, status: 'in_progress', content: [] } }));
    ctx.emitText(event('response.content_part.added', { ...ids, content_index: 0, part: { ...part, text: '' } }));
    ctx.emitText(event('response.output_text.delta', { ...ids, content_index: 0, delta: text }));
    ctx.emitText(event('response.output_text.done', { ...ids, content_index: 0, text }));
    ctx.emitText(event('response.content_part.done', { ...ids, content_index: 0, part }));
    ctx.emitText(event('response.output_item.done', { output_index: d.output_index, item: message }));
  }

  /** Re-emit an allowed call with its arguments masked: one delta with the masked arguments, masked done events. */
  private emitMasked(held: HeldCall, done: SseEvent, d: Json, field: string, masked: string): void {
    const { ctx } = this;
    let sentDelta = false;
    for (const { ev, d: e } of held.events) {
      if (e.type.endsWith('.delta')) {
        if (!sentDelta) ctx.emit(ev, { ...e, delta: masked });
        sentDelta = true;
      } else if (e.type.endsWith('.done')) ctx.emit(ev, { ...e, [field]: masked });
      else ctx.emitRaw(ev);
    }
    ctx.emit(done, { ...d, item: { ...d.item, [field]: masked } });
  }

  /** The final response with each blocked call replaced by its refusal message. */
  private rewriteFinal(d: Json): Json {
    const output = (d.response.output as Json[]).map((item) => {
      const text = this.blocked.get(item.id) ?? this.blocked.get(item.call_id);
      if (!text || !CALL_ITEMS.has(item.type)) return item;
      return { id: item.id, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
    });
    return { ...d, response: { ...d.response, output } };
  }
}
