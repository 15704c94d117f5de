/** @module policy/builtin — the built-in policy bundle: rebuilt from rules/policies when stale, loaded as is without OPA. */
import { existsSync } from 'node:fs';
import { isSluiceError } from '../errors.js';
import { buildBundle, type BuildOptions } from './build.js';
import { builtinBundlePath, builtinPolicyDir } from './paths.js';

/**
 * Make sure `rules/build/default.tar.gz` matches `rules/policies` (cached `opa build`; no-op when unchanged)
 * and return its path. Without an OPA compiler an existing bundle is used as is.
 *
 * @example
 * const engine = await loadPolicy(await ensureBuiltinBundle());
 */
export async function ensureBuiltinBundle(options: Omit<BuildOptions, 'dir' | 'out'> = {}): Promise<string> {
  const out = builtinBundlePath();
  try {
    await buildBundle({ ...options, dir: builtinPolicyDir(), out });
  } catch (err) {
    if (!(isSluiceError(err, 'SLUICE_ERR_OPA_MISSING') && existsSync(out))) throw err;
  }
  return out;
}
