/** @module adapters/testing/sluice-fixture — test helpers: a Sluice on the built-in bundle and scanner, and error-cause lookup. */
import { createSluice, isSluiceError, type SluiceError, type SluiceOptions, type Sluice } from '../../engine/index.js';

/** Secrets and PII the built-in detectors find (synthetic examples from rules/detectors). */
export const SAMPLES = {
  slack: 'xoxb-5153040295900-0775777321849-cVzxijYlDo9QprQkcV8TW39Y',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  email: 'john.doe@example.com',
  ssn: '312-23-9307',
} as const;

/**
 * A Sluice on the built-in policy bundle and the default scanner, with test overrides.
 *
 * @example
 * const sluice = await testSluice({ credentials: { '127.0.0.1': { 'x-api-key': 'held' } } });
 */
export function testSluice(options: SluiceOptions = {}): Promise<Sluice> {
  return createSluice(options);
}

/**
 * The SluiceError in an error's cause chain (SDKs wrap fetch failures), or null.
 *
 * @example
 * expect(sluiceCause(err)?.code).toBe('SLUICE_ERR_DENIED');
 */
export function sluiceCause(err: unknown): SluiceError | null {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isSluiceError(e)) return e;
  }
  return null;
}
