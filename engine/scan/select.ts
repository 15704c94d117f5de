/** @module scan/select — picks the scanner engine (native libhs or JS), explains the choice, builds the Scanner. */
import { SluiceError } from '../errors.js';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import type { DetectorDefinition, Scanner } from './scanner.js';
import { compileRule } from './confirm.js';
import { createNativeScanner } from './hyperscan.js';
import { createJsScanner } from './regex.js';
import { loadNative } from './native.js';

/** Which engine to use; `auto` prefers native and falls back to JS (env SLUICE_SCANNER=js|native overrides it). */
export type ScannerEngineChoice = 'auto' | 'native' | 'js';

/** Options of `createScanner`. */
export interface ScannerOptions {
  engine?: ScannerEngineChoice;
  /** Detector definitions (validated, e.g. from `loadDetectors`); default the built-in library. */
  detectors?: readonly DetectorDefinition[];
  /** Directory for compiled libhs databases (default `.sluice-cache`, env SLUICE_CACHE_DIR); `false`: memory only. */
  cacheDir?: string | false;
}

/** The engine that runs and why; `libhs` and `addon` when the native binding loaded. */
export interface ScannerInfo {
  engine: 'native' | 'js';
  reason: string;
  libhs?: string;
  addon?: string;
}

const CHOICES: readonly ScannerEngineChoice[] = ['auto', 'native', 'js'];

function effectiveChoice(requested: ScannerEngineChoice): { choice: ScannerEngineChoice; why: string } {
  const env = process.env.SLUICE_SCANNER;
  if (requested !== 'auto' || env === undefined || env === '' || env === 'auto') return { choice: requested, why: requested === 'auto' ? 'auto' : `engine: '${requested}'` };
  if (env !== 'js' && env !== 'native') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `SLUICE_SCANNER must be js, native or auto (got '${env}')`);
  return { choice: env, why: `SLUICE_SCANNER=${env}` };
}

/**
 * Which engine `createScanner({ engine })` picks, and why (doctor and logs print this). Never throws on a
 * missing binding; throws SLUICE_ERR_SCANNER_UNAVAILABLE only in `createScanner` when native is required.
 *
 * @example
 * scannerInfo() // { engine: 'native', reason: 'auto: libhs 5.4.9 loaded', libhs: '5.4.9', addon: '/…/sluice_hs.node' }
 */
export function scannerInfo(engine: ScannerEngineChoice = 'auto'): ScannerInfo {
  const { choice, why } = effectiveChoice(engine);
  if (choice === 'js') return { engine: 'js', reason: `${why}: the JS scanner was requested` };
  const native = loadNative();
  if (native.ok) return { engine: 'native', reason: `${why}: libhs ${native.libhs} loaded`, libhs: native.libhs, addon: native.path };
  if (choice === 'native') return { engine: 'js', reason: `${why}: native unavailable (${native.reason})`, addon: native.path };
  return { engine: 'js', reason: `${why}: fell back to the JS scanner: ${native.reason}`, addon: native.path };
}

/**
 * Build a scanner over a detector set (compile once, scan many). Options are validated here, never on the hot
 * path: a bad option throws SLUICE_ERR_INVALID_OPTIONS, a bad detector SLUICE_ERR_DETECTOR_INVALID/_COMPILE,
 * `engine: 'native'` (or SLUICE_SCANNER=native) without a loadable binding SLUICE_ERR_SCANNER_UNAVAILABLE.
 *
 * @example
 * const scanner = createScanner();
 * for (const m of scanner.scan(Buffer.from('aws AKIAIOSFODNN7EXAMPLE'))) console.log(m.detector, m.start, m.end);
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const engine = options.engine ?? 'auto';
  if (!CHOICES.includes(engine)) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `engine must be one of ${CHOICES.join(', ')}`);
  if (options.detectors !== undefined && !Array.isArray(options.detectors)) {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'detectors must be an array of detector definitions');
  }
  if (options.cacheDir !== undefined && options.cacheDir !== false && typeof options.cacheDir !== 'string') {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'cacheDir must be a directory path or false');
  }
  const detectors = Object.freeze([...(options.detectors ?? builtinDetectors())]);
  if (detectors.length === 0) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'at least one detector is required');
  const ids = new Set<string>();
  for (const def of detectors) {
    if (ids.has(def.id)) throw new SluiceError('SLUICE_ERR_DETECTOR_INVALID', `duplicate detector id ${def.id}`, { details: { detector: def.id } });
    ids.add(def.id);
  }
  const rules = detectors.map((def, index) => compileRule(def, index));
  const { choice, why } = effectiveChoice(engine);
  if (choice === 'js') return createJsScanner(rules, detectors);
  const native = loadNative();
  if (native.ok) return createNativeScanner(native.binding, rules, detectors, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  if (choice === 'native') {
    throw new SluiceError('SLUICE_ERR_SCANNER_UNAVAILABLE', `${why}: ${native.reason}`, { details: { addon: native.path } });
  }
  return createJsScanner(rules, detectors);
}
