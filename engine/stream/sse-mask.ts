/** @module stream/sse-mask — masks a text/event-stream with provider stitching (Anthropic, OpenAI chat) and holds tool calls for a verdict. */
import type { Scanner } from '../scan/scanner.js';
import { SluiceError } from '../errors.js';
import { SseParser, writeSseEvent, type SseEvent } from './sse.js';
import { TextStitcher } from './stitch.js';
import { FindingCounter } from './inspect.js';
import { textMasker } from './text-mask.js';
import type { FindingSummary, MaskSpan, Placeholder, ToolCall, ToolCallFact, ToolVerdict } from './types.js';
import type { JsonLimits } from './tokenizer.js';
export type { ToolCall, ToolVerdict } from './types.js';

/** Options of `createSseMasker`. */
export interface SseMaskerOptions {
  scanner: Scanner;
  /** Default 'auto' (by event shape, per event). */
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

const ANTHROPIC_TYPES = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'ping', 'error']);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface HeldTool { index: number; id: string | null; name: string | null; json: string; events: SseEvent[] }
interface OpenAiCall { choice: number; index: number; id: string | null; name: string | null; args: string }

/**
 * Create an SSE masker. Text deltas are stitched per content block / choice and masked while holding
 * back only the longest detector match; tool-use blocks (Anthropic `input_json_delta`, OpenAI
 * `tool_calls`) are assembled, masked and held until `onToolCall` answers; a blocked call is replaced
 * by a text block saying so. Other events: data masked as JSON when it parses, else as text.
 *
 * @example
 * const sse = createSseMasker({ scanner, onToolCall: async (c) => c.name === 'rm' ? { action: 'block', message: 'no' } : { action: 'allow' } });
 * for await (const chunk of upstream) res.write(await sse.write(chunk));
 * res.end(await sse.end());
 */
