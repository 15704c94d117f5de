/** @module stream/types — shapes shared by the inspector, the rewriter, the maskers and the extractors. */
import type { DetectorCategory } from '../scan/scanner.js';

/**
 * A byte range of the raw body to replace. Inside a string value (`whole` false) the range covers
 * raw content bytes (escapes included) and is replaced by the escaped placeholder text; with `whole`
 * the range covers a complete JSON value and is replaced by a JSON string holding the placeholder.
 */
export interface MaskSpan {
  start: number;
  end: number;
  detector: string;
  category: DetectorCategory | 'path';
  /** JSON Pointer of the string value the span lies in. */
  pointer: string;
  whole?: boolean;
}

/** Findings per detector and JSON pointer (values are never included). */
export interface FindingSummary {
  detector: string;
  category: DetectorCategory | 'path';
  path: string;
  count: number;
}

/** One tool call seen in a body or stream; `input` is parsed JSON, or null when `truncated`. */
export interface ToolCallFact {
  id: string | null;
  name: string | null;
  input: unknown;
  truncated?: boolean;
}

/** Small facts about an LLM API body, for the policy input. */
export interface LlmFacts {
  provider: 'anthropic' | 'openai' | 'unknown';
  model: string | null;
  stream: boolean | null;
  /** Names of the tools offered to the model. */
  tools: string[];
  tool_calls: ToolCallFact[];
  /** True when some fact was dropped or cut to stay within the size bounds. */
  truncated: boolean;
}

/** The result of `inspectJson`. */
export interface Inspection {
  findings: FindingSummary[];
  spans: MaskSpan[];
  facts: LlmFacts | null;
}

/** Placeholder: a template where `{detector}` is replaced, or a function. Default `[REDACTED:{detector}]`. */
export type Placeholder = string | ((detector: string, pointer: string) => string);

/** A complete tool call from a stream; `input` is the parsed (already masked) input. */
export interface ToolCall {
  id: string | null;
  name: string | null;
  input: unknown;
}

/** The hook's answer: release the tool call, or replace it by a refusal text. */
export type ToolVerdict = { action: 'allow' } | { action: 'block'; message: string };
