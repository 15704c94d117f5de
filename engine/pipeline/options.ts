/** @module pipeline/options — validate createSluice options once, at construction, and load the policy and scanner. */
import { SluiceError, isSluiceError } from '../errors.js';
import { validateCredentials } from './headers.js';
import { resolveTls } from './tls.js';
import type { Siblings } from './seams.js';
import type { Limits, PolicyLike, ResolvedLimits, ResolvedOptions, SluiceOptions } from './types.js';

const MiB = 1024 * 1024;
const DEFAULT_HEADERS = ['content-type', 'user-agent', 'anthropic-version', 'anthropic-beta', 'openai-organization', 'openai-project'];
const KNOWN = new Set(['bundle', 'detectors', 'scanner', 'identity', 'approvals', 'audit', 'limits', 'failOpen', 'credentials', 'tls', 'headers', 'placeholder', 'binary']);

const invalid = (message: string): SluiceError => new SluiceError('SLUICE_ERR_INVALID_OPTIONS', message);

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalid(`limits.${name} must be a positive integer`);
  return value;
}

/**
 * Apply defaults to limits and validate them.
 *
 * @example
 * resolveLimits({ requestBytes: 1024 }).oversize; // 'reject'
 */
export function resolveLimits(limits: Limits = {}): ResolvedLimits {
  if (typeof limits !== 'object' || limits === null) throw invalid('limits must be an object');
  const oversize = limits.oversize ?? 'reject';
  if (oversize !== 'reject' && oversize !== 'truncate') throw invalid("limits.oversize must be 'reject' or 'truncate'");
  return {
    requestBytes: positive('requestBytes', limits.requestBytes, 8 * MiB),
    oversize,
    responseBytes: positive('responseBytes', limits.responseBytes, 8 * MiB),
    depth: positive('depth', limits.depth, 512),
    decode: {
      maxDecodedBytes: positive('decodedBytes', limits.decodedBytes, 64 * MiB),
      maxRatio: positive('decodeRatio', limits.decodeRatio, 200),
      maxEncodings: positive('encodings', limits.encodings, 2),
      ratioFloorBytes: 64 * 1024,
    },
  };
}

function hasFn(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';
}

async function resolvePolicy(bundle: SluiceOptions['bundle'], failOpen: boolean, siblings: Siblings): Promise<PolicyLike> {
  if (hasFn(bundle, 'decide')) return bundle as PolicyLike;
  if (bundle !== undefined && typeof bundle !== 'string' && !(bundle instanceof Uint8Array)) {
    throw invalid('bundle must be a path, bytes or a policy engine');
  }
  return siblings.loadPolicy(bundle ?? (await builtinBundle(siblings)), { failOpen });
}

/**
 * The built-in bundle, rebuilt when missing or stale (cached; without OPA an existing bundle is used as is).
 * A bundle that can be neither found nor built fails construction with the build's code and says what to run.
 *
 * @example
 * const path = await builtinBundle(await loadSiblings()); // '.../rules/build/default.tar.gz'
 */
export async function builtinBundle(siblings: Siblings): Promise<string> {
  try {
    return await siblings.ensureBuiltinBundle();
  } catch (err) {
    const path = siblings.builtinBundlePath();
    const why = err instanceof Error ? err.message : String(err);
    throw new SluiceError(isSluiceError(err) ? err.code : 'SLUICE_ERR_POLICY_LOAD',
      `the built-in policy bundle ${path} is missing or stale and could not be built; run \`make rules\` (${why})`, { cause: err, details: { bundle: path } });
  }
}

/**
 * Validate options and build the pieces (policy engine, scanner). Throws SLUICE_ERR_INVALID_OPTIONS.
 *
 * @example
 * const resolved = await resolveOptions({ limits: { requestBytes: 65536 } }, await loadSiblings());
 */
export async function resolveOptions(options: SluiceOptions, siblings: Siblings): Promise<ResolvedOptions> {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw invalid(`unknown option ${key}`);
  if (options.failOpen !== undefined && typeof options.failOpen !== 'boolean') throw invalid('failOpen must be a boolean');
  if (options.identity !== undefined && !hasFn(options.identity, 'resolve')) throw invalid('identity must have resolve(headers)');
  if (options.approvals !== undefined && !hasFn(options.approvals, 'hold')) throw invalid('approvals must have hold(request)');
  if (options.audit !== undefined && !hasFn(options.audit, 'append')) throw invalid('audit must have append(event)');
  if (options.scanner !== undefined && !hasFn(options.scanner, 'scan')) throw invalid('scanner must be a Scanner');
  if (options.detectors !== undefined && !Array.isArray(options.detectors)) throw invalid('detectors must be an array');
  if (options.placeholder !== undefined && typeof options.placeholder !== 'string') throw invalid('placeholder must be a string');
  if (options.binary !== undefined && options.binary !== 'pass' && options.binary !== 'deny') throw invalid("binary must be 'pass' or 'deny'");
  const headers = options.headers ?? DEFAULT_HEADERS;
  if (!Array.isArray(headers) || headers.some((h) => typeof h !== 'string')) throw invalid('headers must be an array of names');
  const limits = resolveLimits(options.limits);
  const credentials = validateCredentials(options.credentials);
  const tls = resolveTls(options.tls);
  const policy = await resolvePolicy(options.bundle, options.failOpen ?? false, siblings);
  const scanner = options.scanner ?? siblings.createScanner(options.detectors ? { detectors: options.detectors } : {});
  return {
    policy, scanner, limits, credentials, tls,
    identity: options.identity ?? null,
    approvals: options.approvals ?? null,
    audit: options.audit ?? null,
    failOpen: options.failOpen ?? false,
    headers: headers.map((h) => h.toLowerCase()),
    placeholder: options.placeholder,
    binary: options.binary ?? 'deny',
  };
}
