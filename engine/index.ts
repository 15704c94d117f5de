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

// ── stream (engine/stream) — add exports below this line ──

// ── scan (engine/scan, rules/detectors) — add exports below this line ──

// ── identity (engine/identity) — add exports below this line ──

// ── approval (engine/approval) — add exports below this line ──

// ── audit (engine/audit) — add exports below this line ──

// ── pipeline (engine/pipeline, createSluice) — add exports below this line ──
