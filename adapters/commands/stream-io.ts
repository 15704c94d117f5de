/** @module cli/stream-io — shared helpers of `sluice mask` and `sluice scan`: options, scanner, per-file maskers. */
import { createJsonMasker, createScanner, createSseMasker, type Scanner, type ScannerEngineChoice } from '../../engine/index.js';
import { usageError } from './command.js';

/** The body formats the commands read. */
export type BodyFormat = 'json' | 'sse';

/** Validate `--format` and `--engine`, and build the scanner once. */
export function streamSetup(format: string | undefined, engine: string | undefined): { format: BodyFormat; scanner: Scanner } {
  const f = format ?? 'json';
  if (f !== 'json' && f !== 'sse') throw usageError(`--format must be json or sse, not ${f}`);
  const e = engine ?? 'auto';
  if (e !== 'auto' && e !== 'js' && e !== 'native') throw usageError(`--engine must be auto, js or native, not ${e}`);
  return { format: f, scanner: createScanner({ engine: e as ScannerEngineChoice }) };
}

/** A per-body masker with one async shape for both formats. */
export interface BodyMasker {
  write(chunk: Uint8Array): Promise<Uint8Array>;
  end(): Promise<Uint8Array>;
  findings(): Array<{ detector: string; category: string; path: string; count: number }>;
}

/**
 * Create the masker for one body (JSON: streaming, holds open string values; SSE: provider stitching).
 *
 * @example
 * const m = bodyMasker('json', scanner); out.write(await m.write(chunk)); out.write(await m.end());
 */
export function bodyMasker(format: BodyFormat, scanner: Scanner): BodyMasker {
  if (format === 'sse') return createSseMasker({ scanner });
  const m = createJsonMasker({ scanner });
  return { write: async (c) => m.write(c), end: async () => m.end(), findings: () => m.findings() };
}
