/** @module pipeline/seams — the thin seam to the sibling areas (policy, stream, scan) the pipeline composes. */
import { SluiceError } from '../errors.js';
import type { Scanner, DetectorDefinition } from '../scan/scanner.js';
import type { FindingFact, PolicyLike } from './types.js';

/** One span to mask: raw byte offsets into the body, the detector and the JSON pointer of the string. */
export interface MaskSpan { start: number; end: number; detector: string; category: string; pointer: string; whole?: boolean }

/** LLM facts as the stream area's extractors capture them. */
export interface StreamLlmFacts {
  provider: string;
  model: string | null;
  stream: boolean | null;
  tools: string[];
  tool_calls: Array<{ id: string | null; name: string | null; input: unknown; truncated?: boolean }>;
  truncated: boolean;
}

/** What `inspectJson` returns. */
export interface Inspection { findings: FindingFact[]; spans: MaskSpan[]; facts: StreamLlmFacts | null }

/** A push-based streaming masker (JSON or SSE). An SSE masker may return a promise while a tool call is held. */
export interface StreamMasker {
  write(chunk: Uint8Array): Uint8Array | Promise<Uint8Array>;
  end(): Uint8Array | Promise<Uint8Array>;
  /** What was found so far (detector, pointer, count), for the audit event. */
  findings?(): FindingFact[];
}

/** The verdict on a streamed tool call: release it, or replace it by a refusal text. */
export type ToolVerdict = { action: 'allow' } | { action: 'block'; message: string };

/** A complete streamed tool call as the SSE masker reports it (input already masked). */
export interface StreamToolCall { id: string | null; name: string | null; input: unknown }

/** Options of the streaming maskers. */
export interface MaskerOptions {
  scanner: Scanner;
  shouldMask?: (detector: string, pointer: string) => boolean;
  placeholder?: string;
  limits?: Record<string, number>;
  onToolCall?: (call: StreamToolCall) => Promise<ToolVerdict>;
  provider?: 'auto' | 'anthropic' | 'openai' | 'generic';
}

/** The stream area's functions (engine/stream). */
export interface StreamApi {
  inspectJson(body: Uint8Array, opts: { scanner: Scanner; limits?: Record<string, number>; extract?: boolean | { provider?: string } }): Inspection;
  spansForPaths(body: Uint8Array, pointers: readonly string[], limits?: Record<string, number>): MaskSpan[];
  applyMasks(body: Uint8Array, spans: MaskSpan[], opts?: { placeholder?: string }): Uint8Array;
  applyPatch(body: Uint8Array, ops: ReadonlyArray<object>): Uint8Array;
  createJsonMasker(opts: MaskerOptions): StreamMasker;
  createSseMasker(opts: MaskerOptions): StreamMasker;
}

/** Everything the pipeline needs from its siblings. */
export interface Siblings {
  stream: StreamApi;
  loadPolicy(source: string | Uint8Array, opts?: { failOpen?: boolean }): Promise<PolicyLike>;
  builtinBundlePath(): string;
  /** Rebuild the built-in bundle when stale or missing (cached `opa build`) and return its path. */
  ensureBuiltinBundle(): Promise<string>;
  createScanner(opts: { detectors?: DetectorDefinition[] }): Scanner;
}

const STREAM_FNS = ['inspectJson', 'spansForPaths', 'applyMasks', 'applyPatch', 'createJsonMasker', 'createSseMasker'] as const;

/** Where each sibling function lives: the public index first, then the area's own modules. */
const MODULES = [
  '../index.js', '../stream/inspect.js', '../stream/rewriter.js', '../stream/masker.js', '../stream/sse.js', '../stream/patch.js',
  '../policy/load-policy.js', '../policy/paths.js', '../policy/builtin.js', '../scan/select.js',
];

async function importAll(): Promise<Array<Record<string, unknown>>> {
  const mods: Array<Record<string, unknown>> = [];
  for (const spec of MODULES) {
    try { mods.push((await import(spec)) as Record<string, unknown>); } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
  return mods;
}

/**
 * Load the sibling areas (resolved at construction, never on the hot path): from the public index, or from
 * the area's module while its index export is pending. A missing stream function fails construction with
 * SLUICE_ERR_INTERNAL naming it; policy and scanner factories fail only when used (a caller may pass its own).
 *
 * @example
 * const { stream, loadPolicy } = await loadSiblings();
 */
export async function loadSiblings(): Promise<Siblings> {
  const mods = await importAll();
  const find = (name: string): any => mods.find((m) => typeof m[name] === 'function')?.[name];
  const need = (name: string): any => {
    const fn = find(name);
    if (!fn) throw new SluiceError('SLUICE_ERR_INTERNAL', `the engine does not provide ${name} yet`);
    return fn;
  };
  const lazy = (name: string): any => (...args: unknown[]) => need(name)(...args);
  const stream = Object.fromEntries(STREAM_FNS.map((n) => [n, find(n) ?? lazy(n)])) as unknown as StreamApi;
  return {
    stream, loadPolicy: lazy('loadPolicy'), builtinBundlePath: lazy('builtinBundlePath'),
    ensureBuiltinBundle: lazy('ensureBuiltinBundle'), createScanner: lazy('createScanner'),
  };
}
