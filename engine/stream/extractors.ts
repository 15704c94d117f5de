/** @module stream/extractors — bounded LLM facts (model, stream, tools, tool calls, provider) captured by path pattern while tokenizing. */
import type { JsonTokenizer } from './tokenizer.js';
import { PRIM_FALSE, PRIM_TRUE } from './tokenizer.js';
import { decodeJsonStringToString } from './escapes.js';
import type { LlmFacts, ToolCallFact } from './types.js';

/** Size bounds for captured facts. */
export interface ExtractOptions {
  /** Largest tool input / arguments parsed, in raw bytes (default 64 KiB); larger → `truncated`. */
  maxInputBytes?: number;
  /** At most this many tool calls and tool names (default 64 each). */
  maxItems?: number;
  /** Override the provider guess (e.g. from the target host). */
  provider?: LlmFacts['provider'];
}

interface Node {
  children: Map<string, Node>;
  /** Children by the FNV-1a hash of their raw key bytes (JsonTokenizer.keyHash), verified with keyEquals. */
  byHash: Map<number, Array<{ raw: Uint8Array; node: Node }>>;
  star: Node | null;
  /** A field captured at this node (`model`, `stream`, `tool`, or an item field). */
  capture: string | null;
  /** `capture` without its `item.` prefix (the item's field name), or null. */
  field: string | null;
  /** A string value here is captured as decoded text (not parsed as JSON). */
  asText: boolean;
  /** This node's value is an item (tool-use block, tool call, responses item). */
  item: boolean;
  /** A provider this path hints at. */
  hint: LlmFacts['provider'] | null;
}

const node = (): Node => ({ children: new Map(), byHash: new Map(), star: null, capture: null, field: null, asText: false, item: false, hint: null });

/** Patterns: `*` = any array index. Item fields are captured relative to the nearest item node. */
const ITEM_ROOTS = ['messages/*/content/*', 'content/*', 'input/*', 'output/*', 'messages/*/tool_calls/*', 'choices/*/message/tool_calls/*'];
const ITEM_FIELDS = ['type', 'id', 'call_id', 'name', 'input', 'arguments', 'function/name', 'function/arguments'];
const PLAIN: Array<[string, string]> = [
  ['model', 'model'],
  ['stream', 'stream'],
  ['tools/*/name', 'tool'],
  ['tools/*/function/name', 'tool'],
];
const HINTS: Array<[string, LlmFacts['provider']]> = [
  ['system', 'anthropic'],
  ['anthropic_version', 'anthropic'],
  ['stop_reason', 'anthropic'],
  ['messages/*/tool_calls', 'openai'],
  ['choices', 'openai'],
  ['object', 'openai'],
  ['input', 'openai'],
  ['output', 'openai'],
  ['max_completion_tokens', 'openai'],
  ['messages/*/content/*/tool_use_id', 'anthropic'],
];

/** Same hash as JsonTokenizer.keyHash. */
function rawKeyHash(raw: Uint8Array): number {
  let h = 0x811c9dc5 ^ raw.length;
  for (let i = 0; i < raw.length; i++) h = Math.imul(h ^ raw[i]!, 0x01000193);
  return h;
}

/** The child of `parent` named by the tokenizer's innermost key (raw bytes first; decoded only when escaped). */
function childFor(parent: Node, tok: JsonTokenizer): Node | null {
  if (tok.keyHasEscapes()) return parent.children.get(tok.key()) ?? null;
  const bucket = parent.byHash.get(tok.keyHash());
  if (bucket) for (const entry of bucket) if (tok.keyEquals(entry.raw)) return entry.node;
  return null;
}

function insert(root: Node, pattern: string): Node {
  let n = root;
  for (const seg of pattern.split('/')) {
    if (seg === '*') n = n.star ??= node();
    else {
      let c = n.children.get(seg);
      if (!c) {
        n.children.set(seg, (c = node()));
        const raw = Buffer.from(seg, 'utf8');
        const h = rawKeyHash(raw);
        const bucket = n.byHash.get(h) ?? [];
        bucket.push({ raw, node: c });
        n.byHash.set(h, bucket);
      }
      n = c;
    }
  }
  return n;
}

const ROOT = node();
for (const [p, capture] of PLAIN) Object.assign(insert(ROOT, p), { capture, asText: true });
for (const p of ITEM_ROOTS) {
  insert(ROOT, p).item = true;
  for (const f of ITEM_FIELDS) {
    Object.assign(insert(ROOT, `${p}/${f}`), { capture: `item.${f}`, field: f, asText: f !== 'arguments' && f !== 'function/arguments' });
  }
}
for (const [p, hint] of HINTS) insert(ROOT, p).hint = hint;

/** Deepest path the patterns reach (choices/* /message/tool_calls/* /function/arguments = 7). */
export const EXTRACT_MAX_DEPTH = 7;

/**
 * Captures facts while the tokenizer runs over a whole body (`source`). The inspector forwards
 * tokenizer events at depth ≤ EXTRACT_MAX_DEPTH; nothing is allocated for paths no pattern names.
 *
 * @example
 * const ex = new FactExtractor(body, tok, {}); // feed events…  ex.result()
 */
