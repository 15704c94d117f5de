/** @module policy/load — reads a raw .wasm or an OPA bundle .tar.gz in memory: wasm bytes, data, manifest. */
import { readFile, stat } from 'node:fs/promises';
import { Parser, type ReadEntry } from 'tar';
import { SluiceError } from '../errors.js';
import { checkAbi } from './abi.js';
import { buildBundle, type BuildOptions } from './build.js';

/** The `.manifest` of an OPA bundle (fields Sluice reads; others are kept). */
export interface BundleManifest {
  revision?: string;
  roots?: string[];
  wasm?: { entrypoint: string; module: string }[];
  [key: string]: unknown;
}

/** What a policy source contains, ready to compile. */
export interface PolicyArtifact {
  wasm: Uint8Array;
  /** The bundle's data document (merged data.json files); undefined for a raw .wasm. */
  data: Record<string, unknown> | undefined;
  manifest: BundleManifest | null;
  abi: { major: number; minor: number };
  /** A path or `<bytes>`, for messages. */
  origin: string;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function untar(bytes: Uint8Array): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let failure: Error | undefined;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => files.set(entry.path.replace(/^\.?\//, ''), Buffer.concat(chunks)));
    },
  });
  parser.on('error', (err: Error) => (failure ??= err));
  parser.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)); // gunzips and parses synchronously
  if (failure) throw failure;
  return files;
}

function parseJson(text: Buffer, what: string): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${what} is not valid JSON`, { cause: err });
  }
}

function bundleData(files: Map<string, Buffer>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, content] of files) {
    if (path !== 'data.json' && !path.endsWith('/data.json')) continue;
    const value = parseJson(content, path);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${path} must hold a JSON object`);
    }
    let node = root;
    for (const key of path.split('/').slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    Object.assign(node, value);
  }
  return root;
}

/**
 * Split policy bytes (raw wasm or bundle .tar.gz) into wasm, data and manifest, and check the ABI.
 *
 * @example
 * const artifact = parseArtifact(await readFile('rules/build/default.tar.gz'), 'default.tar.gz');
 */
export function parseArtifact(bytes: Uint8Array, origin = '<bytes>'): PolicyArtifact {
  if (!isGzip(bytes)) return { wasm: bytes, data: undefined, manifest: null, abi: checkAbi(bytes), origin };
  let files: Map<string, Buffer>;
  try {
    files = untar(bytes);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${origin}: not a readable bundle (${(err as Error).message})`, {
      cause: err,
    });
  }
  const manifestFile = files.get('.manifest');
  const manifest = manifestFile ? (parseJson(manifestFile, '.manifest') as BundleManifest) : null;
  const modules = manifest?.wasm?.map((m) => m.module.replace(/^\//, '')) ?? ['policy.wasm'];
  if (new Set(modules).size > 1) {
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${origin}: bundles with several wasm modules are not supported`);
  }
  const wasm = files.get(modules[0] ?? 'policy.wasm');
  if (!wasm) throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${origin}: the bundle holds no policy.wasm`);
  return { wasm, data: bundleData(files), manifest, abi: checkAbi(wasm), origin };
}

/**
 * Read a policy source: bytes, a .wasm or .tar.gz file, or a directory of Rego (compiled with buildBundle, cached).
 *
 * @example
 * const artifact = await readArtifact('rules/policies');
 */
export async function readArtifact(
  source: string | Uint8Array,
  build: Omit<BuildOptions, 'dir' | 'out'> = {},
): Promise<PolicyArtifact> {
  if (typeof source !== 'string') return parseArtifact(source);
  const info = await stat(source).catch((err: Error) => {
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${source}: ${err.message}`, { cause: err });
  });
  let path = source;
  if (info.isDirectory()) {
    ({ out: path } = await buildBundle({ ...build, dir: source }));
  }
  return parseArtifact(await readFile(path), source);
}
