/** @module stream/path-record.test — recorded pointers equal the tokenizer's own pointer at every string value. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { JsonTokenizer, type JsonVisitor } from './tokenizer.js';
import { PathRecorder, indexToken } from './path-record.js';
import { KeyTokens, slashIndexToken } from './path-tokens.js';
import { createJsonMasker } from './masker.js';
import { inspectJson } from './inspect.js';
import { testScanner } from './scanner.test-helpers.js';

function both(text: string, paths = new PathRecorder()): { recorded: string[]; expected: string[] } {
  const body = Buffer.from(text);
  paths.reset(body);
  const expected: string[] = [];
  let ordinal = 0;
  const visitor: JsonVisitor & { tok?: JsonTokenizer } = {
    string(start, end, isKey, escaped) {
      if (isKey) return paths.key(tok.currentDepth, start, end, escaped);
      paths.value(tok, ordinal++);
      expected.push(tok.pointer());
    },
    primitive() {},
    open() {
      paths.open(tok);
    },
    close() {},
  };
  const tok = new JsonTokenizer(visitor);
  tok.write(body);
  tok.end();
  return { recorded: expected.map((_, i) => paths.pointerOf(i)), expected };
}

describe('PathRecorder', () => {
  it('matches tokenizer.pointer() on escaped, nested and odd keys', () => {
    const doc = '{"a":{"b~/c":["x",{"d\\u0065":"y","":["z",[["w"]]]}]},"m\\/n":"v","arr":[1,"s",{"k":"t"}]}';
    const { recorded, expected } = both(doc);
    expect(expected).toEqual(['/a/b~0~1c/0', '/a/b~0~1c/1/de', '/a/b~0~1c/1//0', '/a/b~0~1c/1//1/0/0', '/m~1n', '/arr/1', '/arr/2/k']);
    expect(recorded).toEqual(expected);
  });

  it('gives the empty pointer for a top-level string', () => {
    expect(both('"top"').recorded).toEqual(['']);
  });

  it('matches on random documents', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        const { recorded, expected } = both(text);
        expect(recorded).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the streaming masker the same pointers as inspectJson at every chunk size', () => {
    const aws = 'AKIAIOSFODNN7EXAMPLE';
    const body = Buffer.from(
      `{"a\\u0062c":[{"k~/y":"${aws}"},[["x ${aws}"]]],"long key name here":{"n":[1,"${aws}",{"de\\"ep":"${aws} ${aws}"}]},"t":"${aws}"}`,
    );
    const scanner = testScanner();
    const expected = inspectJson(body, { scanner }).findings;
    expect(expected.map((f) => f.path)).toEqual(['/abc/0/k~0~1y', '/abc/1/0/0', '/long key name here/n/1', '/long key name here/n/2/de"ep', '/t']);
    for (let size = 1; size <= body.length; size++) {
      const m = createJsonMasker({ scanner });
      for (let at = 0; at < body.length; at += size) m.write(body.subarray(at, at + size));
      m.end();
      expect(m.findings(), `chunk size ${size}`).toEqual(expected);
    }
  });

  it('matches when one recorder (with its remembered pointers and key tokens) serves many bodies', () => {
    const paths = new PathRecorder();
    fc.assert(
      fc.property(fc.json({ maxDepth: 5 }), (text) => {
        const { recorded, expected } = both(text, paths);
        expect(recorded).toEqual(expected);
      }),
      { numRuns: 200 },
    );
    // Same key bytes, different meaning per body; long arrays (indexes past the prebuilt tokens).
    expect(both('{"k":{"a":"1"},"k2":["2"]}', paths).recorded).toEqual(['/k/a', '/k2/0']);
    const long = JSON.stringify(Array.from({ length: 2100 }, (_, i) => (i % 700 === 0 ? { 'x/y': `v${i}` } : `s${i}`)));
    const { recorded, expected } = both(long, paths);
    expect(recorded).toEqual(expected);
    expect(recorded.at(-1)).toBe('/2099');
  });

  it('indexToken equals String(n) (differential: built without the number-string cache)', () => {
    for (const n of [0, 9, 10, 1023, 1024, 9999, 10000, 99999, 100000, 123456789, 2 ** 31 - 1]) expect(indexToken(n)).toBe(String(n));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n) => indexToken(n) === String(n)), { numRuns: 2000 });
  });

  it('slashIndexToken equals "/" + String(n)', () => {
    for (const n of [0, 9, 1023, 1024, 9999, 10000, 123456789, 2 ** 31 - 1]) expect(slashIndexToken(n)).toBe(`/${n}`);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n) => slashIndexToken(n) === `/${n}`), { numRuns: 2000 });
  });

  it('KeyTokens: keys sharing a recent-cache slot (same length and end bytes), escaped twins, long keys, past the bound', () => {
    const keys = new KeyTokens();
    const names = ['axxb', 'ayyb', 'a/~b', 'a\\u0078xb', '', 'k'.repeat(300), ...Array.from({ length: 5000 }, (_, i) => `key${i}`)];
    for (let round = 0; round < 3; round++) {
      for (const name of names) {
        const raw = Buffer.from(`"${name}"`);
        const text = JSON.parse(raw.toString()) as string;
        const token = text.replace(/~/g, '~0').replace(/\//g, '~1');
        const got = keys.token(raw, 1, raw.length - 1, name.includes('\\'));
        expect([got.token, got.slashed]).toEqual([token, `/${token}`]);
      }
    }
  });

  it('recorded pointers equal the tokenizer pointer on many records with repeated and colliding keys', () => {
    const records = Array.from({ length: 1500 }, (_, i) => ({ axxb: `v${i}`, ayyb: [`w${i}`], 'a~/b': { axxb: 'x' }, [`k${i % 7}`]: 'y' }));
    const { recorded, expected } = both(JSON.stringify(records));
    expect(recorded).toEqual(expected);
  });
});

