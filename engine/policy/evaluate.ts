/** @module policy/evaluate — the hot path: one opa_eval call per decision on a reused wasm instance. */
import { createRequire } from 'node:module';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { SluiceError } from '../errors.js';
import { resultValueAddress } from './result-ref.js';
import { ResultValueReader } from './result-value.js';
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

/** The OPA wasm exports the context-based evaluation uses (ABI 1.0+). */
interface ContextExports {
  opa_heap_ptr_set(addr: number): void;
  opa_value_parse(addr: number, length: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, value: number): void;
  opa_eval_ctx_set_data(ctx: number, value: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  eval(ctx: number): number;
  opa_eval_ctx_get_result(ctx: number): number;
  opa_json_dump(value: number): number;
}

const CONTEXT_EXPORTS = [
  'opa_heap_ptr_set', 'opa_value_parse', 'opa_eval_ctx_new', 'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint', 'eval', 'opa_eval_ctx_get_result', 'opa_json_dump',
] as const;

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
  /** The context API exports, when the module has them all (every opa-built module does). */
  private readonly exports: ContextExports | undefined;
  private lastResultSet = 0;
  private readonly memory: WasmMemory;
  private view: Buffer;
  private readonly values = new ResultValueReader();
  /**
   * After `evaluateToDataValue` returned 0: the result value read from memory (as JSON.parse of its dump would
   * give it), or undefined when it was not read and the result set JSON was dumped instead.
   */
  resultValue: unknown;
  /** Where the last result set JSON starts in the view returned by evaluateInPlace. */
  resultStart = 0;
  /** Where it ends (its NUL terminator). */
  resultEnd = 0;

  private constructor(private readonly policy: LoadedPolicy, private readonly maxPages: number) {
    const instance = (policy.wasmInstance as unknown as { exports: Record<string, unknown> }).exports;
    this.opaEval = instance.opa_eval as OpaEval;
    this.exports = CONTEXT_EXPORTS.every((name) => typeof instance[name] === 'function')
      ? (instance as unknown as ContextExports)
      : undefined;
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
    if (view.length === 0) view = this.refreshView();
    if (inputAddr + inputJson.length * 3 > view.length) view = this.grow(inputAddr + inputJson.length * 3);
    const inputLength = view.write(inputJson, inputAddr, 'utf8');
    const resultAddr = this.opaEval(0, entrypoint, this.policy.dataAddr, inputAddr, inputLength, inputAddr + inputLength, 0);
    if (view.length === 0) view = this.refreshView();
    this.resultStart = resultAddr;
    this.resultEnd = view.indexOf(0, resultAddr);
    return view;
  }

  /**
   * Evaluate like `evaluateInPlace` (same parse, same evaluation), but through the context API so the result
   * need not be dumped: returns the address of the decision value when it is a value of the data document
   * (immutable while this instance lives, so equal addresses mean equal decisions), else 0 with the result value
   * in `resultValue` (read from memory) or, when it could not be read exactly, undefined there and the result set
   * JSON dumped at `[resultStart, resultEnd)` of `memoryView`.
   */
  evaluateToDataValue(inputJson: string, entrypoint: number): number {
    const opa = this.exports;
    if (opa === undefined) {
      this.resultValue = undefined;
      this.evaluateInPlace(inputJson, entrypoint); // a module without the context API: one opa_eval call
      return 0;
    }
    const inputAddr = this.policy.dataHeapPtr as number;
    const view = this.ensure(inputAddr + inputJson.length * 3);
    return this.run(opa, inputAddr, view.write(inputJson, inputAddr, 'utf8'), entrypoint);
  }

  /** Where the next input text goes in linear memory (for a JsonBytesWriter writing straight into it). */
  get inputAddress(): number {
    return this.policy.dataHeapPtr as number;
  }

  /** `evaluateToDataValue` of the UTF-8 JSON text `bytes[start, start + length)`, in place when already at inputAddress. */
  evaluateBytesToDataValue(bytes: Buffer, start: number, length: number, entrypoint: number): number {
    const opa = this.exports;
    if (opa === undefined) return this.evaluateToDataValue(bytes.toString('utf8', start, start + length), entrypoint);
    const inputAddr = this.policy.dataHeapPtr as number;
    if (bytes !== this.memoryView || start !== inputAddr) bytes.copy(this.ensure(inputAddr + length), inputAddr, start, start + length);
    return this.run(opa, inputAddr, length, entrypoint);
  }

  /** Parse the input text at `inputAddr` and evaluate (what opa_eval does, minus the dump of a data value). */
  private run(opa: ContextExports, inputAddr: number, inputLength: number, entrypoint: number): number {
    const policy = this.policy as unknown as { dataHeapPtr: number; baseHeapPtr: number; dataAddr: number };
    opa.opa_heap_ptr_set(inputAddr + inputLength);
    const input = opa.opa_value_parse(inputAddr, inputLength); // as opa_eval: 0 (undefined input) when unparsable
    const ctx = opa.opa_eval_ctx_new();
    opa.opa_eval_ctx_set_input(ctx, input);
    opa.opa_eval_ctx_set_data(ctx, policy.dataAddr);
    opa.opa_eval_ctx_set_entrypoint(ctx, entrypoint);
    if (opa.eval(ctx) !== 0) throw new SluiceError('SLUICE_ERR_POLICY_EVAL', 'eval failed'); // opa_eval's abort text
    this.lastResultSet = opa.opa_eval_ctx_get_result(ctx);
    const view = this.memoryView;
    const value = resultValueAddress(view, this.lastResultSet);
    if (value >= policy.baseHeapPtr && value < policy.dataHeapPtr) {
      this.resultValue = undefined;
      return value;
    }
    this.resultValue = value === 0 ? undefined : this.values.read(view, value);
    if (this.resultValue === undefined) this.dumpResult();
    return 0;
  }

  /** The view of linear memory, grown to hold at least `end` bytes. */
  private ensure(end: number): Buffer {
    const view = this.memoryView;
    return end > view.length ? this.grow(end) : view;
  }

  /** Dump the result set of the last `evaluateToDataValue` as JSON at `[resultStart, resultEnd)` of the returned view. */
  dumpResult(): Buffer {
    const addr = this.exports!.opa_json_dump(this.lastResultSet);
    const view = this.memoryView;
    this.resultStart = addr;
    this.resultEnd = view.indexOf(0, addr);
    return view;
  }

  /**
   * The current view of linear memory. Growing a (non-shared) memory detaches its old buffer, which leaves
   * the old view empty: a length check is all it takes (reading `memory.buffer` costs ~20 ns a time).
   */
  get memoryView(): Buffer {
    return this.view.length !== 0 ? this.view : this.refreshView();
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
