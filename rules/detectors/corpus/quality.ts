/** @module detectors/corpus/quality — precision and recall per detector, by running a real Scanner on the corpus. */
import { pathToFileURL } from 'node:url';
import type { DetectorCategory, Scanner } from '../../../engine/scan/scanner.js';
import { generateCorpus, type CorpusDoc, type CorpusLabel } from './generate.js';
import { escapePointer } from './templates.js';

/** One finding as the pipeline would report it: a detector's span inside a text or a string value. */
export interface Finding {
  detector: string;
  category: DetectorCategory;
  pointer: string | null;
  start: number;
  end: number;
}

/** Counts and ratios for one detector (or the whole set). */
export interface DetectorQuality {
  detector: string;
  labels: number;
  recalled: number;
  findings: number;
  truePositives: number;
  precision: number;
  recall: number;
}

/** The report: per detector, overall (micro-averaged), and which look-alikes caused false positives. */
export interface QualityReport {
  engine: string;
  documents: number;
  perDetector: DetectorQuality[];
  overall: DetectorQuality;
  falsePositives: { detector: string; doc: string; text: string }[];
}

/** Walk a JSON value; call `visit` for every string value with its pointer and (lowercase) key. */
function walkStrings(value: unknown, pointer: string, key: string | null, visit: (text: string, pointer: string, key: string | null) => void): void {
  if (typeof value === 'string') visit(value, pointer, key);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, `${pointer}/${i}`, null, visit));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, `${pointer}/${escapePointer(k)}`, k.toLowerCase(), visit);
  }
}

/**
 * Everything `scanner` finds in one document: raw text is scanned as bytes; a JSON body is decoded and each
 * string value scanned on its own (as the JSON inspector does), plus whole-value findings for claimed field names.
 *
 * @example
 * const findings = findingsFor(createScanner(), doc);
 */
export function findingsFor(scanner: Scanner, doc: CorpusDoc): Finding[] {
  const out: Finding[] = [];
  const scanText = (text: string, pointer: string | null, key: string | null): void => {
    const bytes = Buffer.from(text, 'utf8');
    if (key !== null && bytes.length > 0) {
      for (const index of scanner.detectorsForField(key)) {
        const def = scanner.detectors[index]!;
        out.push({ detector: def.id, category: def.category, pointer, start: 0, end: bytes.length });
      }
    }
    for (const m of scanner.scan(bytes)) out.push({ detector: m.detector, category: m.category, pointer, start: m.start, end: m.end });
  };
  if (doc.kind === 'text') scanText(doc.body, null, null);
  else walkStrings(JSON.parse(doc.body), '', null, scanText);
  return out;
}

const overlaps = (a: { pointer: string | null; start: number; end: number }, b: { pointer: string | null; start: number; end: number }): boolean =>
  a.pointer === b.pointer && a.start < b.end && b.start < a.end;

/** A label is recalled when findings of its category cover every byte of it (a partly masked secret is a miss). */
function covered(label: CorpusLabel, findings: readonly Finding[]): boolean {
  const spans = findings.filter((f) => f.category === label.category && overlaps(f, label)).sort((a, b) => a.start - b.start);
  let reach = label.start;
  for (const span of spans) {
    if (span.start > reach) return false;
    reach = Math.max(reach, span.end);
    if (reach >= label.end) return true;
  }
  return reach >= label.end;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/**
 * Score a scanner on a corpus. A finding is a true positive when it overlaps a planted value of the same category
 * (masking it under another detector's name still protects it); everything else is a false positive.
 *
 * @example
 * const report = evaluateQuality(createScanner({ engine: 'js' }), generateCorpus(builtinDetectors()));
 */
export function evaluateQuality(scanner: Scanner, docs: readonly CorpusDoc[]): QualityReport {
  const stats = new Map<string, DetectorQuality>();
  const entry = (detector: string): DetectorQuality => {
    let s = stats.get(detector);
    if (!s) stats.set(detector, (s = { detector, labels: 0, recalled: 0, findings: 0, truePositives: 0, precision: 1, recall: 1 }));
    return s;
  };
  for (const def of scanner.detectors) entry(def.id);
  const falsePositives: QualityReport['falsePositives'] = [];
  for (const doc of docs) {
    const findings = findingsFor(scanner, doc);
    for (const label of doc.labels) {
      const s = entry(label.detector);
      s.labels++;
      if (covered(label, findings)) s.recalled++;
    }
    for (const f of findings) {
      const s = entry(f.detector);
      s.findings++;
      if (doc.labels.some((l) => l.category === f.category && overlaps(f, l))) s.truePositives++;
      else falsePositives.push({ detector: f.detector, doc: doc.id, text: excerpt(doc, f) });
    }
  }
  const perDetector = [...stats.values()].map((s) => ({ ...s, precision: ratio(s.truePositives, s.findings), recall: ratio(s.recalled, s.labels) }));
  const sum = (k: 'labels' | 'recalled' | 'findings' | 'truePositives') => perDetector.reduce((n, s) => n + s[k], 0);
  const overall: DetectorQuality = {
    detector: 'overall', labels: sum('labels'), recalled: sum('recalled'), findings: sum('findings'), truePositives: sum('truePositives'),
    precision: ratio(sum('truePositives'), sum('findings')), recall: ratio(sum('recalled'), sum('labels')),
  };
  return { engine: scanner.engine, documents: docs.length, perDetector, overall, falsePositives };
}

function excerpt(doc: CorpusDoc, f: Finding): string {
  if (doc.kind === 'json') return `${f.pointer} [${f.start},${f.end})`;
  return Buffer.from(doc.body, 'utf8').subarray(f.start, f.end).toString('utf8').slice(0, 60);
}

/**
 * A fixed-width table: one row per detector, then the overall row.
 *
 * @example
 * console.log(formatQualityTable(report));
 */
export function formatQualityTable(report: QualityReport): string {
  const row = (s: DetectorQuality) =>
    `${s.detector.padEnd(30)} ${String(s.labels).padStart(6)} ${String(s.recalled).padStart(8)} ${String(s.findings).padStart(8)} ${String(s.truePositives).padStart(6)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)}`;
  const header = `${'detector'.padEnd(30)} ${'labels'.padStart(6)} ${'recalled'.padStart(8)} ${'findings'.padStart(8)} ${'TP'.padStart(6)} ${'precision'.padStart(9)} ${'recall'.padStart(7)}`;
  const lines = [`engine ${report.engine}, ${report.documents} documents`, header, ...report.perDetector.map(row), '-'.repeat(header.length), row(report.overall)];
  return lines.join('\n');
}

/** CLI: `tsx rules/detectors/corpus/quality.ts [--engine js|native] [--per N] [--seed S]` prints the table. */
async function main(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const { createScanner } = await import('../../../engine/scan/select.js');
  const { builtinDetectors } = await import('../registry.js');
  const engine = (arg('engine') ?? 'auto') as 'auto' | 'js' | 'native';
  const scanner = createScanner({ engine });
  const docs = generateCorpus(builtinDetectors(), { seed: Number(arg('seed') ?? 20240501), perDetector: Number(arg('per') ?? 40), negatives: Number(arg('negatives') ?? 600) });
  const report = evaluateQuality(scanner, docs);
  console.log(formatQualityTable(report));
  for (const fp of report.falsePositives.slice(0, 40)) console.log(`FP ${fp.detector} in ${fp.doc}: ${fp.text}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
