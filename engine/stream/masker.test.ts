/** @module stream/masker.test — the streaming JSON masker on JSONTestSuite, fuzz corpora and chunk boundaries. */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJsonMasker } from './masker.js';
import { sortedHits } from './masker-parts.js';
import fc from 'fast-check';
import { inspectJson } from './inspect.js';
import { applyMasks } from './rewriter.js';
import { TEST_DETECTORS, testScanner } from './scanner.test-helpers.js';
import type { MaskSpan } from './types.js';

const SUITES = fileURLToPath(new URL('../../../shared/suites/', import.meta.url));
const AWS = 'AKIAIOSFODNN7EXAMPLE';

function maskChunked(body: Uint8Array, size: number, opts: Partial<Parameters<typeof createJsonMasker>[0]> = {}): Buffer {
  const m = createJsonMasker({ scanner: testScanner(), ...opts });
  const out: Uint8Array[] = [];
  for (let i = 0; i < body.length; i += size) out.push(m.write(body.subarray(i, i + size)));
  out.push(m.end());
  return Buffer.concat(out);
}

describe('createJsonMasker', () => {
  it('masks like inspectJson+applyMasks for every chunk size, escapes and field claims included', () => {
    const body = Buffer.from(`{"a":"x ${AWS} y","b":["\\u0041KIAIOSFODNN7EXAMPLE"],"password":"pw","c":{"d":"${AWS}"}}`);
    const expected = Buffer.from(applyMasks(body, inspectJson(body, { scanner: testScanner() }).spans));
    expect(expected.toString()).not.toContain('AKIA');
    for (let size = 1; size <= body.length; size++) expect(maskChunked(body, size).toString(), `size ${size}`).toBe(expected.toString());
  });

  it('holds back only an open string value, never a partial secret', () => {
    const m = createJsonMasker({ scanner: testScanner() });
    const a = Buffer.from(m.write(Buffer.from('{"n":1,"t":"AKIAIOSF'))).toString();
    expect(a).toBe('{"n":1,"t":');
    expect(m.held).toBe(9); // `"AKIAIOSF` from the opening quote
    const b = Buffer.from(m.write(Buffer.from('ODNN7EXAMPLE","u":2}'))).toString();
    expect(b).toBe('"[REDACTED:aws-access-key-id]","u":2}');
    expect(Buffer.from(m.end()).toString()).toBe('');
  });

  it('reports findings with pointers and lets shouldMask spare some', () => {
    const body = Buffer.from(`[{"keep":"${AWS}"},{"drop":"${AWS}"}]`);
    const m = createJsonMasker({ scanner: testScanner(), shouldMask: (_d, p) => p !== '/0/keep' });
    const out = Buffer.concat([m.write(body.subarray(0, 20)), m.write(body.subarray(20)), m.end()]).toString();
    expect(JSON.parse(out)).toEqual([{ keep: AWS }, { drop: '[REDACTED:aws-access-key-id]' }]);
    expect(m.findings()).toEqual([
      { detector: 'aws-access-key-id', category: 'secret', path: '/0/keep', count: 1 },
      { detector: 'aws-access-key-id', category: 'secret', path: '/1/drop', count: 1 },
    ]);
  });

  it('on malformed input throws after emitting only a clean prefix, and stays failed', () => {
    const m = createJsonMasker({ scanner: testScanner() });
    const first = Buffer.from(m.write(Buffer.from(`{"a":"${AWS}","b":"${AWS.slice(0, 8)}`))).toString();
    expect(first).toBe('{"a":"[REDACTED:aws-access-key-id]","b":');
    expect(() => m.write(Buffer.from(`${AWS.slice(8)}"}}`))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_SYNTAX' }));
    expect(() => m.end()).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_SYNTAX' }));
    const trunc = createJsonMasker({ scanner: testScanner() });
    trunc.write(Buffer.from('{"a":"open'));
    expect(() => trunc.end()).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_SYNTAX' }));
  });

  it('passes every JSONTestSuite y_ file through byte-identical at chunk sizes 1..64 and whole; rejects n_', () => {
    const dir = SUITES + 'JSONTestSuite/test_parsing/';
    for (const f of readdirSync(dir)) {
      const body = readFileSync(dir + f);
      if (f.startsWith('y_')) {
        for (const size of [body.length || 1, ...Array.from({ length: 64 }, (_, i) => i + 1)]) {
          expect(maskChunked(body, size).equals(body), `${f} @${size}`).toBe(true);
        }
      } else if (f.startsWith('n_')) expect(() => maskChunked(body, 7), f).toThrow();
    }
  }, 120_000); // harness timeout for a loaded machine, not a performance threshold

  it('survives the go-fuzz json corpus and nativejson-benchmark files (valid ⇒ identical, masked ⇒ still valid JSON)', () => {
    const dir = SUITES + 'go-fuzz-corpus/json/corpus/';
    let valid = 0;
    for (const f of readdirSync(dir)) {
      const body = readFileSync(dir + f);
      let ok = true;
      try { JSON.parse(body.toString('utf8')); } catch { ok = false; }
      for (const size of [body.length || 1, 3]) {
        let out: Buffer | null = null;
        try { out = maskChunked(body, size); } catch (err) { expect((err as { code?: string }).code, f).toMatch(/^SLUICE_ERR_/); }
        if (ok && out) { expect(out.equals(body), f).toBe(true); valid++; }
      }
    }
    expect(valid).toBeGreaterThan(100);
    for (const f of ['canada.json', 'citm_catalog.json', 'twitter.json']) {
      const body = readFileSync(SUITES + 'nativejson-benchmark/' + f);
      const out = maskChunked(body, 65536);
      expect(() => JSON.parse(out.toString())).not.toThrow();
      const spans = inspectJson(body, { scanner: testScanner() }).spans;
      expect(out.equals(Buffer.from(applyMasks(body, spans))), f).toBe(true);
    }
  }, 120_000);

  it('writes overlapping and adjacent hits, shouldMask and function placeholders like spans + applyMasks (differential, every chunk size)', () => {
    // Overlapping detectors: a key id, a stretch inside it, one that runs past its end, and e-mails next to it.
    const detectors = [
      ...TEST_DETECTORS,
      { ...TEST_DETECTORS[0]!, id: 'inner', pattern: 'IOSF[A-Z]{4}', maxLength: 8 },
      { ...TEST_DETECTORS[0]!, id: 'tail', pattern: 'EXAMPLE[a-z]+', maxLength: 40 },
    ];
    const scanner = testScanner(detectors);
    const body = Buffer.from(
      `{"a":"${AWS}tail ${AWS}","b":["x${AWS}a@example.com","\u0041KIAIOSFODNN7EXAMPLE"],"c":{"keep":"${AWS}"},"d":"${AWS}${AWS}"}`,
    );
    const spans: MaskSpan[] = inspectJson(body, { scanner }).spans;
    expect(spans.filter((s, i) => i > 0 && s.start < spans[i - 1]!.end).length).toBeGreaterThan(0); // overlaps exist
    const cases: Array<Partial<Parameters<typeof createJsonMasker>[0]>> = [
      {},
      { shouldMask: (d, p) => d !== 'aws-access-key-id' || p !== '/c/keep' },
      { shouldMask: (d) => d !== 'inner', placeholder: (d, p) => `<${d}@${p}>` },
      { placeholder: '#{detector}#{detector}"' },
    ];
    for (const opts of cases) {
      const kept = opts.shouldMask ? spans.filter((s) => opts.shouldMask!(s.detector, s.pointer)) : spans;
      const expected = Buffer.from(applyMasks(body, kept, { placeholder: opts.placeholder }));
      for (let size = 1; size <= body.length; size++) {
        expect(maskChunked(body, size, { scanner, ...opts }).equals(expected), `size ${size} ${JSON.stringify(Object.keys(opts))}`).toBe(true);
      }
    }
  });

  it('hands its tables to the next masker only after a clean end; interleaved maskers stay independent', () => {
    const scanner = testScanner();
    const a = createJsonMasker({ scanner });
    const b = createJsonMasker({ scanner });
    const outA = [a.write(Buffer.from(`{"x":["${AWS}",`))];
    const outB = [b.write(Buffer.from(`[{"y":"${AWS.slice(0, 5)}`))];
    outA.push(a.write(Buffer.from(`"z"]}`)), a.end());
    expect(() => a.write(Buffer.from('1'))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INTERNAL' }));
    const c = createJsonMasker({ scanner }); // reuses a's tables while b is mid-body
    const outC = [c.write(Buffer.from(`{"q":{"r":"${AWS}"}}`)), c.end()];
    outB.push(b.write(Buffer.from(`${AWS.slice(5)}"}]`)), b.end());
    expect(Buffer.concat(outA).toString()).toBe('{"x":["[REDACTED:aws-access-key-id]","z"]}');
    expect(Buffer.concat(outB).toString()).toBe('[{"y":"[REDACTED:aws-access-key-id]"}]');
    expect(Buffer.concat(outC).toString()).toBe('{"q":{"r":"[REDACTED:aws-access-key-id]"}}');
    expect(b.findings()).toEqual([{ detector: 'aws-access-key-id', category: 'secret', path: '/0/y', count: 1 }]);
    expect(c.findings()).toEqual([{ detector: 'aws-access-key-id', category: 'secret', path: '/q/r', count: 1 }]);
    expect(a.findings()).toEqual([{ detector: 'aws-access-key-id', category: 'secret', path: '/x/0', count: 1 }]);
    expect(() => a.end()).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INTERNAL' })); // stays failed
    expect(Buffer.from(c.end()).length).toBe(0); // a second end is a no-op
  });

  it('sortedHits orders like a stable sort by start, longest first, and keeps an ordered array as is', () => {
    const hit = fc.record({ start: fc.nat(20), end: fc.nat(40), ordinal: fc.nat(5), rule: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(hit, { maxLength: 12 }), (hits) => {
        const expected = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
        expect(sortedHits(hits)).toEqual(expected);
        expect(sortedHits(expected)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
