/** @module policy/abi — reads the OPA wasm ABI version from the module bytes, before any code is instantiated. */
import { SluiceError } from '../errors.js';

/** ABI versions this engine evaluates: major 1, minor ≥ 2 (the single-call `opa_eval` fast path). */
export const SUPPORTED_ABI = { major: 1, minMinor: 2 } as const;

/** An exported immutable i32 global: its value and where its `i32.const` immediate sits in the bytes. */
export interface ExportedGlobal {
  value: number;
  offset: number;
  length: number;
}

class Reader {
  constructor(readonly bytes: Uint8Array, public pos = 0) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('unexpected end of wasm');
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  }
  i32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (~0 << shift) : result;
  }
  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return text;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/**
 * The exported globals initialised by a constant `i32.const` (import, global and export sections only).
 *
 * @example
 * readExportedGlobals(wasmBytes).get('opa_wasm_abi_version')?.value; // 1
 */
export function readExportedGlobals(bytes: Uint8Array): Map<string, ExportedGlobal> {
  const r = new Reader(bytes, 8);
  const globals: (ExportedGlobal | undefined)[] = [];
  const exported = new Map<string, ExportedGlobal>();
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) r.u32();
        else if (kind === 1) (r.byte(), r.limits());
        else if (kind === 2) r.limits();
        else if (kind === 3) (r.byte(), r.byte(), globals.push(undefined));
      }
    } else if (id === 6) {
      for (let n = r.u32(); n > 0; n--) {
        r.byte();
        r.byte();
        const opcode = r.byte();
        if (opcode !== 0x41) break; // not i32.const: later globals cannot be located without a full decoder
        const offset = r.pos;
        const value = r.i32();
        globals.push(r.byte() === 0x0b ? { value, offset, length: r.pos - 1 - offset } : undefined);
      }
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        const global = kind === 3 ? globals[index] : undefined;
        if (global) exported.set(name, global);
      }
      return exported;
    }
    r.pos = end;
  }
  return exported;
}

/**
 * Check that the bytes are an OPA policy module with a supported ABI; returns its version.
 * Throws SLUICE_ERR_POLICY_ABI (unsupported or missing version) or SLUICE_ERR_POLICY_LOAD (not wasm).
 *
 * @example
 * const { major, minor } = checkAbi(wasmBytes); // { major: 1, minor: 3 }
 */
export function checkAbi(bytes: Uint8Array): { major: number; minor: number } {
  const magic = bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (!magic) throw new SluiceError('SLUICE_ERR_POLICY_LOAD', 'not a WebAssembly module');
  let globals: Map<string, ExportedGlobal>;
  try {
    globals = readExportedGlobals(bytes);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_POLICY_LOAD', `malformed wasm: ${(err as Error).message}`, { cause: err });
  }
  const major = globals.get('opa_wasm_abi_version')?.value;
  const minor = globals.get('opa_wasm_abi_minor_version')?.value;
  if (major === undefined || minor === undefined) {
    throw new SluiceError('SLUICE_ERR_POLICY_ABI', 'the module exports no opa_wasm_abi_version: not an OPA policy');
  }
  if (major !== SUPPORTED_ABI.major || minor < SUPPORTED_ABI.minMinor) {
    throw new SluiceError(
      'SLUICE_ERR_POLICY_ABI',
      `ABI ${major}.${minor} is not supported (need ${SUPPORTED_ABI.major}.${SUPPORTED_ABI.minMinor}+); rebuild with a current opa`,
      { details: { major, minor } },
    );
  }
  return { major, minor };
}
