/** @module detectors/registry — loads, validates and freezes detector definitions (built-in and user-supplied). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { SluiceError } from '../../engine/errors.js';
import type { DetectorDefinition } from '../../engine/scan/scanner.js';
import { detectorSchema } from './schema.js';

/** Sub-directories of rules/detectors holding one JSON definition per detector. */
const CATEGORY_DIRS = ['secret', 'pii'] as const;

const validateShape = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(detectorSchema);

/** Constructs that Hyperscan rejects or that break linear-time matching; boundaries belong in `boundary`. */
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/^\(\?<?[=!]/, 'lookaround'],
  [/^\(\?[imsx-]+[:)]/, 'inline flag (use "caseless")'],
  [/^\(\?>/, 'atomic group'],
  [/^\\[1-9]/, 'backreference'],
  [/^\\k</, 'backreference'],
];

function invalid(source: string, field: string, message: string, id?: string): SluiceError {
  return new SluiceError('SLUICE_ERR_DETECTOR_INVALID', `${source}: ${field}: ${message}`, {
    details: { source, field, ...(id ? { id } : {}) },
  });
}

/** Walk the pattern source, skipping escaped characters, and report the first forbidden construct. */
function forbiddenConstruct(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const rest = pattern.slice(i, i + 8);
    for (const [shape, name] of FORBIDDEN) if (shape.test(rest)) return name;
    if (pattern[i] === '\\') i++;
  }
  return undefined;
}

/** Check what the schema cannot: the pattern compiles, cannot match empty, its secret group exists. */
function checkSemantics(def: DetectorDefinition, source: string): void {
  const construct = forbiddenConstruct(def.pattern);
  if (construct) throw invalid(source, 'pattern', `${construct} is not allowed`, def.id);
  if (def.anchor !== undefined) {
    // Every example match must hold the anchor within maxBefore bytes of its start.
    const global = new RegExp(def.pattern, def.caseless ? 'gi' : 'g');
    for (const example of def.examples.match) {
      for (const m of example.matchAll(global)) {
        const at = m[0].indexOf(def.anchor.text);
        if (at < 0 || Buffer.byteLength(m[0].slice(0, at)) > def.anchor.maxBefore) {
          throw invalid(source, 'anchor', `example match "${m[0]}" has no "${def.anchor.text}" within ${def.anchor.maxBefore} bytes of its start`, def.id);
        }
        const run = def.anchor.run;
        const head = run?.prefix && m[0].startsWith(run.prefix) ? m[0].slice(run.prefix.length, at) : m[0].slice(0, at);
        if (run && !new RegExp(`^[${run.chars}]{0,${run.max}}$`, def.caseless ? 'i' : '').test(head)) {
          throw invalid(source, 'anchor', `example match "${m[0]}" does not start with the anchor run [${run.chars}]{0,${run.max}}`, def.id);
        }
      }
    }
  }
  if (def.trigger !== undefined) {
    const inTrigger = forbiddenConstruct(def.trigger);
    if (inTrigger) throw invalid(source, 'trigger', `${inTrigger} is not allowed`, def.id);
    // Every example match must contain a trigger match (the native engine scans only around them).
    const global = new RegExp(def.pattern, def.caseless ? 'gi' : 'g');
    const trigger = new RegExp(def.trigger, def.caseless ? 'i' : '');
    for (const example of def.examples.match) {
      for (const m of example.matchAll(global)) {
        if (!trigger.test(m[0])) throw invalid(source, 'trigger', `example match "${m[0]}" holds no match of the trigger`, def.id);
      }
    }
  }
  if (def.prefilter !== undefined) {
    const inPrefilter = forbiddenConstruct(def.prefilter);
    if (inPrefilter) throw invalid(source, 'prefilter', `${inPrefilter} is not allowed`, def.id);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(def.pattern, def.caseless ? 'i' : '');
  } catch (cause) {
    throw invalid(source, 'pattern', (cause as Error).message, def.id);
  }
  if (regex.test('')) throw invalid(source, 'pattern', 'matches the empty string', def.id);
  const groups = new RegExp(`${def.pattern}|`).exec('') as RegExpExecArray; // always matches (empty branch)
  const group = def.secretGroup;
  if (typeof group === 'number' && group >= groups.length) {
    throw invalid(source, 'secretGroup', `group ${group} does not exist (pattern has ${groups.length - 1})`, def.id);
  }
  if (typeof group === 'string' && !(group in (groups.groups ?? {}))) {
    throw invalid(source, 'secretGroup', `named group "${group}" does not exist`, def.id);
  }
  if (def.minConfidence !== undefined && def.context === undefined && def.confidence < def.minConfidence) {
    throw invalid(source, 'minConfidence', 'exceeds confidence and no context can lift it', def.id);
  }
}

