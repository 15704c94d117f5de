/** @module pipeline/seams — the thin seam to the sibling areas (policy, stream, scan) the pipeline composes. */
import { SluiceError } from '../errors.js';
import type { Scanner, DetectorDefinition } from '../scan/scanner.js';
import type { FindingFact, LlmFactsInput, PolicyLike, ToolCallFact } from './types.js';

/** One span to mask: raw byte offsets into the body, the detector and the JSON pointer of the string. */
export interface MaskSpan { start: number; end: number; detector: string; pointer: string }

/** What `inspectJson` returns. */
export interface Inspection { findings: FindingFact[]; spans: MaskSpan[]; facts: Partial<LlmFactsInput> | null }

/** A push-based streaming masker (JSON or SSE). An SSE masker may return a promise while a tool call is held. */
export interface StreamMasker {
  write(chunk: Uint8Array): Uint8Array | Promise<Uint8Array>;
  end(): Uint8Array | Promise<Uint8Array>;
}

/** The verdict on a streamed tool call. */
export interface ToolVerdict { allow: boolean; reason?: string }

/** Options of the streaming maskers. */
export interface MaskerOptions {
  scanner: Scanner;
  shouldMask?: (detector: string, pointer: string) => boolean;
  placeholder?: string;
  limits?: Record<string, number>;
  onToolCall?: (call: ToolCallFact) => Promise<ToolVerdict>;
  provider?: string | null;
}

/** The stream area's functions (engine/stream). */
export interface StreamApi {
  inspectJson(body: Uint8Array, opts: { scanner: Scanner; limits?: Record<string, number>; extract?: unknown }): Inspection;
  applyMasks(body: Uint8Array, spans: MaskSpan[], opts?: { placeholder?: string }): Uint8Array;
  applyPatch(body: Uint8Array, ops: ReadonlyArray<object>): Uint8Array;
  createJsonMasker(opts: MaskerOptions): StreamMasker;
  createSseMasker(opts: MaskerOptions): StreamMasker;
}

/** Everything the pipeline needs from its siblings. */
export interface Siblings {
  stream: StreamApi;
  loadPolicy(source: string | Uint8Array): Promise<PolicyLike>;
  builtinBundlePath(): string;
  createScanner(opts: { detectors?: DetectorDefinition[] }): Scanner;
}

const STREAM_FNS = ['inspectJson', 'applyMasks', 'applyPatch', 'createJsonMasker', 'createSseMasker'] as const;

/**
 * Load the sibling areas through the public index (resolved at construction, never on the hot path).
 * A missing stream function fails construction with SLUICE_ERR_INTERNAL naming it; policy and scanner
 * factories fail only when used (a caller may pass its own policy engine and scanner).
 *
 * @example
 * const { stream, loadPolicy } = await loadSiblings();
 */
export async function loadSiblings(): Promise<Siblings> {
  const spec = '../index.js';
  const mod = (await import(spec)) as Record<string, unknown>;
  const need = (name: string): any => {
    if (typeof mod[name] !== 'function') throw new SluiceError('SLUICE_ERR_INTERNAL', `engine/index.ts does not export ${name} yet`);
    return mod[name];
  };
  const lazy = (name: string): any => (...args: unknown[]) => need(name)(...args);
  const stream = Object.fromEntries(STREAM_FNS.map((n) => [n, need(n)])) as unknown as StreamApi;
  return { stream, loadPolicy: lazy('loadPolicy'), builtinBundlePath: lazy('builtinBundlePath'), createScanner: lazy('createScanner') };
}
