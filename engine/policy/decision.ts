/** @module policy/decision — turns a wasm result set into a validated Decision, or a fail-closed one. */
import { isSluiceError, SluiceError } from '../errors.js';
import { schemaErrorText, validateDecision } from './schema.js';
import type { Decision } from './types.js';

/** Results longer than this (bytes) are validated every time instead of cached. */
const MAX_CACHED_BYTES = 4096;
const MAX_CACHED_ENTRIES = 512;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parse and validate one result set text (`[{"result": …}]`). Throws SLUICE_ERR_POLICY_UNDEFINED
 * (no result), SLUICE_ERR_DECISION_INVALID (schema) or SLUICE_ERR_POLICY_EVAL (unreadable).
 *
 * @example
 * parseDecision('[{"result":{"allow":true,"reasons":[],…}}]').allow; // true
 */
export function parseDecision(resultText: string): Decision {
  let resultSet: unknown;
  try {
    resultSet = JSON.parse(resultText);
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_POLICY_EVAL', 'the policy result is not JSON', { cause: err });
  }
  if (!Array.isArray(resultSet)) throw new SluiceError('SLUICE_ERR_POLICY_EVAL', 'the policy result is not a result set');
  if (resultSet.length > 1) throw new SluiceError('SLUICE_ERR_DECISION_INVALID', 'the policy returned several results');
  const result: unknown = (resultSet[0] as { result?: unknown } | undefined)?.result;
  if (result === undefined) throw new SluiceError('SLUICE_ERR_POLICY_UNDEFINED', 'the entrypoint is undefined for this input');
  if (!validateDecision(result)) throw new SluiceError('SLUICE_ERR_DECISION_INVALID', schemaErrorText(validateDecision));
  if (result.approval && result.approval.kind === undefined) (result.approval as { kind: string }).kind = 'once';
  return deepFreeze(result);
}

interface CachedDecision {
  bytes: Buffer;
  decision: Decision;
}

/**
 * Reads result sets into decisions, remembering the few distinct results a policy produces so the common
 * case skips decoding, JSON.parse and validation: a result is matched by its bytes in place (grouped by
 * length), then by text. At most 512 results of up to 4 KiB are kept. Returned decisions are frozen.
 *
 * @example
 * const reader = new DecisionReader();
 * reader.read(resultText) === reader.read(resultText); // true
 */
export class DecisionReader {
  private readonly byLength = new Map<number, CachedDecision[]>();
  private entries = 0;

  /** The decision of the result set JSON held in `memory[start, end)` (end < start: no terminator found). */
  readAt(memory: Buffer, start: number, end: number): Decision {
    const length = end - start;
    const candidates = this.byLength.get(length);
    if (candidates !== undefined) {
      for (const candidate of candidates) {
        if (memory.compare(candidate.bytes, 0, length, start, end) === 0) return candidate.decision;
      }
    }
    const decision = parseDecision(length < 0 ? '' : memory.toString('utf8', start, end));
    if (length >= 0 && length <= MAX_CACHED_BYTES) this.remember(Buffer.from(memory.subarray(start, end)), decision);
    return decision;
  }

  /** The decision of a result set text. */
  read(resultText: string): Decision {
    const bytes = Buffer.from(resultText, 'utf8');
    return this.readAt(bytes, 0, bytes.length);
  }

  private remember(bytes: Buffer, decision: Decision): void {
    if (this.entries >= MAX_CACHED_ENTRIES) {
      this.byLength.clear();
      this.entries = 0;
    }
    const sameLength = this.byLength.get(bytes.length);
    if (sameLength === undefined) this.byLength.set(bytes.length, [{ bytes, decision }]);
    else sameLength.push({ bytes, decision });
    this.entries++;
  }

  /** How many distinct results are remembered (bounded). */
  get size(): number {
    return this.entries;
  }
}

/**
 * Normalise anything a policy evaluation threw (opa_abort strings, wasm traps, stack overflows) to a SluiceError.
 *
 * @example
 * toPolicyError('object insert conflict').code; // 'SLUICE_ERR_POLICY_EVAL'
 */
export function toPolicyError(err: unknown): SluiceError {
  if (isSluiceError(err)) return err;
  if (typeof err === 'string') return new SluiceError('SLUICE_ERR_POLICY_EVAL', err);
  const name = (err as Error)?.name ?? 'Error';
  const message = (err as Error)?.message ?? String(err);
  const kind = name === 'RuntimeError' ? 'wasm trap' : name;
  return new SluiceError('SLUICE_ERR_POLICY_EVAL', `${kind}: ${message}`, { cause: err });
}

/**
 * The decision used when the policy could not decide: deny (or allow when failing open), mask everything,
 * and carry the error code. Failing open never unmasks.
 *
 * @example
 * failureDecision(new SluiceError('SLUICE_ERR_POLICY_UNDEFINED'), false).allow; // false
 */
export function failureDecision(error: SluiceError, failOpen: boolean): Decision {
  return {
    allow: failOpen,
    reasons: [`policy failure (${error.code}); failed ${failOpen ? 'open' : 'closed'}`],
    mask: { detectors: ['*'], paths: [] },
    patch: [],
    approval: null,
    record: true,
    ...(failOpen ? {} : { status: error.status }),
    error: { code: error.code, message: error.message },
  };
}
