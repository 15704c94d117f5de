/** @module policy/runtime — a compiled policy ready to serve: module, instance, entrypoint and data, swapped as one. */
import { SluiceError } from '../errors.js';
import { DEFAULT_ENTRYPOINT } from './build.js';
import { inputShapeOf } from './bundle-shape.js';
import { PolicyInstance, type PolicyMemory } from './evaluate.js';
import type { PolicyArtifact } from './load.js';
import { compileInputWriter, type InputWriteFunction } from './input-writer.js';
import { createInputSlimmer, prunable, type InputSlimmer } from './slim-input.js';
import { compileWasm, wasmExports, type WasmModule } from './wasm.js';

function serializeData(data: unknown): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SluiceError('SLUICE_ERR_POLICY_DATA', 'policy data must be a JSON object');
  }
  try {
    return JSON.stringify(data);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_POLICY_DATA', (err as Error).message, { cause: err });
  }
}

/**
 * Everything one loaded policy needs at decision time. Immutable from the engine's point of view:
 * a reload or a data change builds a new runtime and the engine swaps one reference.
 *
 * @example
 * const runtime = await prepareRuntime(artifact, { memory: { initialPages: 8, maxPages: 1024 } });
 * runtime.instance.evaluate(json, runtime.entrypointId);
 */
export class PolicyRuntime {
  readonly loadedAt = new Date();
  /** Prunes an input to what the policy can read (identity when the bundle records no input shape). */
  readonly slimInput: InputSlimmer;
  /** Writes the pruned input's JSON bytes directly (undefined when the input is not pruned). */
  readonly writeInput: InputWriteFunction | undefined;

  constructor(
    readonly artifact: PolicyArtifact,
    readonly module: WasmModule,
    public instance: PolicyInstance,
    readonly entrypoint: string,
    readonly entrypointId: number,
    readonly entrypoints: string[],
    readonly dataJson: string,
    readonly memory: PolicyMemory,
  ) {
    const shape = inputShapeOf(artifact.manifest, artifact.wasm);
    this.slimInput = createInputSlimmer(shape);
    this.writeInput = prunable(shape) ? compileInputWriter(shape) : undefined;
  }

  /** Replace the instance by a fresh one from the same module and data (after a trap); keeps the old on failure. */
  renew(): void {
    try {
      this.instance = PolicyInstance.create(this.module, this.memory, this.dataJson);
    } catch {
      // the old instance stays; the next opa_eval resets its heap pointer anyway
    }
  }

  /** A runtime with the same module and a new data document. Throws SLUICE_ERR_POLICY_DATA. */
  withData(data: Record<string, unknown>): PolicyRuntime {
    const dataJson = serializeData(data);
    let instance: PolicyInstance;
    try {
      instance = PolicyInstance.create(this.module, this.memory, dataJson);
    } catch (err) {
      throw new SluiceError('SLUICE_ERR_POLICY_DATA', String((err as Error)?.message ?? err), { cause: err });
    }
    const { artifact, module, entrypoint, entrypointId, entrypoints, memory } = this;
    return new PolicyRuntime(artifact, module, instance, entrypoint, entrypointId, entrypoints, dataJson, memory);
  }
}

/**
 * Compile an artifact, instantiate it with its data and resolve the entrypoint.
 * Throws SLUICE_ERR_POLICY_LOAD, _ABI, _ENTRYPOINT or _DATA.
 *
 * @example
 * const runtime = await prepareRuntime(parseArtifact(bytes), { memory: { initialPages: 8, maxPages: 1024 } });
 */
export async function prepareRuntime(
  artifact: PolicyArtifact,
  options: { entrypoint?: string; data?: Record<string, unknown>; memory: PolicyMemory },
): Promise<PolicyRuntime> {
  let module: WasmModule;
  try {
    module = await compileWasm(artifact.wasm);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${artifact.origin}: ${(err as Error).message}`, { cause: err });
  }
  const functions = wasmExports(module, 'function');
  for (const required of ['opa_eval', 'opa_malloc', 'opa_json_parse', 'opa_json_dump', 'entrypoints', 'builtins']) {
    if (!functions.includes(required)) throw new SluiceError('SLUICE_ERR_POLICY_ABI', `the module exports no ${required}`);
  }
  const dataJson = serializeData(options.data ?? artifact.data ?? {});
  let instance: PolicyInstance;
  try {
    instance = PolicyInstance.create(module, options.memory, dataJson);
  } catch (err) {
    const message = String((err as Error)?.message ?? err);
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `${artifact.origin}: ${message}`, { cause: err });
  }
  const entrypoint = options.entrypoint ?? DEFAULT_ENTRYPOINT;
  const entrypoints = instance.entrypointNames();
  const entrypointId = instance.entrypoint(entrypoint);
  if (entrypointId === undefined) {
    throw new SluiceError('SLUICE_ERR_POLICY_ENTRYPOINT', `${entrypoint} (the policy has: ${entrypoints.join(', ') || 'none'})`);
  }
  return new PolicyRuntime(artifact, module, instance, entrypoint, entrypointId, entrypoints, dataJson, options.memory);
}