/** Validate one definition; `source` names the file (or index) in errors. */
function validateDefinition(candidate: unknown, source: string): DetectorDefinition {
  if (!validateShape(candidate)) {
    const first = validateShape.errors?.[0];
    const field = first?.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : '(root)';
    const extra = first?.params && 'additionalProperty' in first.params ? ` "${String(first.params.additionalProperty)}"` : '';
    const id = typeof (candidate as { id?: unknown })?.id === 'string' ? (candidate as { id: string }).id : undefined;
    throw invalid(source, field, `${first?.message ?? 'invalid'}${extra}`, id);
  }
  const def = structuredClone(candidate);
  checkSemantics(def, source);
  return deepFreeze(def);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validate a user-supplied detector set (plain objects, e.g. parsed JSON). Ids must be unique.
 * Throws SLUICE_ERR_DETECTOR_INVALID naming the definition (`sources[i]` or `detectors[i]`) and the field.
 *
 * @example
 * const detectors = loadDetectors([...builtinDetectors(), myDefinition]);
 * const scanner = createScanner({ detectors });
 */
export function loadDetectors(defs: readonly unknown[], sources?: readonly string[]): DetectorDefinition[] {
  if (!Array.isArray(defs)) throw invalid('detectors', '(root)', 'must be an array of definitions');
  const seen = new Map<string, string>();
  return defs.map((candidate, index) => {
    const source = sources?.[index] ?? `detectors[${index}]`;
    const def = validateDefinition(candidate, source);
    const previous = seen.get(def.id);
    if (previous !== undefined) throw invalid(source, 'id', `duplicate id "${def.id}" (also in ${previous})`, def.id);
    seen.set(def.id, source);
    return def;
  });
}

/** The directory holding the JSON definitions, from the source tree or from dist/. */
export function detectorsDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [here, resolve(here, '../../../rules/detectors')];
  const found = candidates.find((dir) => existsSync(join(dir, 'secret')));
  if (!found) throw invalid(here, '(directory)', 'built-in detector definitions not found');
  return found;
}

let builtin: readonly DetectorDefinition[] | undefined;

/**
 * The built-in detector library (rules/detectors/{secret,pii}/*.json), read and validated once,
 * then cached and frozen; ordered by category directory and file name.
 *
 * @example
 * const ids = builtinDetectors().map((d) => d.id); // ['age-secret-key', …, 'us-ssn']
 */
export function builtinDetectors(): DetectorDefinition[] {
  if (builtin === undefined) {
    const root = detectorsDirectory();
    const files = CATEGORY_DIRS.flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(root, dir, name)),
    );
    const defs = files.map((file) => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch (cause) {
        throw invalid(relative(root, file), '(json)', (cause as Error).message);
      }
    });
    const loaded = loadDetectors(defs, files.map((file) => `rules/detectors/${relative(root, file)}`));
    for (const [i, def] of loaded.entries()) {
      const expected = `${def.category}/${def.id}.json`;
      if (!files[i]!.endsWith(expected)) throw invalid(relative(root, files[i]!), 'id', `file must be named ${expected}`, def.id);
    }
    builtin = Object.freeze(loaded);
  }
  return [...builtin];
}
