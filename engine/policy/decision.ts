/** @module policy/decision — turns a wasm result set into a validated Decision, or a fail-closed one. */
import { isSluiceError, SluiceError } from '../errors.js';
import { schemaErrorText, validateDecision } from './schema.js';
import type { Decision } from './types.js';

/**
 * Freeze a parsed value and everything in it (decisions shared between calls).
 *
 * @example
 * Object.isFrozen(deepFreeze({ mask: { detectors: ['*'] } }).mask); // true
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const SINGLE_PREFIX = '[{"result":';
const SINGLE_SUFFIX = '}]';

/**
 * The value of a one-result set as OPA dumps it (`[{"result":X}]`), parsing only X; undefined for any other
 * text. Several results (`[{"result":A},{"result":B}]`) leave `A},{"result":B`, which never parses.
 */
function singleResult(resultText: string): unknown {
  if (!resultText.startsWith(SINGLE_PREFIX) || !resultText.endsWith(SINGLE_SUFFIX)) return undefined;
  try {
    return JSON.parse(resultText.slice(SINGLE_PREFIX.length, -SINGLE_SUFFIX.length)) as unknown;
  } catch {
    return undefined;
  }
}

/** The value of a result set in general: throws the coded error of anything but exactly one result. */
function resultOfSet(resultText: string): unknown {
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
  return result;
}

/**
 * Parse and validate one result set text (`[{"result": …}]`) into a fresh, unfrozen decision. Throws
 * SLUICE_ERR_POLICY_UNDEFINED (no result), SLUICE_ERR_DECISION_INVALID (schema) or SLUICE_ERR_POLICY_EVAL
 * (unreadable).
 *
 * @example
 * parseDecision('[{"result":{"allow":true,"reasons":[],…}}]').allow; // true
 */
export function parseDecision(resultText: string): Decision {
  return decisionOf(singleResult(resultText) ?? resultOfSet(resultText));
}

/**
 * Validate one result value (the `result` of a one-result set, as JSON.parse gives it) into a decision, in
 * place. Throws SLUICE_ERR_DECISION_INVALID (schema).
 *
 * @example
 * decisionOf({ allow: true, reasons: [], mask: { detectors: ['*'], paths: [] }, patch: [], approval: null, record: true });
 */
export function decisionOf(result: unknown): Decision {
  if (!validateDecision(result)) throw new SluiceError('SLUICE_ERR_DECISION_INVALID', schemaErrorText(validateDecision));
  if (result.approval && result.approval.kind === undefined) (result.approval as { kind: string }).kind = 'once';
  return result;
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
