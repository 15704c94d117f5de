/** @module scan/scanner.case.test — one conformance suite run against both scanner engines (native libhs and JS). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtinDetectors } from '../../rules/detectors/registry.js';
import type { DetectorDefinition, Match, Scanner } from './scanner.js';
import { createScanner } from './select.js';
import { loadNative } from './native.js';

/** libhs is installed (CI: make setup installs it and builds the addon), so the native engine must be tested. */
const libhsPresent = spawnSync('pkg-config', ['--exists', 'libhs']).status === 0;
const nativeLoad = loadNative();
const nativeTestable = nativeLoad.ok || libhsPresent;

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const def = (over: Partial<DetectorDefinition> & Pick<DetectorDefinition, 'id' | 'pattern' | 'maxLength'>): DetectorDefinition => ({
  category: 'secret', description: 'test detector', keywords: [], confidence: 0.8, examples: { match: [], noMatch: [] }, ...over,
});

/** A small hand-written set exercising every post-check. */
const TEST_DETECTORS: DetectorDefinition[] = [
  def({ id: 'gh-token', pattern: 'ghp_[A-Za-z0-9]{36}', keywords: ['ghp_'], maxLength: 40, boundary: { before: 'A-Za-z0-9_', after: 'A-Za-z0-9_' } }),
  def({ id: 'aws-key', pattern: 'AKIA[0-9A-Z]{16}', keywords: ['akia'], maxLength: 20, fieldNames: ['aws_access_key_id'] }),
  def({ id: 'password', pattern: 'password\\s{0,3}[:=]\\s{0,3}"?([^\\s"]{6,40})', caseless: true, keywords: ['password'], maxLength: 60, secretGroup: 1, entropy: 2.5 }),
  def({ id: 'card', category: 'pii', pattern: '[0-9]{4}(?:[ -]?[0-9]{4}){3}', maxLength: 19, validator: 'luhn', boundary: { before: '0-9', after: '0-9' }, context: { words: ['card', 'visa'], window: 24, boost: 0.3 }, confidence: 0.5, minConfidence: 0.7 }),
  def({ id: 'named', pattern: 'sk_live_(?<secret>[a-z0-9]{12})', keywords: ['sk_live_'], maxLength: 20, secretGroup: 'secret', fieldNames: ['*_secret', 'api-key'] }),
  // No keyword and no boundary: every suffix of a match is a match too, so a rescan would duplicate it.
  def({ id: 'hex', pattern: '[0-9a-f]{16,24}', maxLength: 24 }),
  // Its end offsets come with gaps (after each group): a cut inside must not confirm a prefix early.
  def({ id: 'grouped', pattern: 'tok_[0-9]{4}(?:-[0-9]{4}){0,3}', keywords: ['tok_'], maxLength: 23 }),
];
const HEX = 'deadbeef'.repeat(4);

const GH = `ghp_${'a1B2'.repeat(9)}`;
const CARD = '4111 1111 1111 1111';

function found(scanner: Scanner, text: string | Uint8Array): { id: string; text: string; start: number; end: number }[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
  return scanner.scan(bytes).map((m) => ({ id: m.detector, text: bytes.subarray(m.start, m.end).toString(), start: m.start, end: m.end }));
}

/** Stream `bytes` in chunks of next() bytes; matches sorted like a block scan (each write reports what it confirmed). */
function streamed(scanner: Scanner, bytes: Uint8Array, next: () => number): Match[] {
  const stream = scanner.openStream();
  const out: Match[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = Math.max(1, next());
    out.push(...stream.write(bytes.subarray(at, at + size)));
    at += size;
  }
  out.push(...stream.end());
  return out.sort((a, b) => a.start - b.start || a.end - b.end || a.rule - b.rule);
}

