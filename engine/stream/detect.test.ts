/** @module stream/detect.test — SegmentBatch (one packed scan per kind of value) and FieldClaims vs one scan per value. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { generateCorpus } from '../../rules/detectors/corpus/generate.js';
import { createScanner, scannerInfo } from '../scan/select.js';
import type { Scanner } from '../scan/scanner.js';
import { DecodeArena } from './escapes.js';
import { FieldClaims, SegmentBatch, type RawHit } from './detect.js';
import { JsonTokenizer, resolveLimits } from './tokenizer.js';
import { inspectJson } from './inspect.js';
import { applyMasks } from './rewriter.js';
import type { MaskSpan } from './types.js';

const nativeAvailable = (() => {
  try {
    return scannerInfo('native').engine === 'native';
  } catch {
    return false;
  }
})();

interface Value { start: number; end: number; ordinal: number; escaped: boolean; rules: readonly number[] }

/** The string values of `body` with the field claims of their key (the way inspectJson visits them). */
function valuesOf(scanner: Scanner, body: Uint8Array): Value[] {
  const fields = new FieldClaims(scanner);
  const values: Value[] = [];
  const visitor = {
    tok: null as unknown as JsonTokenizer,
    string(start: number, end: number, isKey: boolean, escaped: boolean) {
      if (isKey) return;
      const rules = fields.enabled && visitor.tok.inObject ? fields.rulesFor(visitor.tok) : [];
      values.push({ start, end, ordinal: values.length, escaped, rules });
    },
    primitive() {},
    open() {},
    close() {},
  };
  const tok = new JsonTokenizer(visitor, resolveLimits());
  visitor.tok = tok;
  tok.write(body);
  tok.end();
  return values;
}

/**
 * The reference: one scan per value (count 1: in place, never packed); an escaped value decoded alone after the raw
 * body bytes before it (the widest context window + 2), so that it reads the context a plain value reads.
 */
function oneByOne(scanner: Scanner, body: Uint8Array, values: readonly Value[]): RawHit[] {
  const reach = 2 + Math.max(0, ...scanner.detectors.map((d) => d.context?.window ?? 0));
  const hits: RawHit[] = [];
  for (const v of values) {
    if (v.end <= v.start) continue;
    if (v.rules.length > 0) hits.push({ start: v.start, end: v.end, ordinal: v.ordinal, rule: v.rules[0]! });
    else if (v.escaped) {
      const arena = new DecodeArena();
      const prefix = body.subarray(Math.max(0, v.start - reach), v.start);
      arena.context(Buffer.concat([Buffer.alloc(reach - prefix.length), prefix]), reach, reach); // NULs + raw bytes
      const [ds, de] = arena.decode(body, v.start, v.end, 0);
      for (const m of scanner.scanSegments(arena.bytes.subarray(0, arena.length), Uint32Array.from([ds, de]), 1)) {
        const [start, end] = arena.rawSpan(m.start, m.end);
        hits.push({ start, end, ordinal: v.ordinal, rule: m.rule });
      }
    } else for (const m of scanner.scanSegments(body, Uint32Array.from([v.start, v.end]), 1)) hits.push({ start: m.start, end: m.end, ordinal: v.ordinal, rule: m.rule });
  }
  return hits.filter((h) => h.end > h.start).sort((a, b) => a.start - b.start || b.end - a.end || a.rule - b.rule);
}

function batched(scanner: Scanner, body: Uint8Array, values: readonly Value[], batch: SegmentBatch): RawHit[] {
  for (const v of values) {
    if (v.rules.length > 0) batch.claim(v.start, v.end, v.ordinal, v.rules[0]!);
    else batch.add(body, v.start, v.end, v.ordinal, v.escaped);
  }
  return batch.scan(body).sort((a, b) => a.start - b.start || b.end - a.end || a.rule - b.rule);
}

const masked = (scanner: Scanner, body: Uint8Array, hits: readonly RawHit[]) => Buffer.from(applyMasks(body, hits.map((h): MaskSpan => ({ start: h.start, end: h.end, detector: scanner.detectors[h.rule]!.id, category: 'secret', pointer: '' })))).toString('latin1');

