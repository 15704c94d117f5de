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
export { JsonTokenizer, resolveLimits, NOOP_VISITOR, type JsonLimits, type JsonVisitor } from './stream/tokenizer.js';
export { nativeStrings, type NativeStrings } from './stream/native-strings.js';
export { inspectJson, summarize, type InspectOptions } from './stream/inspect.js';
export { applyMasks, spansForPaths, mergeSpans, placeholderRenderer, type MaskOptions } from './stream/rewriter.js';
export { createJsonMasker, type JsonMasker, type JsonMaskerOptions } from './stream/masker.js';
export { createSseMasker, type SseMasker, type SseMaskerOptions, type ToolCall, type ToolVerdict } from './stream/sse-mask.js';
export { SseParser, writeSseEvent, type SseEvent, type SseEventInit } from './stream/sse.js';
export { applyPatch, type JsonPatchOperation } from './stream/patch.js';
export { parsePointer, escapePointerToken, compilePointerPatterns } from './stream/pointer.js';
export type { ExtractOptions } from './stream/extractors.js';
export type { MaskSpan, FindingSummary, Inspection, LlmFacts, ToolCallFact, Placeholder } from './stream/types.js';

// ── scan (engine/scan, rules/detectors) — add exports below this line ──
export { builtinDetectors, loadDetectors } from '../rules/detectors/registry.js';
export { runValidator } from './scan/validators.js';
export { createScanner, scannerInfo, type ScannerOptions, type ScannerInfo, type ScannerEngineChoice } from './scan/select.js';

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
export { createApprovals, type Approvals, type ApprovalsOptions, type ApprovalsStats } from './approval/approvals.js';
export { approvalRequestHash, type RequestHashInput } from './approval/hash.js';
export { createMemoryStore } from './approval/memory-store.js';
export { createFileStore, type FileStoreOptions } from './approval/file-store.js';
export { approvalRoutes, type ApprovalRoutesOptions, type RouteRequest, type RouteResponse } from './approval/routes.js';
export { slackMessage, type WebhookOptions, type WebhookStats } from './approval/webhook.js';
export type {
  ApprovalIdentity,
  ApprovalOutcome,
  ApprovalRecord,
  ApprovalState,
  ApprovalStore,
  ApprovalTarget,
  HoldRequest,
} from './approval/types.js';

// ── audit (engine/audit) — add exports below this line ──
export { createAuditLog, AUDIT_CHANNEL, type AuditLog, type AuditLogOptions, type AuditChannelMessage } from './audit/log.js';
export { verifyAuditLog, type VerifyOptions, type VerifyResult } from './audit/verify.js';
export { replay, formatTimeline, type ReplayTimeline, type ReplayExchange, type ReplayStep } from './audit/replay.js';
export { reconstructStream, type StreamContent } from './audit/sse-text.js';
export { createFileSink, type FileSinkOptions, type FsyncPolicy } from './audit/file-sink.js';
export { createStreamSink, createFunctionSink, type AuditRecordHandler } from './audit/sinks.js';
export { auditLogFiles } from './audit/files.js';
export { canonicalJson } from './audit/canonical.js';
export type { AuditEvent, AuditRecord, AuditSink, AuditStats, AuditSseEvent, RecordedEvent } from './audit/types.js';

// ── pipeline (engine/pipeline, createSluice) — add exports below this line ──
export { createSluice, type Sluice, type SluiceStats } from './pipeline/sluice.js';
export type { SluiceOptions, Limits, IdentityLike, ApprovalsLike, AuditLike, PolicyLike } from './pipeline/types.js';
export type { GuardRequestInput, GuardedRequest } from './pipeline/request.js';
export type { GuardedResponse, ResponseMeta } from './pipeline/response.js';
export type { ByteSink } from './pipeline/decode.js';
export type { Exchange } from './pipeline/exchange.js';
export type { TlsOptions } from './pipeline/tls.js';
export type { CredentialMap, HeaderMap } from './pipeline/headers.js';
export { decisionChannel, timingChannel } from './pipeline/exchange.js';
