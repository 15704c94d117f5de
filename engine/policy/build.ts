/** @module policy/build — `opa build -t wasm` wrapper with a content-hash cache (build time, never the hot path). */
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { SluiceError } from '../errors.js';
import { annotateInputShape } from './bundle-shape.js';
import { findOpa, opaVersion, runOpa } from './opa.js';
import { defaultCacheDir } from './paths.js';

/** The entrypoint every Sluice policy exposes. */
export const DEFAULT_ENTRYPOINT = 'sluice/decision';

export interface BuildOptions {
  /** Directory of .rego and data (.json/.yaml) files; `*_test.rego` files are left out of the bundle. */
  dir: string;
  /** Output OPA bundle (.tar.gz) holding /policy.wasm, /data.json and /.manifest; omitted: the cached bundle itself. */
  out?: string;
  /** Entrypoints compiled into the wasm (default `['sluice/decision']`). */
  entrypoints?: string[];
  /** Where compiled bundles are cached by content hash (default `.sluice-cache/opa-build`). */
  cacheDir?: string;
  /** The opa binary (default: findOpa()). */
  opa?: string;
}

export interface BuildResult {
  out: string;
  /** sha256 of the inputs (policy files, OPA version, entrypoints). */
  hash: string;
  /** True when the bundle came from the cache and opa was not run. */
  cached: boolean;
}

const POLICY_FILE = /\.(rego|json|ya?ml)$/;
const TEST_FILE = /_test\.rego$/;

async function policyFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && POLICY_FILE.test(e.name) && !TEST_FILE.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * The cache key of a policy directory: its policy and data files, the OPA version and the entrypoints.
 *
 * @example
 * const hash = await policyHash('rules/policies', '1.22.0', ['sluice/decision']);
 */
export async function policyHash(dir: string, version: string, entrypoints: string[]): Promise<string> {
  const hash = createHash('sha256').update(`sluice-build-v2\0${version}\0${entrypoints.join(',')}\0`);
  const files = await policyFiles(dir);
  if (!files.some((f) => f.endsWith('.rego'))) {
    throw new SluiceError('SLUICE_ERR_POLICY_BUILD', `no .rego files in ${dir}`);
  }
  for (const file of files) {
    const content = await readFile(join(dir, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/**
 * Compile a policy directory to an OPA wasm bundle with `opa build -t wasm -e <entrypoint>...`.
 * An unchanged directory (same files, OPA version and entrypoints) is served from the cache without running opa.
 *
 * @example
 * const { out, cached } = await buildBundle({ dir: 'rules/policies', out: 'rules/build/default.tar.gz' });
 */
export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  const dir = resolve(options.dir);
  const entrypoints = options.entrypoints?.length ? options.entrypoints : [DEFAULT_ENTRYPOINT];
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new SluiceError('SLUICE_ERR_POLICY_BUILD', `${options.dir} is not a directory`);
  }
  const opa = findOpa(options.opa);
  const hash = await policyHash(dir, await opaVersion(opa), entrypoints);
  const cacheDir = resolve(options.cacheDir ?? join(defaultCacheDir(), 'opa-build'));
  const cachedBundle = join(cacheDir, `${hash}.tar.gz`);
  const out = options.out === undefined ? cachedBundle : resolve(options.out);
  await mkdir(dirname(out), { recursive: true });

  if (await stat(cachedBundle).catch(() => null)) {
    if (cachedBundle !== out) await publish(cachedBundle, out);
    return { out, hash, cached: true };
  }

  await mkdir(cacheDir, { recursive: true });
  const partial = `${cachedBundle}.${randomUUID()}.partial`; // unique: parallel builds in one process too
  const args = ['build', '-t', 'wasm', '--ignore', '*_test.rego', '-o', partial];
  for (const entrypoint of entrypoints) args.push('-e', entrypoint);
  try {
    await runOpa(opa, [...args, dir]);
    await annotateInputShape(partial, opa, dir, entrypoints);
    await rename(partial, cachedBundle);
  } finally {
    await rm(partial, { force: true });
  }
  if (cachedBundle !== out) await publish(cachedBundle, out);
  return { out, hash, cached: false };
}

/** Copy then rename, so a reader of `out` never sees a half-written bundle. */
async function publish(from: string, out: string): Promise<void> {
  const partial = `${out}.${randomUUID()}.partial`;
  try {
    await copyFile(from, partial);
    await rename(partial, out);
  } finally {
    await rm(partial, { force: true });
  }
}
