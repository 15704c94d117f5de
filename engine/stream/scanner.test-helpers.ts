/** @module stream/scanner.test-helpers — a tiny RegExp-backed Scanner for the stream tests (not shipped). */
import type { DetectorDefinition, Match, Scanner, ScanStream } from '../scan/scanner.js';

const def = (id: string, pattern: string, maxLength: number, extra: Partial<DetectorDefinition> = {}): DetectorDefinition => ({
  id,
  category: 'secret',
  description: id,
  pattern,
  keywords: [],
  maxLength,
  confidence: 0.9,
  examples: { match: [], noMatch: [] },
  ...extra,
});

/** Test detectors: AWS key id, GitHub token, an e-mail address, and a password field. */
export const TEST_DETECTORS: DetectorDefinition[] = [
  def('aws-access-key-id', 'AKIA[A-Z2-7]{16}', 20),
  def('github-token', 'ghp_[A-Za-z0-9]{36}', 40),
  def('email', '[a-z0-9._-]{1,64}@example\\.(com|org)', 80, { category: 'pii' }),
  def('password-field', 'a^', 1, { fieldNames: ['password', 'passwd', '*_secret'] }),
];

/**
 * Build a Scanner over JS RegExps with byte offsets (latin1: 1 char = 1 byte).
 *
 * @example
 * const scanner = testScanner(); scanner.scan(Buffer.from('AKIAIOSFODNN7EXAMPLE'));
 */
export function testScanner(detectors: DetectorDefinition[] = TEST_DETECTORS): Scanner & { calls: number } {
  const regexes = detectors.map((d) => new RegExp(d.pattern, 'g'));
  const globs = detectors.map((d) =>
    (d.fieldNames ?? []).map((f) => new RegExp(`^${f.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)),
  );
  const scanText = (text: string, offset: number, out: Match[], segment?: number) => {
    regexes.forEach((re, rule) => {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const d = detectors[rule]!;
        out.push({ rule, detector: d.id, category: d.category, start: offset + m.index, end: offset + m.index + m[0].length, confidence: d.confidence, ...(segment === undefined ? {} : { segment }) });
        if (m[0].length === 0) re.lastIndex++;
      }
    });
  };
  const scanner = {
    engine: 'js' as const,
    detectors,
    calls: 0,
    scan(bytes: Uint8Array): Match[] {
      scanner.calls++;
      const out: Match[] = [];
      scanText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), 0, out);
      return out.sort((a, b) => a.start - b.start);
    },
    scanSegments(bytes: Uint8Array, bounds: Uint32Array, count: number): Match[] {
      scanner.calls++;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      const out: Match[] = [];
      for (let i = 0; i < count; i++) scanText(buf.toString('latin1', bounds[2 * i], bounds[2 * i + 1]), bounds[2 * i]!, out, i);
      return out;
    },
    openStream(): ScanStream {
      const parts: Buffer[] = [];
      return {
        write: (chunk) => (parts.push(Buffer.from(chunk)), []),
        end: () => scanner.scan(Buffer.concat(parts)),
      };
    },
    detectorsForField(key: string): readonly number[] {
      const out: number[] = [];
      globs.forEach((list, i) => list.some((re) => re.test(key)) && out.push(i));
      return out;
    },
  };
  return scanner;
}
