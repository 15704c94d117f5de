/** @module policy/load-policy — loadPolicy(): validates options, reads and compiles the source, returns a PolicyEngine. */
import { SluiceError } from '../errors.js';
import { PolicyEngine, type LoadPolicyOptions } from './engine.js';
import type { PolicyMemory } from './evaluate.js';
import { readArtifact } from './load.js';
import { prepareRuntime } from './runtime.js';

const DEFAULT_MEMORY: PolicyMemory = { initialPages: 8, maxPages: 1024 };

function invalid(message: string): SluiceError {
  return new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `loadPolicy: ${message}`);
}

function checkOptions(source: unknown, options: LoadPolicyOptions): PolicyMemory {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) throw invalid('source must be a path or bytes');
  if (options.entrypoint !== undefined && (typeof options.entrypoint !== 'string' || !options.entrypoint)) {
    throw invalid('entrypoint must be a non-empty string');
  }
  for (const flag of ['failOpen', 'validateInput'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw invalid(`${flag} must be a boolean`);
  }
  if (options.data !== undefined && (options.data === null || typeof options.data !== 'object' || Array.isArray(options.data))) {
    throw invalid('data must be a JSON object');
  }
  if (options.watch && typeof source !== 'string') throw invalid('watch needs a path source, not bytes');
  const memory = { ...DEFAULT_MEMORY, ...options.memory };
  const { initialPages, maxPages } = memory;
  if (!Number.isInteger(initialPages) || !Number.isInteger(maxPages) || initialPages < 1 || maxPages < initialPages || maxPages > 65536) {
    throw invalid('memory must have integer initialPages >= 1 and maxPages in [initialPages, 65536]');
  }
  return memory;
}

/**
 * Load a policy from a bundle `.tar.gz` (as built by `opa build -t wasm` / `sluice build`), a raw `.wasm`,
 * a directory of Rego (compiled with the cached `opa build`), or the bytes of a bundle or module.
 * Rejects with SLUICE_ERR_POLICY_LOAD, _ABI, _ENTRYPOINT, _DATA, _BUILD, OPA_MISSING or INVALID_OPTIONS.
 *
 * @example
 * const engine = await loadPolicy(builtinBundlePath(), { watch: { onReload: (err) => err && log.warn(err) } });
 * engine.decide(input).allow;
 */
export async function loadPolicy(source: string | Uint8Array, options: LoadPolicyOptions = {}): Promise<PolicyEngine> {
  const memory = checkOptions(source, options);
  const settings = { ...options, memory, failOpen: options.failOpen ?? false, validateInput: options.validateInput ?? true };
  const artifact = await readArtifact(source, options.build);
  const engine = new PolicyEngine(await prepareRuntime(artifact, settings), source, settings);
  if (options.watch) await engine.startWatching(options.watch === true ? {} : options.watch);
  return engine;
}
