/** @module policy/engine — PolicyEngine: one reused wasm instance, decide() never throws, atomic reload. */
import { isSluiceError, SluiceError } from '../errors.js';
import { DEFAULT_ENTRYPOINT, type BuildOptions } from './build.js';
import { decisionOf, failureDecision, toPolicyError } from './decision.js';
import { DataValueDecisions, DecisionReader } from './decision-reader.js';
import { JsonBytesWriter } from './input-writer.js';
import type { PolicyInstance, PolicyMemory } from './evaluate.js';
import { prepareRuntime, type PolicyRuntime } from './runtime.js';
import { schemaErrorText, validatePolicyInput } from './schema.js';
import type { Decision, PolicyInput, PolicyStats } from './types.js';
import { readArtifact } from './load.js';
import { watchPolicySource } from './watch.js';

export interface WatchOptions {
  /** Quiet time before a change triggers a reload (default 100 ms). */
  debounceMs?: number;
  /** Called after each watch-triggered reload: null on success, the coded error on failure (old policy kept). */
  onReload?: (error: SluiceError | null) => void;
}

export interface LoadPolicyOptions {
  /** Entrypoint evaluated by decide() (default `sluice/decision`). */
  entrypoint?: string;
  /** Data document replacing the bundle's data.json (kept across reloads). */
  data?: Record<string, unknown>;
  /** On a policy failure, allow instead of deny (still masking everything); counted in stats.failOpen. */
  failOpen?: boolean;
  /** Validate each input against the input schema (default true); an invalid input is a failure. */
  validateInput?: boolean;
  /** Linear memory bounds (default 8 initial, 1024 max pages of 64 KiB). */
  memory?: Partial<PolicyMemory>;
  /** Reload when the source file or directory changes (path sources only). */
  watch?: boolean | WatchOptions;
  /** Options for compiling a Rego directory source (opa binary, cache directory, entrypoints). */
  build?: Omit<BuildOptions, 'dir' | 'out'>;
}

export interface PolicyInfo {
  origin: string;
  revision: string | undefined;
  abi: string;
  entrypoint: string;
  entrypoints: string[];
  loadedAt: Date;
}

/**
 * A loaded policy. `decide` is synchronous and never throws: failures become deny decisions carrying
 * `error.code` (or counted allows with `failOpen`). Create it with {@link loadPolicy}; one per process.
 *
 * @example
 * const engine = await loadPolicy(builtinBundlePath());
 * const decision = engine.decide(input);
 * if (!decision.allow) reply.code(decision.status ?? 403).send({ reasons: decision.reasons });
 */
export class PolicyEngine {
  readonly stats: PolicyStats = { decisions: 0, allowed: 0, denied: 0, errors: 0, failOpen: 0, reloads: 0, reloadFailures: 0 };
  private readonly reader = new DecisionReader();
  private readonly dataDecisions = new DataValueDecisions();
  private readonly writer = new JsonBytesWriter();
  private reloading: Promise<void> = Promise.resolve();
  private stopWatching: (() => void) | undefined;

  /** @internal use loadPolicy() */
  constructor(
    private runtime: PolicyRuntime,
    private source: string | Uint8Array,
    private readonly options: Required<Pick<LoadPolicyOptions, 'failOpen' | 'validateInput'>> & LoadPolicyOptions & { memory: PolicyMemory },
  ) {}

  /** What is loaded: origin, bundle revision, ABI, entrypoint. */
  get info(): PolicyInfo {
    const { artifact, entrypoint, entrypoints, loadedAt } = this.runtime;
    const { major, minor } = artifact.abi;
    const revision = artifact.manifest?.revision || undefined;
    return { origin: artifact.origin, revision, abi: `${major}.${minor}`, entrypoint, entrypoints, loadedAt };
  }

