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
