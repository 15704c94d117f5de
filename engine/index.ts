/** @module sluice — the public API; the only file adapters import. */
export { SluiceError, isSluiceError, ERRORS, type ErrorCode } from './errors.js';
export type {
  Scanner,
  ScanStream,
  Match,
  DetectorDefinition,
  DetectorCategory,
  ValidatorName,
} from './scan/scanner.js';

// ── policy (engine/policy) — add exports below this line ──
export { loadPolicy } from './policy/load-policy.js';
export { PolicyEngine, type LoadPolicyOptions, type WatchOptions, type PolicyInfo } from './policy/engine.js';
export { buildBundle, policyHash, DEFAULT_ENTRYPOINT, type BuildOptions, type BuildResult } from './policy/build.js';
export { ensureBuiltinBundle } from './policy/builtin.js';
export { builtinBundlePath, builtinPolicyDir, packageRoot } from './policy/paths.js';
export { findOpa, opaVersion, PINNED_OPA_VERSION } from './policy/opa.js';
export { parseArtifact, readArtifact, type PolicyArtifact, type BundleManifest } from './policy/load.js';
export { checkAbi, SUPPORTED_ABI } from './policy/abi.js';
export { decisionSchema, policyInputSchema } from './policy/schema.js';
export type { PolicyMemory } from './policy/evaluate.js';
export type {
  PolicyInput,
  PolicyPhase,
  PolicyIdentity,
  PolicyHttp,
  PolicyLlm,
  PolicyToolCall,
  PolicyFinding,
  Decision,
  DecisionError,
  ApprovalRequest,
  PatchOperation,
  PolicyStats,
} from './policy/types.js';

// ── stream (engine/stream) — add exports below this line ──

// ── scan (engine/scan, rules/detectors) — add exports below this line ──
export { builtinDetectors, loadDetectors } from '../rules/detectors/registry.js';
export { runValidator } from './scan/validators.js';

// ── identity (engine/identity) — add exports below this line ──
export { createIdentityResolver, identityError, type SluiceIdentityResolver } from './identity/resolver.js';
export { hashApiKey, generateApiKey } from './identity/api-keys.js';
export {
  ANONYMOUS,
  IDENTITY_REASONS,
  ALLOWED_JWS_ALGORITHMS,
  type Identity,
  type IdentityMethod,
  type IdentityReason,
  type IdentityResolver,
  type IdentityResolverOptions,
  type JwtOptions,
  type ApiKeyEntry,
  type HeadersInput,
  type VerificationKey,
} from './identity/types.js';

// ── approval (engine/approval) — add exports below this line ──

// ── audit (engine/audit) — add exports below this line ──

// ── pipeline (engine/pipeline, createSluice) — add exports below this line ──
export { createSluice, type Sluice, type SluiceStats } from './pipeline/sluice.js';
export type { SluiceOptions, Limits, IdentityLike, ApprovalsLike, AuditLike, PolicyLike } from './pipeline/types.js';
export type { GuardRequestInput, GuardedRequest } from './pipeline/request.js';
export type { GuardedResponse, ResponseMeta } from './pipeline/response.js';
export type { ByteSink } from './pipeline/decode.js';
export type { Exchange } from './pipeline/exchange.js';
export type { TlsOptions } from './pipeline/tls.js';
export type { CredentialMap, HeaderMap } from './pipeline/headers.js';
export { decisionChannel, timingChannel } from './pipeline/events.js';