  /** Decide on one input. Never throws. */
  decide(input: PolicyInput): Decision {
    if (this.options.validateInput && !validatePolicyInput(input)) {
      return this.failed(new SluiceError('SLUICE_ERR_INPUT_INVALID', schemaErrorText(validatePolicyInput, 'input')));
    }
    const runtime = this.runtime;
    if (runtime.writeInput !== undefined) {
      const instance = runtime.instance;
      this.writer.into(instance.memoryView, instance.inputAddress); // straight into wasm memory when it fits
      let length: number;
      try {
        length = runtime.writeInput(input, this.writer); // the pruned input's JSON, written as bytes
      } catch {
        length = -1; // JSON.stringify below reports the error exactly
      }
      if (length >= 0) {
        let dataValue: number;
        try {
          dataValue = instance.evaluateBytesToDataValue(this.writer.bytes, this.writer.start, length, runtime.entrypointId);
        } catch (err) {
          runtime.renew(); // a trap or abort may leave the instance's heap inconsistent
          return this.failed(toPolicyError(err));
        }
        return this.read(instance, dataValue);
      }
    }
    let inputJson: string | undefined;
    try {
      inputJson = JSON.stringify(runtime.slimInput(input)); // only what the policy can read
    } catch (err) {
      return this.failed(new SluiceError('SLUICE_ERR_INPUT_INVALID', (err as Error).message, { cause: err }));
    }
    if (typeof inputJson !== 'string') return this.failed(new SluiceError('SLUICE_ERR_INPUT_INVALID', 'no input'));
    return this.decideJson(inputJson);
  }

  /** Decide on an input already serialized as JSON (not schema-validated). Never throws. */
  decideJson(inputJson: string): Decision {
    const runtime = this.runtime;
    const instance = runtime.instance;
    let dataValue: number;
    try {
      dataValue = instance.evaluateToDataValue(inputJson, runtime.entrypointId);
    } catch (err) {
      runtime.renew(); // a trap or abort may leave the instance's heap inconsistent
      return this.failed(toPolicyError(err));
    }
    return this.read(instance, dataValue);
  }

  /** The decision of the last evaluation on `instance` (a data value address, or 0: its result value or result set JSON). */
  private read(instance: PolicyInstance, dataValue: number): Decision {
    let decision: Decision;
    try {
      decision = dataValue !== 0
        ? this.dataDecisions.read(instance, dataValue)
        : instance.resultValue !== undefined
          ? decisionOf(instance.resultValue) // read from wasm memory: no dump, no JSON.parse
          : this.reader.readAt(instance.memoryView, instance.resultStart, instance.resultEnd);
    } catch (err) {
      return this.failed(toPolicyError(err));
    }
    this.stats.decisions++;
    if (decision.allow) this.stats.allowed++;
    else this.stats.denied++;
    return decision;
  }

  /**
   * Replace the policy data document (what `data` holds in Rego). Swapped atomically; throws SLUICE_ERR_POLICY_DATA.
   *
   * @example
   * engine.setData({ config: { ...config, large_prompt_bytes: 100_000 } });
   */
  setData(data: Record<string, unknown>): void {
    this.runtime = this.runtime.withData(data);
  }

  /**
   * Load a new policy (default: the same source again) and swap it in atomically. On failure the old
   * policy keeps serving and the promise rejects with a coded error.
   *
   * @example
   * await engine.reload('/etc/sluice/policy.tar.gz');
   */
  reload(source: string | Uint8Array = this.source): Promise<void> {
    const next = this.reloading.then(() => this.swap(source));
    this.reloading = next.catch(() => undefined);
    return next;
  }

  /** Stop watching the source (if watching). The engine keeps serving. */
  close(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** @internal */
  async startWatching(options: WatchOptions): Promise<void> {
    if (typeof this.source !== 'string') {
      throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'watch needs a path source, not bytes');
    }
    this.stopWatching = await watchPolicySource(this.source, () => {
      this.reload().then(
        () => options.onReload?.(null),
        (err: SluiceError) => options.onReload?.(err),
      );
    }, options.debounceMs ?? 100);
  }

  private async swap(source: string | Uint8Array): Promise<void> {
    try {
      const artifact = await readArtifact(source, this.options.build);
      this.runtime = await prepareRuntime(artifact, this.options);
      this.source = source;
      this.stats.reloads++;
    } catch (err) {
      this.stats.reloadFailures++;
      throw isSluiceError(err) ? err : new SluiceError('SLUICE_ERR_POLICY_LOAD', (err as Error).message, { cause: err });
    }
  }

  private failed(error: SluiceError): Decision {
    this.stats.decisions++;
    this.stats.errors++;
    if (this.options.failOpen) {
      this.stats.failOpen++;
      this.stats.allowed++;
    } else {
      this.stats.denied++;
    }
    return failureDecision(error, this.options.failOpen);
  }
}

export { DEFAULT_ENTRYPOINT };
