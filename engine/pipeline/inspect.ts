/** @module pipeline/inspect — inspect a whole body (JSON through the stream area, anything else as text) and select spans to mask. */
import type { Match } from '../scan/scanner.js';
import type { Core } from './exchange.js';
import type { Inspection, MaskSpan } from './seams.js';
import type { Decision, FindingFact } from './types.js';
import { providerOf, type LlmApi } from './llm.js';

/**
 * Findings and spans of a whole body. JSON goes through `inspectJson` (malformed ⇒ SLUICE_ERR_JSON_SYNTAX);
 * any other body is scanned as text, its findings at path ''.
 *
 * @example
 * const { findings, spans } = inspectBody(core, bytes, true);
 */
export function inspectBody(core: Core, bytes: Uint8Array, json: boolean, api: LlmApi | null = null): Inspection {
  const { scanner, limits } = core.opts;
  if (json) return core.stream.inspectJson(bytes, { scanner, limits: { maxDepth: limits.depth }, extract: api !== null && { provider: providerOf(api) } });
  const matches = scanner.scan(bytes);
  return { findings: summarizeMatches(matches), spans: matches.map((m) => ({ start: m.start, end: m.end, detector: m.detector, category: m.category, pointer: '' })), facts: null };
}

/**
 * Group matches of a text body into findings (one per detector, path '').
 *
 * @example
 * summarizeMatches(scanner.scan(bytes)); // [{ detector: 'aws-access-key-id', category: 'secret', path: '', count: 1 }]
 */
export function summarizeMatches(matches: Match[]): FindingFact[] {
  const byDetector = new Map<string, FindingFact>();
  for (const m of matches) {
    const f = byDetector.get(m.detector);
    if (f) f.count++;
    else byDetector.set(m.detector, { detector: m.detector, category: m.category, path: '', count: 1 });
  }
  return [...byDetector.values()];
}

/**
 * The predicate "mask this detection" of a decision: detector listed (or '*'), or the pointer under a masked path.
 *
 * @example
 * const should = maskPredicate(decision); should('email', '/user/email');
 */
export function maskPredicate(decision: Decision): (detector: string, pointer: string) => boolean {
  const { detectors, paths } = decision.mask;
  const all = detectors.includes('*');
  const set = new Set(detectors);
  return (detector, pointer) => all || set.has(detector) || paths.some((p) => pointer === p || pointer.startsWith(`${p}/`));
}

/** The spans a decision masks. */
export function maskFor(decision: Decision, spans: MaskSpan[]): MaskSpan[] {
  if (decision.mask.detectors.includes('*')) return spans;
  const should = maskPredicate(decision);
  return spans.filter((s) => should(s.detector, s.pointer));
}
