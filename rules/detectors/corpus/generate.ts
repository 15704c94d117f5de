/** @module detectors/corpus/generate — a seeded, labeled corpus: fakes in realistic bodies plus look-alikes. */
import type { DetectorCategory, DetectorDefinition } from '../../../engine/scan/scanner.js';
import { SECRET_FAKES, type FakeGenerator } from './fakes-secret.js';
import { PII_FAKES } from './fakes-pii.js';
import { LOOKALIKES, imageBlock } from './lookalikes.js';
import { createRng, type Rng } from './rng.js';
import { JSON_TEMPLATES, TEXT_TEMPLATES, fieldPlacement } from './templates.js';

/** One planted value: [start, end) UTF-8 byte offsets inside the text (kind text) or the string value at `pointer`. */
export interface CorpusLabel {
  detector: string;
  category: DetectorCategory;
  pointer: string | null;
  start: number;
  end: number;
}

/** One document: a text or a JSON body, with what must be found (labels) and what was planted to fool (lookalikes). */
export interface CorpusDoc {
  id: string;
  kind: 'text' | 'json';
  body: string;
  labels: CorpusLabel[];
  lookalikes: string[];
}

/** Corpus size and seed. */
export interface CorpusOptions {
  seed?: number;
  /** Positive documents per detector (default 20). */
  perDetector?: number;
  /** Documents holding only look-alikes (default 300). */
  negatives?: number;
}

const FAKES: Readonly<Record<string, FakeGenerator>> = { ...SECRET_FAKES, ...PII_FAKES };
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Punctuation a value often sits between in prose and code: quotes, brackets, a sentence end. */
const WRAPPERS: ReadonlyArray<[string, string]> = [['', ''], ['"', '"'], ["'", "'"], ['(', ')'], ['<', '>'], ['`', '`'], ['', '.'], ['', ','], ['[', ']'], ['=', ';']];

function wrapped(rng: Rng): { before: string; after: string } {
  const { before, after } = rng.pick(TEXT_TEMPLATES)(rng);
  const [open, close] = rng.chance(0.5) ? rng.pick(WRAPPERS) : ['', ''];
  return { before: before + open, after: close + after };
}

function textDoc(rng: Rng, docId: string, snippet: string, label?: Omit<CorpusLabel, 'pointer' | 'start' | 'end'> & { at: number; length: number }): CorpusDoc {
  const { before, after } = wrapped(rng);
  const body = `${before}${snippet}${after}`;
  const labels: CorpusLabel[] = [];
  if (label) {
    const start = bytes(before + snippet.slice(0, label.at));
    labels.push({ detector: label.detector, category: label.category, pointer: null, start, end: start + bytes(snippet.slice(label.at, label.at + label.length)) });
  }
  return { id: docId, kind: 'text', body, labels, lookalikes: [] };
}

function jsonDoc(rng: Rng, docId: string, value: string, label?: { detector: string; category: DetectorCategory; at: number; length: number }): CorpusDoc {
  const { before, after } = wrapped(rng);
  const text = `${before}${value}${after}`;
  const { body, pointer } = rng.pick(JSON_TEMPLATES)(rng, text);
  const labels: CorpusLabel[] = [];
  if (label) {
    const start = bytes(before + value.slice(0, label.at));
    labels.push({ detector: label.detector, category: label.category, pointer, start, end: start + bytes(value.slice(label.at, label.at + label.length)) });
  }
  return { id: docId, kind: 'json', body: JSON.stringify(body), labels, lookalikes: [] };
}

/** Exact (non-glob) field names of a detector, if it claims any. */
function exactFieldNames(def: DetectorDefinition): string[] {
  return (def.fieldNames ?? []).filter((name) => !name.includes('*'));
}

function positive(rng: Rng, def: DetectorDefinition, n: number): CorpusDoc {
  const make = FAKES[def.id];
  if (!make) throw new Error(`no fake generator for detector ${def.id}`);
  const fake = make(rng);
  const docId = `${def.id}#${n}`;
  const fields = exactFieldNames(def);
  if (fields.length > 0 && rng.chance(0.25)) {
    const key = rng.pick(fields);
    const { body, pointer } = fieldPlacement(rng, key, fake.secret);
    const label: CorpusLabel = { detector: def.id, category: def.category, pointer, start: 0, end: bytes(fake.secret) };
    return { id: docId, kind: 'json', body: JSON.stringify(body), labels: [label], lookalikes: [] };
  }
  const at = fake.text.indexOf(fake.secret);
  const label = { detector: def.id, category: def.category, at, length: fake.secret.length };
  return rng.chance(0.5) ? textDoc(rng, docId, fake.text, label) : jsonDoc(rng, docId, fake.text, label);
}

function negative(rng: Rng, n: number): CorpusDoc {
  const kinds = Array.from({ length: rng.int(1, 3) }, () => rng.pick(LOOKALIKES));
  const snippet = kinds.map((k) => k.make(rng)).join(rng.pick([' and ', '\n', ', then ']));
  const docId = `lookalike#${n}`;
  const names = kinds.map((k) => k.name);
  if (rng.chance(0.2)) {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      messages: [{ role: 'user', content: [imageBlock(rng), { type: 'text', text: `What is in this image? ${snippet}` }] }],
    };
    return { id: docId, kind: 'json', body: JSON.stringify(body), labels: [], lookalikes: ['base64-image', ...names] };
  }
  const doc = rng.chance(0.5) ? textDoc(rng, docId, snippet) : jsonDoc(rng, docId, snippet);
  return { ...doc, lookalikes: names };
}

/**
 * Generate the labeled corpus for a detector set: `perDetector` positives per detector (fake values in prose,
 * env files, logs, LLM request/response bodies, tool calls, API payloads, or as the whole value of a claimed
 * field) and `negatives` documents of look-alikes (UUIDs, digests, Luhn-invalid digits, bad IBANs, invalid SSNs,
 * versions, order ids, base64 images, bad-checksum tokens, placeholders…). Same seed, same corpus.
 *
 * @example
 * const docs = generateCorpus(builtinDetectors(), { seed: 7, perDetector: 10 });
 */
export function generateCorpus(detectors: readonly DetectorDefinition[], options: CorpusOptions = {}): CorpusDoc[] {
  const rng = createRng(options.seed ?? 20240501);
  const perDetector = options.perDetector ?? 20;
  const docs: CorpusDoc[] = [];
  for (const def of detectors) for (let n = 0; n < perDetector; n++) docs.push(positive(rng, def, n));
  for (let n = 0; n < (options.negatives ?? 300); n++) docs.push(negative(rng, n));
  return docs;
}
