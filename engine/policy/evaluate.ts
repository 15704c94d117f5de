/** @module policy/evaluate — the hot path: one opa_eval call per decision on a reused wasm instance. */
import { createRequire } from 'node:module';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { SluiceError } from '../errors.js';
import type { WasmMemory, WasmModule } from './wasm.js';

/** Linear memory bounds of a policy instance, in 64 KiB pages. */
export interface PolicyMemory {
  initialPages: number;
  maxPages: number;
}

type OpaEval = (
  reserved: number,
  entrypoint: number,
  dataAddr: number,
  inputAddr: number,
  inputLength: number,
  heapPtr: number,
  format: number,
) => number;

const PAGE = 64 * 1024;

// The package's ESM entry only re-exports loadPolicy; loadPolicySync lives on its CommonJS export.
const opaWasm = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as typeof import('@open-policy-agent/opa-wasm');

/**
 * One instantiated policy module. `evaluateInPlace` writes the serialized input straight into linear memory
 * (no per-call TextEncoder or copy), makes a single `opa_eval` call (ABI ≥ 1.2) and leaves the result set
 * JSON in memory, where the caller reads it without decoding (`evaluate` returns it as text).
 * Instantiation, builtins and data loading are opa-wasm's.
 *
 * @example
 * const instance = PolicyInstance.create(module, { initialPages: 5, maxPages: 1024 }, '{}');
 * instance.evaluate('{"phase":"request"}', instance.entrypoint('sluice/decision')); // '[{"result":{...}}]'
 */
export class PolicyInstance {
  private readonly opaEval: OpaEval;
  private readonly memory: WasmMemory;
  private view: Buffer;
  /** Where the last result set JSON starts in the view returned by evaluateInPlace. */
  resultStart = 0;
  /** Where it ends (its NUL terminator). */
  resultEnd = 0;

  private constructor(private readonly policy: LoadedPolicy, private readonly maxPages: number) {
    const instance = (policy.wasmInstance as unknown as { exports: Record<string, unknown> }).exports;
    this.opaEval = instance.opa_eval as OpaEval;
    this.memory = policy.mem as WasmMemory;
    this.view = Buffer.from(this.memory.buffer);
  }

  /** Instantiate `module` synchronously (≈0.1 ms from a compiled module) and load `dataJson`. */
  static create(module: WasmModule, memory: PolicyMemory, dataJson: string): PolicyInstance {
    const policy = opaWasm.loadPolicySync(module as never, { initial: memory.initialPages, maximum: memory.maxPages });
    const instance = new PolicyInstance(policy, memory.maxPages);
    instance.setData(dataJson);
    return instance;
  }

  /** The numeric id of a named entrypoint, or undefined when the module has none by that name. */
  entrypoint(name: string): number | undefined {
    const id = (this.policy.entrypoints as Record<string, number>)[name];
    return typeof id === 'number' ? id : undefined;
  }

  /** The names of every entrypoint compiled into the module. */
  entrypointNames(): string[] {
    return Object.keys(this.policy.entrypoints as Record<string, number>);
  }

  /** Replace the data document (serialized JSON object). */
  setData(dataJson: string): void {
    this.policy.setData(new TextEncoder().encode(dataJson).buffer as ArrayBuffer);
  }

  /** Evaluate with a serialized input; returns the raw result set text, e.g. `[{"result":…}]` or `[]`. */
  evaluate(inputJson: string, entrypoint: number): string {
    const view = this.evaluateInPlace(inputJson, entrypoint);
    return view.toString('utf8', this.resultStart, this.resultEnd);
  }

  /**
   * Evaluate with a serialized input and return the memory view holding the result set JSON at
   * `[resultStart, resultEnd)`; valid until the next call on this instance.
   */
  evaluateInPlace(inputJson: string, entrypoint: number): Buffer {
    const inputAddr: number = this.policy.dataHeapPtr;
    let view = this.view;
    if (view.buffer !== this.memory.buffer) view = this.refreshView();
    if (inputAddr + inputJson.length * 3 > view.length) view = this.grow(inputAddr + inputJson.length * 3);
    const inputLength = view.write(inputJson, inputAddr, 'utf8');
    const resultAddr = this.opaEval(0, entrypoint, this.policy.dataAddr, inputAddr, inputLength, inputAddr + inputLength, 0);
    if (view.buffer !== this.memory.buffer) view = this.refreshView();
    this.resultStart = resultAddr;
    this.resultEnd = view.indexOf(0, resultAddr);
    return view;
  }

  private refreshView(): Buffer {
    this.view = Buffer.from(this.memory.buffer);
    return this.view;
  }

  private grow(bytes: number): Buffer {
    const pages = Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (err) {
      throw new SluiceError('SLUICE_ERR_POLICY_EVAL', `the input does not fit the policy memory (max ${this.maxPages} pages)`, {
        cause: err,
      });
    }
    return this.refreshView();
  }
}
