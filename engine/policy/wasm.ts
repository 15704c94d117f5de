/** @module policy/wasm — the few WebAssembly types and calls the policy engine needs (tsconfig has no DOM lib). */

/** A compiled WebAssembly.Module (opaque). */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmGlobal {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Module: { exports(module: WasmModule): { name: string; kind: string }[] };
}

const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

/**
 * Compile wasm bytes to a module (off the hot path; instances are created from it synchronously).
 *
 * @example
 * const module = await compileWasm(artifact.wasm);
 */
export function compileWasm(bytes: Uint8Array): Promise<WasmModule> {
  return WebAssemblyApi.compile(bytes);
}

/**
 * The names of a module's exports of one kind (`function`, `global`, `memory`, `table`).
 *
 * @example
 * wasmExports(module, 'function').includes('opa_eval');
 */
export function wasmExports(module: WasmModule, kind: string): string[] {
  return WebAssemblyApi.Module.exports(module)
    .filter((e) => e.kind === kind)
    .map((e) => e.name);
}
