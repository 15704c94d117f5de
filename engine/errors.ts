/** @module errors — every coded error Sluice raises, declared in one table (fastify style). */

/**
 * The error table: stable code → default message and HTTP status.
 * Codes never change meaning once released; add rows, never rename.
 * Keep each area's rows together; add a row in your area's section only.
 */
export const ERRORS = {
  // ── configuration ───────────────────────────────────────────────
  SLUICE_ERR_INVALID_OPTIONS: { status: 500, message: 'invalid options' },
  SLUICE_ERR_INTERNAL: { status: 500, message: 'internal error (failed closed)' },

  // ── policy: build, load, evaluate (engine/policy) ───────────────
  SLUICE_ERR_OPA_MISSING: { status: 500, message: 'the OPA compiler was not found' },
  SLUICE_ERR_POLICY_BUILD: { status: 500, message: 'opa build failed' },
  SLUICE_ERR_POLICY_LOAD: { status: 500, message: 'the policy bundle could not be loaded' },
  SLUICE_ERR_POLICY_ABI: { status: 500, message: 'unsupported policy ABI version' },
  SLUICE_ERR_POLICY_ENTRYPOINT: { status: 500, message: 'the policy has no such entrypoint' },
  SLUICE_ERR_POLICY_EVAL: { status: 500, message: 'the policy failed to evaluate' },
  SLUICE_ERR_POLICY_UNDEFINED: { status: 500, message: 'the policy returned no decision' },
  SLUICE_ERR_DECISION_INVALID: { status: 500, message: 'the policy returned a malformed decision' },
  SLUICE_ERR_INPUT_INVALID: { status: 500, message: 'the policy input does not match its schema' },
  SLUICE_ERR_POLICY_DATA: { status: 500, message: 'the policy data could not be set' },

  // ── JSON tokenizer, rewriter, SSE (engine/stream) ───────────────
  SLUICE_ERR_JSON_SYNTAX: { status: 400, message: 'malformed JSON' },
  SLUICE_ERR_JSON_DEPTH: { status: 400, message: 'JSON nesting too deep' },
  SLUICE_ERR_JSON_TOKEN_SIZE: { status: 413, message: 'JSON token too large' },
  SLUICE_ERR_BODY_TOO_LARGE: { status: 413, message: 'body too large' },
  SLUICE_ERR_PATCH: { status: 500, message: 'a JSON Patch operation failed' },
  SLUICE_ERR_SSE_SYNTAX: { status: 502, message: 'malformed event stream' },

  // ── detection (engine/scan, engine/native, rules/detectors) ─────
  SLUICE_ERR_DETECTOR_INVALID: { status: 500, message: 'invalid detector definition' },
  SLUICE_ERR_DETECTOR_COMPILE: { status: 500, message: 'a detector pattern failed to compile' },
  SLUICE_ERR_SCANNER_UNAVAILABLE: { status: 500, message: 'the requested scanner engine is unavailable' },
  SLUICE_ERR_SCAN: { status: 500, message: 'scanning failed' },

  // ── pipeline and adapters (engine/pipeline, adapters) ───────────
  SLUICE_ERR_DENIED: { status: 403, message: 'denied by policy' },
  SLUICE_ERR_DECODE: { status: 400, message: 'the body could not be decoded' },
  SLUICE_ERR_ENCODING_UNSUPPORTED: { status: 415, message: 'unsupported content encoding' },
  SLUICE_ERR_DECOMPRESSION_BOMB: { status: 413, message: 'decoded body exceeds its size or ratio limit' },
  SLUICE_ERR_INSECURE_TARGET: { status: 502, message: 'outbound target is not allowed over plain HTTP' },
  SLUICE_ERR_UPSTREAM: { status: 502, message: 'the upstream response could not be inspected' },
  SLUICE_ERR_BODY_UNSUPPORTED: { status: 415, message: 'the body cannot be scanned (binary, or a charset the scanner cannot read)' },

  // ── identity (engine/identity) ───────────────────────────────────
  SLUICE_ERR_TOKEN_INVALID: { status: 401, message: 'the bearer token is invalid' },
  SLUICE_ERR_JWKS_UNAVAILABLE: { status: 503, message: 'the JWKS endpoint is unavailable and no cached key is valid' },

  // ── approvals (engine/approval) ──────────────────────────────────
  SLUICE_ERR_APPROVAL_TIMEOUT: { status: 403, message: 'the approval timed out' },
  SLUICE_ERR_APPROVAL_DENIED: { status: 403, message: 'the approval was denied' },
  SLUICE_ERR_APPROVAL_NOT_FOUND: { status: 404, message: 'no such pending approval' },
  SLUICE_ERR_APPROVER_FORBIDDEN: { status: 403, message: 'the approver is not in a required group' },
  SLUICE_ERR_APPROVAL_STORE: { status: 500, message: 'the approval store failed' },

  // ── audit (engine/audit) ─────────────────────────────────────────
  SLUICE_ERR_AUDIT_SINK: { status: 500, message: 'the audit sink failed (failed closed)' },
  SLUICE_ERR_AUDIT_CHAIN: { status: 500, message: 'the audit log hash chain does not verify' },

  // ── CLI (adapters/cli) ───────────────────────────────────────────
  SLUICE_ERR_USAGE: { status: 400, message: 'usage error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable error code, e.g. `SLUICE_ERR_JSON_SYNTAX`. */
export type ErrorCode = keyof typeof ERRORS;

/**
 * The one error class Sluice throws. `code` is stable; `status` is the HTTP status
 * an adapter answers with; `details` carries safe facts (offsets, ids — never secrets).
 *
 * @example
 * throw new SluiceError('SLUICE_ERR_JSON_SYNTAX', 'unexpected byte 0x7d', { details: { offset: 42 } });
 */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    const entry = ERRORS[code];
    super(message ? `${entry.message}: ${message}` : entry.message, { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.status = entry.status;
    this.details = Object.freeze({ ...options.details });
  }

  /** A JSON body safe to send to a caller: code, message, details. */
  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True when `err` is a SluiceError, optionally with the given code.
 *
 * @example
 * if (isSluiceError(err, 'SLUICE_ERR_DENIED')) reply.code(403);
 */
export function isSluiceError(err: unknown, code?: ErrorCode): err is SluiceError {
  return err instanceof SluiceError && (code === undefined || err.code === code);
}