describe.each([
  ['js', true],
  ['native', nativeAvailable], // skipped when the Vectorscan binding is not built (make native)
] as const)('SegmentBatch with the %s scanner', (engine, available) => {
  const scanner = available ? createScanner({ engine, cacheDir: false }) : (null as unknown as Scanner);
  const docs = generateCorpus(builtinDetectors(), { seed: 5, perDetector: 2, negatives: 40 });
  const secrets = builtinDetectors().flatMap((d) => d.examples.match);
  const keys = ['text', 'content', 'password', 'api_key', 'client_secret', 'note', 'x'];

  it.skipIf(!available)('gives the hits and masked bytes of one scan per value on the corpus', () => {
    const batch = new SegmentBatch(scanner);
    let total = 0;
    for (const doc of docs) {
      const body = Buffer.from(doc.kind === 'json' ? doc.body : JSON.stringify({ text: doc.body, list: [doc.body, 'x'] }));
      const values = valuesOf(scanner, body);
      const want = oneByOne(scanner, body, values);
      const got = batched(scanner, body, values, batch);
      expect(got).toEqual(want);
      expect(Buffer.from(applyMasks(body, inspectJson(body, { scanner }).spans)).toString('latin1')).toBe(masked(scanner, body, want));
      total += want.length;
    }
    expect(total).toBeGreaterThan(docs.length / 2);
  }, 60_000);

  it.skipIf(!available)('merged scans: a context word at the end of the body does not reach the first escaped value', () => {
    const batch = new SegmentBatch(scanner);
    let found = 0;
    for (const d of builtinDetectors().filter((x) => x.context)) {
      for (const example of d.examples.match) {
        for (const word of d.context!.words) {
          const body = Buffer.from(JSON.stringify({ v: `${example}\n`, p: 'plain', k: `${word}` }));
          const values = valuesOf(scanner, body);
          const want = oneByOne(scanner, body, values);
          expect(batched(scanner, body, values, batch)).toEqual(want);
          found += want.length;
        }
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it.skipIf(!available)('judges an escaped value with the context a plain one reads (its key, the bytes before it)', () => {
    const batch = new SegmentBatch(scanner);
    let found = 0;
    for (const d of builtinDetectors().filter((x) => x.context && x.minConfidence !== undefined)) {
      for (const example of d.examples.match) {
        const word = d.context!.words[0]!;
        const plain = Buffer.from(JSON.stringify({ [word]: example }));
        const escaped = Buffer.from(JSON.stringify({ [word]: `${example}\n` }));
        const rules = (body: Buffer) => batched(scanner, body, valuesOf(scanner, body), batch).map((h) => h.rule);
        expect(rules(escaped), `${d.id}: ${example}`).toEqual(rules(plain));
        expect(batched(scanner, escaped, valuesOf(scanner, escaped), batch)).toEqual(oneByOne(scanner, escaped, valuesOf(scanner, escaped)));
        found += rules(plain).length;
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it.skipIf(!available)('gives the hits of one scan per value on random JSON documents with escapes and claimed fields', () => {
    const batch = new SegmentBatch(scanner);
    const text = fc.oneof(fc.constantFrom(...secrets, ...docs.slice(0, 20).map((d) => d.body)), fc.string({ maxLength: 40 }), fc.constantFrom('line\nbreak "quoted" \\ tab\t', 'é ü \u2028 😀'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, text, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...keys), tie('node'), { maxKeys: 4 }), fc.integer()),
    })).node;
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 8 }), (entries) => {
      const body = Buffer.from(JSON.stringify(Object.fromEntries(entries)));
      const values = valuesOf(scanner, body);
      const want = oneByOne(scanner, body, values);
      expect(batched(scanner, body, values, batch)).toEqual(want);
      expect(Buffer.from(applyMasks(body, inspectJson(body, { scanner }).spans)).toString('latin1')).toBe(masked(scanner, body, want));
    }), { numRuns: 150 });
  }, 60_000);
});

describe('FieldClaims', () => {
  const scanner = createScanner({ engine: 'js' });
  it('resolves keys like detectorsForField, also when many keys share a recent-cache slot', () => {
    const names = [...builtinDetectors().flatMap((d) => d.fieldNames ?? []), ...Array.from({ length: 700 }, (_, i) => `key_${i}`), 'Password', 'API_KEY'];
    const order = fc.sample(fc.constantFrom(...names), { numRuns: 5000, seed: 3 });
    const body = Buffer.from(JSON.stringify(order.map((k) => ({ [k]: 'v' }))));
    const fields = new FieldClaims(scanner);
    const got: string[] = [];
    const visitor = { tok: null as unknown as JsonTokenizer, string(_s: number, _e: number, isKey: boolean) { if (!isKey) got.push(fields.rulesFor(visitor.tok).join(',')); }, primitive() {}, open() {}, close() {} };
    const tok = new JsonTokenizer(visitor, resolveLimits());
    visitor.tok = tok;
    tok.write(body);
    tok.end();
    expect(got).toEqual(order.map((k) => scanner.detectorsForField(k.toLowerCase()).join(',')));
    expect(got.filter((r) => r !== '').length).toBeGreaterThan(100);
  });
});