/** Realistic text with planted secrets: chat JSON lines, unicode, escapes, and each builtin example. */
function payload(seed: number, detectors: readonly DetectorDefinition[], lines: number): Buffer {
  const random = rng(seed);
  const words = ['the', 'deploy', 'failed', 'héllo', '日本語', 'token', 'key', 'password', 'card', '🙂', 'config', 'value', '\\n', '\\"', '\\u00e9'];
  const samples = detectors.flatMap((d) => d.examples.match);
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    const filler = Array.from({ length: 4 + Math.floor(random() * 20) }, () => words[Math.floor(random() * words.length)]).join(' ');
    const secret = samples.length > 0 && random() < 0.6 ? samples[Math.floor(random() * samples.length)] : '';
    parts.push(`{"role":"user","content":"${filler} ${secret} ${filler.slice(0, 20)}"}\n`);
  }
  return Buffer.from(parts.join(''));
}

const strip = (ms: Match[]) => ms.map((m) => `${m.detector}@${m.start}-${m.end}:${m.confidence.toFixed(3)}${m.segment === undefined ? '' : `#${m.segment}`}`);

describe('native addon availability', () => {
  // Fail, never skip, when libhs is installed but the addon does not load: `make setup` must have built it.
  it.skipIf(!libhsPresent)('loads when libhs is installed (built by make native)', () => {
    expect(nativeLoad.ok ? 'loaded' : nativeLoad.reason).toBe('loaded');
  });
});

const ENGINES = [
  // The native engine is tested wherever libhs exists; without libhs (and no addon) only the JS fallback can run.
  { engine: 'native' as const, skip: !nativeTestable },
  { engine: 'js' as const, skip: false },
];

describe.each(ENGINES)('scanner conformance: $engine', ({ engine, skip }) => {
  const make = (detectors: readonly DetectorDefinition[] = TEST_DETECTORS) => createScanner({ engine, detectors });

  it.skipIf(skip)('finds exact spans: boundaries, secret groups (numbered and named), entropy', () => {
    const scanner = make();
    expect(scanner.engine).toBe(engine);
    const text = `a ${GH} b x${GH} PassWord = "Zq8#kLm2vX" password: aaaaaaaa sk_live_abc123def456`;
    expect(found(scanner, text)).toEqual([
      { id: 'gh-token', text: GH, start: 2, end: 42 },
      { id: 'password', text: 'Zq8#kLm2vX', start: 99, end: 109 },
      { id: 'named', text: 'abc123def456', start: 138, end: 150 },
    ]);
  });

  it.skipIf(skip)('validators and context words: Luhn-valid card near "card" kept, without context dropped', () => {
    const scanner = make();
    expect(found(scanner, `my visa card ${CARD}`).map((m) => m.text)).toEqual([CARD]);
    expect(found(scanner, `order ${CARD}`)).toEqual([]); // confidence 0.5 < minConfidence 0.7
    expect(found(scanner, 'my card 4111 1111 1111 1112')).toEqual([]); // Luhn fails
    const [match] = scanner.scan(Buffer.from(`card ${CARD}`));
    expect(match?.confidence).toBeCloseTo(0.8);
  });

  it.skipIf(skip)('reports UTF-8 byte offsets through multibyte text and JSON escapes', () => {
    const scanner = make();
    const prefix = '{"text":"日本語 🙂 \\u00e9\\n\\"quoted\\" héllo ';
    const bytes = Buffer.from(`${prefix}${GH}"}`);
    const [match] = scanner.scan(bytes);
    expect(match).toMatchObject({ detector: 'gh-token', start: Buffer.byteLength(prefix), end: Buffer.byteLength(prefix) + GH.length });
    expect(bytes.subarray(match!.start, match!.end).toString()).toBe(GH);
    expect(scanner.scan(new Uint8Array(0))).toEqual([]);
  });

  it.skipIf(skip)('scanSegments: matches stay inside their segment and carry its index', () => {
    const scanner = make();
    const json = Buffer.from(`{"a":"AKIAIOSFODNN7EXAMPLE","b":"x-${GH}","c":"AKIAIOSF","d":"ODNN7EXAMPLE12345"}`);
    const bounds: number[] = [];
    for (let i = json.indexOf('":"'); i >= 0; i = json.indexOf('":"', i + 1)) bounds.push(i + 3, json.indexOf('"', i + 3));
    const matches = scanner.scanSegments(json, Uint32Array.from(bounds), bounds.length / 2);
    expect(matches.map((m) => [m.detector, json.subarray(m.start, m.end).toString(), m.segment])).toEqual([
      ['aws-key', 'AKIAIOSFODNN7EXAMPLE', 0],
      ['gh-token', GH, 1],
    ]);
    // The same as scanning each segment alone (these detectors have no context words outside a segment).
    const alone = bounds.flatMap((_, i) => (i % 2 ? [] : scanner.scan(json.subarray(bounds[i]!, bounds[i + 1]!)).map((m) => m.detector)));
    expect(matches.map((m) => m.detector)).toEqual(alone);
    expect(() => scanner.scanSegments(json, Uint32Array.from([0, json.length + 1]), 1)).toThrow(/out of range/);
  });

  it.skipIf(skip)('stream mode: every chunking gives the block result (no duplicate or lost match at chunk edges)', () => {
    const scanner = make();
    const bytes = payload(7, [{ ...TEST_DETECTORS[0]!, examples: { match: [GH, `password="Zq8#kLm2vX"`, `visa ${CARD}`, 'AKIAIOSFODNN7EXAMPLE', 'sk_live_abc123def456', HEX], noMatch: [] } }], 60);
    const block = strip(scanner.scan(bytes));
    expect(block.length).toBeGreaterThan(20);
    for (const seed of [1, 2, 3]) {
      const random = rng(seed);
      expect(strip(streamed(scanner, bytes, () => Math.floor(random() * 300)))).toEqual(block);
    }
    const small = bytes.subarray(0, 1500);
    expect(strip(streamed(scanner, small, () => 1))).toEqual(strip(scanner.scan(small)));
    expect(strip(streamed(scanner, bytes, () => bytes.length))).toEqual(block);
  });

  it.skipIf(skip)('stream mode: a token cut anywhere is reported once, with absolute offsets', () => {
    const scanner = make();
    for (const token of [GH, 'tok_1234-5678-9012-3456']) {
      const bytes = Buffer.from(`xx ${token} yy`);
      for (let cut = 1; cut < bytes.length; cut++) {
        const stream = scanner.openStream();
        const got = [...stream.write(bytes.subarray(0, cut)), ...stream.write(bytes.subarray(cut)), ...stream.end()];
        expect(got.map((m) => [m.start, m.end]), `${token} cut at ${cut}`).toEqual([[3, 3 + token.length]]);
      }
    }
    const stream = scanner.openStream();
    stream.end();
    expect(stream.end()).toEqual([]);
    expect(() => stream.write(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_SCAN' }));
  });

  it.skipIf(skip)('detectorsForField: exact names and globs, case-insensitive', () => {
    const scanner = make();
    expect(scanner.detectorsForField('aws_access_key_id')).toEqual([1]);
    expect(scanner.detectorsForField('Client_Secret')).toEqual([4]);
    expect(scanner.detectorsForField('api-key')).toEqual([4]);
    expect(scanner.detectorsForField('name')).toEqual([]);
  });

  it.skipIf(skip)('rejects patterns that are not linear-time safe or not portable, naming the detector', () => {
    for (const pattern of ['ghp_(?=x)[a-z]{4}', '(a)\\1', '^token[0-9]{4}', '(?i)abc[0-9]{2}']) {
      expect(() => make([def({ id: 'bad', pattern, maxLength: 20 })])).toThrow(
        expect.objectContaining({ code: 'SLUICE_ERR_DETECTOR_COMPILE', details: expect.objectContaining({ detector: 'bad' }) }),
      );
    }
  });

  describe('builtin detectors', () => {
    let detectors: DetectorDefinition[] = [];
    try {
      detectors = builtinDetectors();
    } catch {
      // reported by the test below
    }

    it.skipIf(skip)('load, and all compile in this engine, block and stream mode (an error names the detector)', () => {
      expect(builtinDetectors().length).toBeGreaterThan(0);
      const scanner = make(detectors);
      expect(scanner.detectors.map((d) => d.id)).toEqual(detectors.map((d) => d.id));
      expect(scanner.openStream().end()).toEqual([]);
    }, 120_000); // a cold libhs compile of the full set (block + stream) takes seconds on a loaded machine; later tests hit the cache

    it.skipIf(skip)('each passes its examples: match ⇒ found (containing a keyword), noMatch ⇒ not found', () => {
      const scanner = make(detectors);
      const failures: string[] = [];
      for (const [rule, d] of detectors.entries()) {
        for (const example of d.examples.match) {
          const hits = scanner.scan(Buffer.from(example)).filter((m) => m.rule === rule);
          if (hits.length === 0) failures.push(`${d.id} missed ${JSON.stringify(example)}`);
        }
        for (const example of d.examples.noMatch) {
          if (scanner.scan(Buffer.from(example)).some((m) => m.rule === rule)) failures.push(`${d.id} matched ${JSON.stringify(example)}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it.skipIf(skip)('stream with random chunkings equals block over a payload planted with every example', () => {
      const scanner = make(detectors);
      const bytes = payload(11, detectors, 150);
      const block = strip(scanner.scan(bytes));
      expect(block.length).toBeGreaterThan(40);
      for (const seed of [5, 6]) {
        const random = rng(seed);
        expect(strip(streamed(scanner, bytes, () => 1 + Math.floor(random() * 700)))).toEqual(block);
      }
    });
  });
});

describe.skipIf(!nativeTestable)('native and JS engines agree', () => {
  it('on every builtin example, match and noMatch (so every match holds one of its keywords)', () => {
    const detectors = builtinDetectors();
    const native = createScanner({ engine: 'native', detectors });
    const js = createScanner({ engine: 'js', detectors });
    const differ = detectors
      .flatMap((d) => [...d.examples.match, ...d.examples.noMatch])
      .filter((example) => strip(native.scan(Buffer.from(example))).join() !== strip(js.scan(Buffer.from(example))).join());
    expect(differ).toEqual([]);
  });

  it('same matches on realistic payloads (block and segments) with the builtin set', () => {
    const detectors = builtinDetectors();
    const native = createScanner({ engine: 'native', detectors });
    const js = createScanner({ engine: 'js', detectors });
    for (const seed of [21, 22]) {
      const bytes = payload(seed, detectors, 200);
      expect(strip(native.scan(bytes))).toEqual(strip(js.scan(bytes)));
      const bounds: number[] = [];
      for (let i = bytes.indexOf('"content":"'); i >= 0; i = bytes.indexOf('"content":"', i + 1)) bounds.push(i + 11, bytes.indexOf('"}', i + 11));
      const b = Uint32Array.from(bounds);
      expect(strip(native.scanSegments(bytes, b, b.length / 2))).toEqual(strip(js.scanSegments(bytes, b, b.length / 2)));
    }
  });

  it('same segment matches when adjacent segments cut through secrets (native covers them with one scan)', () => {
    const detectors = builtinDetectors();
    const native = createScanner({ engine: 'native', detectors });
    const js = createScanner({ engine: 'js', detectors });
    const bytes = payload(23, detectors, 120);
    for (const seed of [1, 2, 3]) {
      const random = rng(seed);
      const bounds: number[] = [];
      for (let at = 0; at < bytes.length; ) {
        const next = Math.min(bytes.length, at + 1 + Math.floor(random() * 120));
        bounds.push(at, next);
        at = next + (random() < 0.3 ? 3 : 0); // some segments adjacent, some with a small gap
      }
      const b = Uint32Array.from(bounds);
      const got = native.scanSegments(bytes, b, b.length / 2);
      expect(got.every((m) => m.start >= b[2 * m.segment!]! && m.end <= b[2 * m.segment! + 1]!)).toBe(true);
      expect(got.length).toBeGreaterThan(10);
      expect(strip(got)).toEqual(strip(js.scanSegments(bytes, b, b.length / 2)));
    }
  });
});
