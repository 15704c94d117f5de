/** @module policy/paths — where the package, the built-in rules and the compiled built-in bundle live. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The sluice package root (the directory holding its package.json), from source or from dist/.
 *
 * @example
 * const rulesDir = join(packageRoot(), 'rules', 'policies');
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sluice') {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sluice package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/**
 * The directory of the built-in Rego policy (`rules/policies`).
 *
 * @example
 * await buildBundle({ dir: builtinPolicyDir(), out: builtinBundlePath() });
 */
export function builtinPolicyDir(): string {
  return join(packageRoot(), 'rules', 'policies');
}

/**
 * The compiled built-in bundle (`rules/build/default.tar.gz`, produced by `make rules`).
 *
 * @example
 * const engine = await loadPolicy(builtinBundlePath());
 */
export function builtinBundlePath(): string {
  return join(packageRoot(), 'rules', 'build', 'default.tar.gz');
}

/**
 * The default directory for compiled-policy caches (`.sluice-cache/` at the package root,
 * or `SLUICE_CACHE_DIR` when set).
 *
 * @example
 * const dir = join(defaultCacheDir(), 'opa-build');
 */
export function defaultCacheDir(): string {
  return process.env.SLUICE_CACHE_DIR || join(packageRoot(), '.sluice-cache');
}
