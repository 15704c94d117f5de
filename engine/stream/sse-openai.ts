/** @module stream/sse-openai — OpenAI chat completions stream handling: content deltas stitched, tool_calls assembled and held for a verdict. */
import { writeSseEvent, type SseEvent } from './sse.js';
import { tryParse, type Json, type SseContext } from './sse-context.js';

interface OpenAiCall { choice: number; index: number; id: string | null; name: string | null; args: string }

/**
 * The chat-completions handler of one stream. `choices[].delta.content` is stitched per choice; tool call
 * argument deltas are assembled per (choice, index) and held until the choice finishes (or `[DONE]`), then
 * masked, decided and released as one chunk per call, or replaced by a refusal text.
 *
 * @example
 * const chat = new OpenAiChatHandler(ctx); await chat.handle(ev, data); await chat.resolve(null);
 */
export class OpenAiChatHandler {
  private readonly calls = new Map<string, OpenAiCall>();
  private held: Json[] = [];
  /** The last chunk seen, the shell of chunks Sluice writes. */
  private template: Json = {};

  constructor(private readonly ctx: SseContext) {}

  async handle(ev: SseEvent, d: Json): Promise<void> {
    const { ctx } = this;
    this.template = d;
    let changed = false;
    let holdThis = false;
    let finishing = false;
    for (const c of Array.isArray(d.choices) ? d.choices : []) {
      const ci = c.index ?? 0;
      for (const tc of Array.isArray(c.delta?.tool_calls) ? c.delta.tool_calls : []) {
        const key = `${ci}:${tc.index ?? 0}`;
        const call = this.calls.get(key) ?? { choice: ci, index: tc.index ?? 0, id: null, name: null, args: '' };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name = tc.function.name;
        call.args += tc.function?.arguments ?? '';
        this.calls.set(key, call);
        holdThis = true;
      }
      const key = `/choices/${ci}/delta/content`;
      if (typeof c.delta?.content === 'string') {
        const s = ctx.stitcher(key, (rest) => this.chunk({ index: ci, delta: { content: rest }, finish_reason: null }));
        const released = s.push(c.delta.content);
        if (released !== c.delta.content || s.held > 0) changed = true;
        c.delta.content = released;
      }
      if (c.finish_reason) {
        finishing = true;
        const rest = ctx.release(key);
        if (rest !== '') {
          c.delta = { ...(c.delta ?? {}), content: (c.delta?.content ?? '') + rest };
          changed = true;
        }
      }
    }
    if (holdThis) {
      this.held.push(d);
      if (!finishing) return;
    }
    if (finishing) {
      await this.resolve(d);
      if (ctx.blocked > 0 && ctx.allowed === 0) {
        for (const c of d.choices) if (c.finish_reason === 'tool_calls') (c.finish_reason = 'stop'), (changed = true);
      }
      if (holdThis) for (const c of d.choices) if (c.delta) delete c.delta.tool_calls;
    }
    if (changed || holdThis) ctx.emit(ev, d);
    else ctx.emitRaw(ev);
  }

  /** Decide and release every assembled tool call (at a finish_reason, `[DONE]` or the end of the stream). */
  async resolve(template: Json | null): Promise<void> {
    const { ctx } = this;
    if (this.calls.size === 0) return;
    const held = this.held;
    this.held = [];
    const list = [...this.calls.values()];
    this.calls.clear();
    let changed = false;
    const chunks: Json[] = [];
    for (const c of list) {
      const masked = c.args === '' ? '' : ctx.maskText(c.args, `/choices/${c.choice}/tool_calls/${c.index}/function/arguments`);
      const input = tryParse(masked) ?? masked;
      const v = await ctx.decide({ id: c.id, name: c.name, input });
      const shell = { ...(template ?? held[0] ?? {}), choices: [] as Json[] };
      if (v.action === 'allow') {
        changed ||= masked !== c.args;
        shell.choices.push({ index: c.choice, delta: { tool_calls: [{ index: c.index, id: c.id, type: 'function', function: { name: c.name, arguments: masked } }] }, finish_reason: null });
      } else {
        changed = true;
        shell.choices.push({ index: c.choice, delta: { content: ctx.refusal(c.name, v.message) }, finish_reason: null });
      }
      chunks.push(shell);
    }
    for (const chunk of changed ? chunks : held) ctx.emitText(writeSseEvent({ data: JSON.stringify(chunk) }));
  }

  private chunk(choice: Json): string {
    return writeSseEvent({ data: JSON.stringify({ ...this.template, choices: [choice] }) });
  }
}