export function createSseMasker(opts: SseMaskerOptions): SseMasker {
  if (!opts?.scanner) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createSseMasker needs a scanner');
  const scanner = opts.scanner;
  const provider = opts.provider ?? 'auto';
  const placeholder = opts.placeholder ?? '[REDACTED:{detector}]';
  const render = (d: string, p: string) => (typeof placeholder === 'string' ? placeholder.split('{detector}').join(d) : placeholder(d, p));
  const hold = Math.max(1, ...scanner.detectors.map((d) => d.maxLength));
  const parser = new SseParser();
  const found: MaskSpan[] = [];
  const stitchers: TextStitcher[] = [];
  const stitchersByKey = new Map<string, TextStitcher>();
  const toolCalls: SseMasker['toolCalls'] = [];
  let tool: HeldTool | null = null;
  const calls = new Map<string, OpenAiCall>();
  let openaiHeld: Json[] = [];
  let allowed = 0; // tool calls released
  let blocked = 0; // tool calls replaced by a refusal
  let out: string[] = [];

  const stitcher = (key: string): TextStitcher => {
    let s = stitchersByKey.get(key);
    if (!s) {
      s = new TextStitcher(scanner, key, render, hold, opts.shouldMask);
      stitchersByKey.set(key, s);
      stitchers.push(s);
    }
    return s;
  };
  const emitRaw = (ev: SseEvent): void => void out.push(Buffer.from(ev.raw).toString('utf8'));
  const emit = (ev: SseEvent, data: unknown): void => void out.push(writeSseEvent({ ...ev, data: JSON.stringify(data) }));

  const maskText = textMasker({ scanner, placeholder, render, found, shouldMask: opts.shouldMask, limits: opts.limits });

  async function verdict(call: ToolCall): Promise<ToolVerdict> {
    if (!opts.onToolCall) return { action: 'allow' };
    try {
      const v = await opts.onToolCall(call);
      return v?.action === 'allow' ? v : { action: 'block', message: v?.action === 'block' ? String(v.message) : 'invalid verdict' };
    } catch (err) {
      return { action: 'block', message: `tool call check failed: ${(err as Error)?.message ?? String(err)}` };
    }
  }

  const refusal = (name: string | null, message: string) => `[sluice] tool call ${name ?? '(unnamed)'} blocked: ${message}`;

  async function resolveAnthropicTool(stop: SseEvent): Promise<void> {
    const t = tool!;
    tool = null;
    const json = t.json === '' ? '{}' : t.json;
    const masked = maskText(json, `/content/${t.index}/input`);
    const input = tryParse(masked) ?? masked;
    const v = await verdict({ id: t.id, name: t.name, input });
    toolCalls.push({ id: t.id, name: t.name, input, action: v.action });
    if (v.action === 'allow') {
      allowed++;
      if (masked === json || t.json === '') for (const ev of t.events) emitRaw(ev);
      else {
        emitRaw(t.events[0]!);
        emit({ event: 'content_block_delta', data: null, comments: [], raw: new Uint8Array(0) }, { type: 'content_block_delta', index: t.index, delta: { type: 'input_json_delta', partial_json: masked } });
      }
      emitRaw(stop);
      return;
    }
    blocked++;
    const base = { data: null, comments: [], raw: new Uint8Array(0) };
    emit({ ...base, event: 'content_block_start' }, { type: 'content_block_start', index: t.index, content_block: { type: 'text', text: '' } });
    emit({ ...base, event: 'content_block_delta' }, { type: 'content_block_delta', index: t.index, delta: { type: 'text_delta', text: refusal(t.name, v.message) } });
    emitRaw(stop);
  }

  async function anthropic(ev: SseEvent, d: Json): Promise<void> {
    const type = (d.type ?? ev.event) as string;
    if (type === 'content_block_start' && (d.content_block?.type === 'tool_use' || d.content_block?.type === 'server_tool_use')) {
      tool = { index: d.index, id: d.content_block.id ?? null, name: d.content_block.name ?? null, json: '', events: [ev] };
      return;
    }
    if (tool && d.index === tool.index && type === 'content_block_delta') {
      tool.json += d.delta?.partial_json ?? '';
      tool.events.push(ev);
      return;
    }
    if (tool && d.index === tool.index && type === 'content_block_stop') return resolveAnthropicTool(ev);
    if (type === 'content_block_delta' && (d.delta?.type === 'text_delta' || d.delta?.type === 'thinking_delta')) {
      const field = d.delta.type === 'text_delta' ? 'text' : 'thinking';
      const s = stitcher(`/content/${d.index}/${field}`);
      const text = String(d.delta[field] ?? '');
      const released = s.push(text);
      if (released === text && s.held === 0) emitRaw(ev);
      else if (released !== '') emit(ev, { ...d, delta: { ...d.delta, [field]: released } });
      return;
    }
    if (type === 'content_block_stop') {
      for (const field of ['text', 'thinking']) {
        const key = `/content/${d.index}/${field}`;
        const s = stitchersByKey.get(key);
        if (!s) continue;
        const rest = s.flush();
        stitchersByKey.delete(key);
        const delta = field === 'text' ? { type: 'text_delta', text: rest } : { type: 'thinking_delta', thinking: rest };
        if (rest !== '') emit({ event: 'content_block_delta', data: null, comments: [], raw: new Uint8Array(0) }, { type: 'content_block_delta', index: d.index, delta });
      }
      emitRaw(ev);
      return;
    }
    if (type === 'message_delta' && blocked > 0 && allowed === 0 && d.delta?.stop_reason === 'tool_use') {
      emit(ev, { ...d, delta: { ...d.delta, stop_reason: 'end_turn' } });
      return;
    }
    generic(ev);
  }

  async function resolveOpenAi(template: Json | null): Promise<void> {
    if (calls.size === 0) return;
    const held = openaiHeld;
    openaiHeld = [];
    const list = [...calls.values()];
    calls.clear();
    let changed = false;
    const chunks: Json[] = [];
    for (const c of list) {
      const masked = c.args === '' ? '' : maskText(c.args, `/choices/${c.choice}/tool_calls/${c.index}/function/arguments`);
      const input = tryParse(masked) ?? masked;
      const v = await verdict({ id: c.id, name: c.name, input });
      toolCalls.push({ id: c.id, name: c.name, input, action: v.action });
      const shell = { ...(template ?? held[0] ?? {}), choices: [] as Json[] };
      if (v.action === 'allow') {
        allowed++;
        changed ||= masked !== c.args;
        shell.choices.push({ index: c.choice, delta: { tool_calls: [{ index: c.index, id: c.id, type: 'function', function: { name: c.name, arguments: masked } }] }, finish_reason: null });
      } else {
        blocked++;
        changed = true;
        shell.choices.push({ index: c.choice, delta: { content: refusal(c.name, v.message) }, finish_reason: null });
      }
      chunks.push(shell);
    }
    for (const chunk of changed ? chunks : held) out.push(writeSseEvent({ data: JSON.stringify(chunk) }));
  }

  async function openai(ev: SseEvent, d: Json): Promise<void> {
    let changed = false;
    let holdThis = false;
    let finishing = false;
    for (const c of Array.isArray(d.choices) ? d.choices : []) {
      const ci = c.index ?? 0;
      for (const tc of Array.isArray(c.delta?.tool_calls) ? c.delta.tool_calls : []) {
        const key = `${ci}:${tc.index ?? 0}`;
        const call = calls.get(key) ?? { choice: ci, index: tc.index ?? 0, id: null, name: null, args: '' };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name = tc.function.name;
        call.args += tc.function?.arguments ?? '';
        calls.set(key, call);
        holdThis = true;
      }
      if (typeof c.delta?.content === 'string') {
        const s = stitcher(`/choices/${ci}/delta/content`);
        const released = s.push(c.delta.content);
        if (released !== c.delta.content || s.held > 0) changed = true;
        c.delta.content = released;
      }
      if (c.finish_reason) {
        finishing = true;
        const s = stitchersByKey.get(`/choices/${ci}/delta/content`);
        if (s) {
          const rest = s.flush();
          if (rest !== '') {
            c.delta = { ...(c.delta ?? {}), content: (c.delta?.content ?? '') + rest };
            changed = true;
          }
        }
      }
    }
    if (holdThis) {
      openaiHeld.push(d);
      if (!finishing) return;
    }
    if (finishing) {
      await resolveOpenAi(d);
      if (blocked > 0 && allowed === 0) {
        for (const c of d.choices) if (c.finish_reason === 'tool_calls') (c.finish_reason = 'stop'), (changed = true);
      }
      if (holdThis) for (const c of d.choices) if (c.delta) delete c.delta.tool_calls;
    }
    if (changed || holdThis) emit(ev, d);
    else emitRaw(ev);
  }

  function generic(ev: SseEvent): void {
    if (ev.data === null) return void emitRaw(ev);
    const masked = maskText(ev.data, '');
    if (masked === ev.data) emitRaw(ev);
    else out.push(writeSseEvent({ ...ev, data: masked }));
  }

  async function handle(ev: SseEvent): Promise<void> {
    if (ev.data === null) return generic(ev);
    if (ev.data === '[DONE]') {
      await resolveOpenAi(null);
      emitRaw(ev);
      return;
    }
    const d = provider === 'generic' ? undefined : tryParse(ev.data);
    if (d === null || typeof d !== 'object' || Array.isArray(d)) return generic(ev);
    const j = d as Json;
    if (provider === 'anthropic' || (provider === 'auto' && (ANTHROPIC_TYPES.has(j.type) || ANTHROPIC_TYPES.has(ev.event ?? '')))) return anthropic(ev, j);
    if (provider === 'openai' || (provider === 'auto' && j.object === 'chat.completion.chunk')) return openai(ev, j);
    return generic(ev);
  }

  const counter = new FindingCounter();
  /** Fold collected spans into counts; drop finished stitchers (bounded memory on long streams). */
  function fold(): void {
    counter.add(found);
    found.length = 0;
    for (const st of stitchers) {
      counter.add(st.found);
      st.found.length = 0;
    }
    stitchers.splice(0, stitchers.length, ...stitchersByKey.values());
  }

  async function run(events: SseEvent[]): Promise<Uint8Array> {
    for (const ev of events) await handle(ev);
    fold();
    const bytes = Buffer.from(out.join(''), 'utf8');
    out = [];
    return bytes;
  }

  return {
    write: (chunk) => run(parser.push(chunk)),
    async end() {
      const events = parser.end();
      const bytes = Buffer.from(await run(events));
      if (tool) throw new SluiceError('SLUICE_ERR_SSE_SYNTAX', 'the stream ended inside a tool call');
      await resolveOpenAi(null);
      // Text still held by a block that never closed is dropped (never released unmasked).
      stitchersByKey.clear();
      return Buffer.concat([bytes, Buffer.from(out.join(''), 'utf8')]);
    },
    findings: () => (fold(), counter.values()),
    toolCalls,
  };
}
