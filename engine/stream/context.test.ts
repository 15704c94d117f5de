/** @module stream/context.test — masking is independent of chunking (context words, escapes, SSE deltas), with the built-in detectors. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import { createScanner, scannerInfo } from '../scan/select.js';
import type { DetectorDefinition, Scanner } from '../scan/scanner.js';
import { toJsSource } from '../scan/pattern.js';
import { createJsonMasker } from './masker.js';
import { createSseMasker } from './sse-mask.js';
import { SseParser, writeSseEvent } from './sse.js';
import { generateCorpus } from '../../rules/detectors/corpus/generate.js';
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

  it.skipIf(!available)('JSON bodies and SSE text deltas of the generated corpus: any chunking gives the whole-body output', async () => {
    const docs = generateCorpus(builtinDetectors(), { seed: 31, perDetector: 1, negatives: 30 });
    const sizes = fc.sample(fc.integer({ min: 1, max: 300 }), { numRuns: 4 * docs.length, seed: 9 });
    let k = 0;
    for (const doc of docs) {
      const body = Buffer.from(doc.kind === 'json' ? doc.body : JSON.stringify({ text: doc.body, more: [doc.body] }));
      const cuts = (size: number) => Array.from({ length: Math.ceil(body.length / size) - 1 }, (_, i) => (i + 1) * size);
      expect(maskChunks(scanner, body, cuts(sizes[k++]!)), doc.body.slice(0, 80)).toBe(whole(scanner, body));
      if (doc.kind === 'json') continue;
      const deltas: string[] = [];
      for (let at = 0; at < doc.body.length; at += sizes[k]! % 40 + 1) deltas.push(doc.body.slice(at, at + (sizes[k]! % 40) + 1));
      k++;
      expect(await sseText(scanner, deltas, sizes[k++]!), doc.body.slice(0, 80)).toBe(await sseText(scanner, [doc.body], 1 << 20));
    }
  }, 60_000);
});

const event = (name: string, data: unknown) => writeSseEvent({ event: name, data: JSON.stringify(data) });

/** The text an Anthropic stream of these text deltas comes out with, fed to the SSE masker in `size`-byte chunks. */
async function sseText(scanner: Scanner, deltas: readonly string[], size: number): Promise<string> {
  let input = event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (const text of deltas) input += event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  input += event('content_block_stop', { type: 'content_block_stop', index: 0 });
  const m = createSseMasker({ scanner });
  const bytes = Buffer.from(input);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(await m.write(bytes.subarray(at, at + size)));
  out.push(await m.end());
  const parser = new SseParser();
  return [...parser.push(Buffer.concat(out)), ...parser.end()]
    .map((e) => JSON.parse(e.data!) as { type: string; delta?: { text?: string } })
    .filter((d) => d.type === 'content_block_delta')
    .map((d) => d.delta!.text!)
    .join('');
}
