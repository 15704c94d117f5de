/** @module stream/context.test — context words before a value count the same for every chunking and for escaped values. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { createScanner, scannerInfo } from '../scan/select.js';
import type { DetectorDefinition, Scanner } from '../scan/scanner.js';
import { toJsSource } from '../scan/pattern.js';
import { createJsonMasker } from './masker.js';
import { inspectJson } from './inspect.js';
import { applyMasks } from './rewriter.js';

const nativeAvailable = scannerInfo('native').engine === 'native';

function maskChunks(scanner: Scanner, body: Uint8Array, cuts: readonly number[]): string {
  const m = createJsonMasker({ scanner });
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    out.push(m.write(body.subarray(at, cut)));
    at = cut;
  }
  out.push(m.end());
  return Buffer.concat(out).toString();
}

const whole = (scanner: Scanner, body: Uint8Array) => Buffer.from(applyMasks(body, inspectJson(body, { scanner }).spans)).toString();

/** Detectors that find nothing without a context word (their base confidence is below their minimum). */
const contextOnly = builtinDetectors().filter((d) => d.context && d.minConfidence !== undefined && d.confidence < d.minConfidence);

/** The bare match of a detector's first example (its examples carry their own context words). */
const bare = (d: DetectorDefinition) => new RegExp(toJsSource(d.pattern), d.caseless ? 'i' : '').exec(d.examples.match[0]!)![0];

describe.each([
  ['js', true],
  ['native', nativeAvailable], // skipped when the Vectorscan binding is not built (make native)
] as const)('context words with the %s scanner', (engine, available) => {
  const scanner = available ? createScanner({ engine, cacheDir: false }) : (null as unknown as Scanner);

  it.skipIf(!available)('mask a context-only value wherever the chunk boundary falls (in its key, before it, in it)', () => {
    expect(contextOnly.map((d) => d.id)).toEqual(expect.arrayContaining(['us-bank-routing-number', 'phone-number']));
    let checked = 0;
    for (const d of contextOnly) {
      const example = bare(d);
      for (const body of [
        Buffer.from(JSON.stringify({ pad: 'x'.repeat(40), [d.context!.words[0]!]: example })),
        Buffer.from(JSON.stringify({ note: `${d.context!.words[0]!}:`, v: example })),
        Buffer.from(JSON.stringify({ pad: 'y', [d.context!.words[0]!]: `${example}\n` })),
      ]) {
        const expected = whole(scanner, body);
        expect(expected, `${d.id} masked in ${body}`).not.toContain(example);
        for (let cut = 1; cut < body.length; cut++) expect(maskChunks(scanner, body, [cut]), `${d.id}, cut at ${cut}`).toBe(expected);
        expect(maskChunks(scanner, body, Array.from({ length: body.length - 1 }, (_, k) => k + 1)), `${d.id}, 1-byte chunks`).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBe(3 * contextOnly.length);
  });

  it.skipIf(!available)('give the whole-body result for random documents and chunkings', () => {
    const piece = fc.constantFrom(...contextOnly.flatMap((d) => [bare(d), ...d.context!.words]), 'note', 'x', ' ', '\n', 'é');
    const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(' '));
    const doc = fc.array(fc.tuple(fc.oneof(text, fc.constantFrom(...contextOnly.flatMap((d) => d.context!.words))), text), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(doc, fc.array(fc.nat(400), { maxLength: 6 }), (entries, points) => {
      const body = Buffer.from(JSON.stringify(Object.fromEntries(entries)));
      const cuts = [...new Set(points.map((p) => p % body.length))].filter((p) => p > 0).sort((a, b) => a - b);
      expect(maskChunks(scanner, body, cuts)).toBe(whole(scanner, body));
    }), { numRuns: 200 });
  }, 60_000);
});
