/** @module policy/wasm-fixture — test helper: assembles tiny OPA-shaped wasm modules (ABI globals, stub exports). */

const u32 = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const i32 = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...Buffer.from(s)].map((b) => [b]));
const section = (id: number, body: number[]): number[] => [id, ...u32(body.length), ...body];
const I32 = 0x7f;

export interface StubPolicyOptions {
  abiMajor?: number;
  abiMinor?: number;
  /** What opa_eval does: trap with `unreachable`, or return this NUL-terminated JSON text. */
  evalResult?: 'trap' | string;
  /** Leave this export out (to test missing-export checks). */
  omit?: string;
}

/**
 * Assemble a minimal module shaped like an OPA policy: imports env.memory, exports the ABI globals and the
 * functions opa-wasm and Sluice call. Its opa_eval traps or returns a fixed result text.
 *
 * @example
 * const bytes = stubPolicyWasm({ abiMajor: 2 }); // loadPolicy(bytes) rejects with SLUICE_ERR_POLICY_ABI
 */
export function stubPolicyWasm(options: StubPolicyOptions = {}): Uint8Array {
  const { abiMajor = 1, abiMinor = 3, evalResult = 'trap', omit } = options;
  const BUILTINS = 16;
  const ENTRYPOINTS = 32;
  const RESULT = 128;
  const types = [[0x60, 0, 1, I32], [0x60, 1, I32, 1, I32], [0x60, 2, I32, I32, 1, I32], [0x60, 1, I32, 0], [0x60, 7, ...Array(7).fill(I32), 1, I32]];
  const constant = (n: number) => [0x41, ...i32(n), 0x0b];
  const evalCode = evalResult === 'trap' ? [0x00, 0x0b] : constant(RESULT);
  const functions: [string, number, number[]][] = [
    ['builtins', 0, constant(BUILTINS)],
    ['entrypoints', 0, constant(ENTRYPOINTS)],
    ['opa_heap_ptr_get', 0, constant(4096)],
    ['opa_malloc', 1, constant(2048)],
    ['opa_json_dump', 1, [0x20, 0x00, 0x0b]],
    ['opa_json_parse', 2, constant(1)],
    ['opa_heap_ptr_set', 3, [0x0b]],
    ['opa_eval', 4, evalCode],
  ];
  const globals = [['opa_wasm_abi_version', abiMajor], ['opa_wasm_abi_minor_version', abiMinor]] as const;
  const exports = [
    ...functions.map(([n], index) => [...name(n), 0x00, ...u32(index)]),
    ...globals.map(([n], index) => [...name(n), 0x03, ...u32(index)]),
  ].filter((_, index) => [...functions.map(([n]) => n), ...globals.map(([n]) => n)][index] !== omit);
  const data = (offset: number, text: string) => [0x00, ...constant(offset), ...vec([...Buffer.from(`${text}\0`)].map((b) => [b]))];
  const segments = [data(BUILTINS, '{}'), data(ENTRYPOINTS, '{"sluice/decision":0}')];
  if (evalResult !== 'trap') segments.push(data(RESULT, evalResult));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map(([, type]) => [type]))),
    ...section(6, vec(globals.map(([, value]) => [I32, 0x00, ...constant(value)]))),
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map(([, , code]) => [...u32(code.length + 1), 0x00, ...code]))), // 0x00: no locals
    ...section(11, vec(segments)),
  ]);
}