export class FactExtractor {
  private readonly containerNode: Array<Node | null> = [];
  private readonly memberNode: Array<Node | null> = [];
  private readonly rawStart: number[] = [];
  private item: Record<string, unknown> | null = null;
  private itemDepth = -1;
  private readonly facts: LlmFacts = { provider: 'unknown', model: null, stream: null, tools: [], tool_calls: [], truncated: false };
  private readonly hints = new Set<LlmFacts['provider']>();
  private readonly maxInput: number;
  private readonly maxItems: number;

  constructor(
    private readonly source: Uint8Array,
    private readonly tok: JsonTokenizer,
    private readonly opts: ExtractOptions = {},
  ) {
    this.maxInput = opts.maxInputBytes ?? 64 * 1024;
    this.maxItems = opts.maxItems ?? 64;
  }

  private valueNode(depth: number): Node | null {
    return depth === 0 ? ROOT : (this.memberNode[depth] ?? null);
  }

  /** A key ended at `depth`. */
  key(depth: number): void {
    const parent = this.containerNode[depth];
    const n = parent ? childFor(parent, this.tok) : null;
    this.memberNode[depth] = n;
    if (n?.hint) this.hints.add(n.hint);
  }

  /** A container opens at `depth` (its own depth; its members live at depth + 1). */
  open(depth: number, offset: number, isArray: boolean): void {
    const v = this.valueNode(depth);
    this.containerNode[depth + 1] = v;
    this.memberNode[depth + 1] = isArray ? (v?.star ?? null) : null;
    if (!v) return;
    if (v.item && this.item === null) {
      this.item = {};
      this.itemDepth = depth;
    }
    if (v.capture) this.rawStart[depth] = offset;
  }

  /** A container closes at `depth`. */
  close(depth: number, offset: number): void {
    const v = this.valueNode(depth);
    if (!v) return;
    if (v.capture) this.captureRaw(v, this.rawStart[depth]!, offset + 1, false);
    if (v.item && this.itemDepth === depth) this.finishItem();
  }

  /** A scalar value [start, end) ended at `depth`; string content is [start, end) without quotes. */
  value(depth: number, start: number, end: number, isString: boolean, kind: number): void {
    const v = this.valueNode(depth);
    if (!v?.capture) return;
    if (v.capture === 'stream') this.facts.stream = kind === PRIM_TRUE ? true : kind === PRIM_FALSE ? false : null;
    else this.captureRaw(v, start, end, isString);
  }

  private captureRaw(v: Node, start: number, end: number, isString: boolean): void {
    const tooBig = end - start > this.maxInput;
    const field = v.field;
    if (field === null || (v.asText && isString)) {
      // model, tool (strings only) and the text fields of an item.
      if (!isString) return;
      const text = tooBig ? null : decodeJsonStringToString(this.source, start, end);
      if (tooBig) this.facts.truncated = true;
      if (v.capture === 'model') this.facts.model = text;
      else if (v.capture === 'tool') {
        if (text !== null && this.facts.tools.length < this.maxItems) this.facts.tools.push(text);
        else this.facts.truncated = true;
      } else if (this.item) this.item[field!] = text;
      return;
    }
    if (!this.item) return;
    if (tooBig) {
      this.item.truncated = true;
      return;
    }
    let value: unknown;
    try {
      value = isString
        ? JSON.parse(decodeJsonStringToString(this.source, start, end)) // OpenAI `arguments`: JSON in a string
        : JSON.parse(Buffer.from(this.source.buffer, this.source.byteOffset + start, end - start).toString('utf8'));
    } catch {
      value = isString ? decodeJsonStringToString(this.source, start, end) : null;
    }
    this.item[field] = value;
  }

  private finishItem(): void {
    const it = this.item!;
    this.item = null;
    this.itemDepth = -1;
    const type = it.type as string | undefined;
    const isCall = type === 'tool_use' || type === 'function_call' || type === 'function' || (type === undefined && ('function/name' in it));
    if (!isCall) return;
    if (this.facts.tool_calls.length >= this.maxItems) {
      this.facts.truncated = true;
      return;
    }
    const call: ToolCallFact = {
      id: ((it.id ?? it.call_id) as string | undefined) ?? null,
      name: ((it.name ?? it['function/name']) as string | undefined) ?? null,
      input: it.input ?? it.arguments ?? it['function/arguments'] ?? null,
    };
    if (it.truncated) {
      call.truncated = true;
      call.input = null;
      this.facts.truncated = true;
    }
    this.facts.tool_calls.push(call);
  }

  /** The facts gathered; the provider is the override, else the strongest hint. */
  result(): LlmFacts {
    const f = this.facts;
    if (this.opts.provider) f.provider = this.opts.provider;
    else if (this.hints.has('anthropic') && !this.hints.has('openai')) f.provider = 'anthropic';
    else if (this.hints.has('openai') && !this.hints.has('anthropic')) f.provider = 'openai';
    else if (f.model?.startsWith('claude')) f.provider = 'anthropic';
    else if (f.model && /^(gpt|o\d|chatgpt)/.test(f.model)) f.provider = 'openai';
    return f;
  }
}
