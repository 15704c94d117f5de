/** @module stream/tokenizer.test — the tokenizer on JSONTestSuite at chunk sizes 1..64, limits and coded errors. */
import { describe, it, expect, onTestFinished } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JsonTokenizer, NOOP_VISITOR, type JsonVisitor } from './tokenizer.js';
import { isSluiceError } from '../errors.js';
import fc from 'fast-check';
import { nativeStrings } from './native-strings.js';

const SUITE = fileURLToPath(new URL('../../../shared/suites/JSONTestSuite/test_parsing/', import.meta.url));
const files = readdirSync(SUITE).filter((f) => f.endsWith('.json')).sort();

/** Tokenize `body` in chunks of `size` (0 = whole); returns the event log or the thrown error. */
function run(body: Uint8Array, size: number, light = false, native = false): string[] | Error {
  const log: string[] = [];
  let tok!: JsonTokenizer;
  const visitor: JsonVisitor = light ? NOOP_VISITOR : {
    string: (s: number, e: number, k: boolean, esc: boolean) => log.push(`s${k ? 'k' : 'v'}${esc ? 'e' : ''} ${s}-${e} ${tok.pointer()}`),
    primitive: (s: number, e: number, kind: number) => log.push(`p${kind} ${s}-${e} ${tok.pointer()}`),
    open: (o: number, a: boolean) => log.push(`o${a ? '[' : '{'} ${o} ${tok.pointer()}`),
    close: (o: number, a: boolean) => log.push(`c${a ? ']' : '}'} ${o} ${tok.pointer()}`),
  };
  tok = new JsonTokenizer(visitor);
  tok.useNative(native);
  try {
    if (size === 0) tok.write(body);
    else for (let i = 0; i < body.length; i += size) tok.write(body.subarray(i, i + size));
    tok.end();
    return log;
  } catch (err) {
    return err as Error;
  }
}

describe('JSONTestSuite (test_parsing) at chunk sizes 1..64 and whole', () => {
  const sizes = [0, ...Array.from({ length: 64 }, (_, i) => i + 1)];
  it('has the suite', () => expect(files.length).toBeGreaterThan(300));
  for (const prefix of ['y_', 'n_', 'i_']) {
    it(`${prefix} files: ${prefix === 'y_' ? 'accepted, same tokens for every chunking' : prefix === 'n_' ? 'rejected with SLUICE_ERR_JSON_SYNTAX at every chunking' : 'no crash, same outcome for every chunking'}`, () => {
      for (const f of files.filter((x) => x.startsWith(prefix))) {
        const body = readFileSync(SUITE + f);
        const whole = run(body, 0, prefix === 'n_');
        if (prefix === 'y_') expect(whole, f).toBeInstanceOf(Array);
        if (prefix === 'n_') {
          expect(whole, f).toBeInstanceOf(Error);
          expect(isSluiceError(whole, 'SLUICE_ERR_JSON_SYNTAX') || isSluiceError(whole, 'SLUICE_ERR_JSON_DEPTH'), `${f}: ${String(whole)}`).toBe(true);
        }
        for (const size of sizes.slice(1)) {
          const got = run(body, size, prefix === 'n_');
          if (whole instanceof Error) {
            expect(got, `${f} @${size}`).toBeInstanceOf(Error);
            expect((got as any).code, `${f} @${size}`).toBe((whole as any).code);
            expect((got as any).details?.offset, `${f} @${size}`).toBe((whole as any).details?.offset);
          } else expect(got, `${f} @${size}`).toEqual(whole);
        }
      }
    }, 120_000); // a harness timeout for a loaded machine, not a performance threshold
  }
});

describe('tokenizer events and pointers', () => {
  it('reports strings, primitives and containers with pointers', () => {
    const log = run(Buffer.from('{"a":[1,"x",{"b/c~":true}],"e\\u0041":null}'), 0) as string[];
    expect(log).toEqual([
      'o{ 0 ',
      'sk 2-3 /a',
      'o[ 5 /a',
      'p0 6-7 /a/0',
      'sv 9-10 /a/1',
      'o{ 12 /a/2',
      'sk 14-18 /a/2/b~1c~0',
      'p1 20-24 /a/2/b~1c~0',
      'c} 24 /a/2',
      'c] 25 /a',
      'ske 28-35 /eA',
      'p3 37-41 /eA',
      'c} 41 ',
    ]);
  });

  it('accepts scalars at top level and surrounding whitespace', () => {
    for (const doc of ['0', ' -1.5e+3 ', '"x"', 'true', '\n null\t', '[]', '{}']) expect(run(Buffer.from(doc), 1), doc).toBeInstanceOf(Array);
  });

  it('rejects with the byte offset of the offending byte', () => {
    const err = run(Buffer.from('{"a": tru }'), 3) as any;
    expect(err.code).toBe('SLUICE_ERR_JSON_SYNTAX');
    expect(err.details.offset).toBe(9);
    const eof = run(Buffer.from('[1, 2'), 2) as any;
    expect(eof.details.offset).toBe(5);
  });

  it('rejects a raw control byte inside a long string (fast path)', () => {
    const body = Buffer.from(`["${'a'.repeat(100)}\t${'b'.repeat(100)}"]`);
    for (const size of [0, 7, 64]) expect((run(body, size) as any).details?.offset, String(size)).toBe(102);
  });

  it('enforces depth, token size and total size limits', () => {
    const deep = Buffer.from('['.repeat(513) + ']'.repeat(513));
    const t = new JsonTokenizer(NOOP_VISITOR);
    expect(() => t.write(deep)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_DEPTH' }));
    expect(() => t.write(Buffer.from('1'))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_DEPTH' }));
    const ok = new JsonTokenizer(NOOP_VISITOR);
    ok.write(Buffer.from('['.repeat(512) + ']'.repeat(512)));
    ok.end();
    const small = new JsonTokenizer(NOOP_VISITOR, { maxTokenBytes: 10 });
    small.write(Buffer.from('["0123456789'));
    expect(() => small.write(Buffer.from('a"]'))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_TOKEN_SIZE' }));
    const total = new JsonTokenizer(NOOP_VISITOR, { maxBytes: 8 });
    total.write(Buffer.from('[1,2,'));
    expect(() => total.write(Buffer.from('3,4]'))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_BODY_TOO_LARGE' }));
  });

  it('steps over escapes at every alignment inside long strings (fast path)', () => {
    for (let k = 30; k < 80; k++) {
      for (const esc of ['\\\\', '\\"', '\\n', '\\u0041']) {
        const text = `["${'a'.repeat(k)}${esc}", "${'b'.repeat(k)}${esc}${'c'.repeat(k % 7)}${esc}"]`;
        const body = Buffer.from(text);
        const expected = JSON.parse(text) as string[];
        for (const size of [0, 5, 64]) {
          const log = run(body, size) as string[];
          expect(log, `${k} ${esc} @${size}`).toBeInstanceOf(Array);
          const strings = log.filter((l) => l.startsWith('sv')).map((l) => l.split(' ')[1]!.split('-').map(Number));
          expect(strings.map(([s, e]) => JSON.parse(`"${body.toString('utf8', s, e)}"`)), `${k} ${esc}`).toEqual(expected);
        }
      }
    }
  });

  // the addon's string loop needs the binding (make native; libhs present)
  it.skipIf(nativeStrings().stringStop === null)('gives the same tokens and errors with the native string loop (long strings, any chunking)', () => {
    const piece = fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '😀', '{', ':', ','), minLength: 1, maxLength: 60 }) },
      { weight: 1, arbitrary: fc.constantFrom('\\n', '\\"', '\\\\', '\\/', '\\t', '\\u0041', '\\ud83d\\ude00', '\\uD800') },
    );
    // invalid escapes, a raw control byte, a quote, a lone backslash: at most one per document, anywhere
    const bad = fc.option(fc.tuple(fc.constantFrom('\\x', '\\u12G4', '\t', '\u0001', '"', '\\'), fc.nat()), { freq: 3 });
    const doc = fc.tuple(fc.array(fc.array(piece, { minLength: 40, maxLength: 400 }), { minLength: 1, maxLength: 3 }), bad).map(([values, flaw]) => {
      const texts = values.map((parts) => parts.join(''));
      if (flaw) {
        const [text, at] = flaw;
        const k = at % texts.length;
        const cut = at % (texts[k]!.length + 1);
        texts[k] = texts[k]!.slice(0, cut) + text + texts[k]!.slice(cut);
      }
      return `{"k":[${texts.map((v) => `"${v}"`).join(',')}],"z":"${'y'.repeat(1100)}"}`;
    });
    const helpers = nativeStrings();
    const stringStop = helpers.stringStop!;
    let calls = 0;
    helpers.stringStop = (bytes, from, to) => (calls++, stringStop(bytes, from, to));
    onTestFinished(() => {
      helpers.stringStop = stringStop;
    });
    fc.assert(fc.property(doc, fc.constantFrom(0, 1, 7, 64, 999, 4096), (text, size) => {
      const body = Buffer.from(text);
      const js = run(body, size);
      const native = run(body, size, false, true);
      if (js instanceof Error) expect([(native as any).code, (native as any).details?.offset, (native as Error).message]).toEqual([(js as any).code, (js as any).details?.offset, js.message]);
      else expect(native).toEqual(js);
    }), { numRuns: 300 });
    expect(calls).toBeGreaterThan(300);
    // a string whose only escapes the native loop steps over is still reported escaped
    for (const esc of ['\\n', '\\"', '\\\\']) {
      const body = Buffer.from(`["${'a'.repeat(1500)}${esc}${'b'.repeat(600)}", "${'c'.repeat(300)}${esc}${'d'.repeat(900)}"]`);
      const before = calls;
      expect(run(body, 0, false, true)).toEqual(run(body, 0));
      expect((run(body, 0, false, true) as string[]).filter((l) => l.startsWith('sve'))).toHaveLength(2);
      expect(calls).toBeGreaterThan(before);
    }
  });

  it('key readers agree at every chunking, keys cut anywhere (keys read in place, stacked in the arena at chunk ends)', () => {
    const long = 'gamma-a-key-name-longer-than-thirty-two-bytes';
    const body = Buffer.from(`{"alpha":{"b\\u0065ta":["x",{"${long}":"y","d":[{"q":"v"}]}],"e":"z"},"f":{"":"w"},"g~/":"u"}`);
    const read = (size: number): string[] => {
      const log: string[] = [];
      let tok!: JsonTokenizer;
      const visitor: JsonVisitor = {
        string(_s, _e, isKey) {
          if (isKey) return;
          const raw = tok.keyRaw();
          log.push([tok.key(), raw, Buffer.from(tok.keyBytes()).toString('latin1'), tok.keyHash(), tok.keyEquals(Buffer.from(raw, 'latin1')), tok.keyHasEscapes(), tok.pointer(), tok.pathSegments().join(',')].join('|'));
        },
        primitive() {},
        open() {},
        close() {},
      };
      tok = new JsonTokenizer(visitor);
      for (let i = 0; i < body.length; i += size) tok.write(body.subarray(i, i + size));
      tok.end();
      return log;
    };
    const whole = read(body.length);
    expect(whole.map((l) => l.split('|')[6])).toEqual(['/alpha/beta/0', `/alpha/beta/1/${long}`, `/alpha/beta/1/d/0/q`, '/alpha/e', '/f/', '/g~0~1']);
    expect(whole[0]!.split('|').slice(0, 3)).toEqual(['', '', '']); // in an array: no key
    expect(whole[1]!.split('|').slice(0, 3)).toEqual([long, long, long]);
    for (let size = 1; size < body.length; size++) expect(read(size), `size ${size}`).toEqual(whole);
  });

  it('finds every quote, backslash and control byte at every position and alignment of short strings (4-byte reads)', () => {
    // Every byte below 0x24 (controls, quote), the backslash and its neighbours, and a spread of the rest (UTF-8 included).
    const bytes = [...Array.from({ length: 0x24 }, (_, v) => v), 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 0x41, 0x61];
    const wrong: string[] = [];
    for (let pad = 0; pad < 4; pad++) {
      for (let len = 1; len <= 20; len++) {
        for (let at = 0; at < len; at++) {
          for (const v of bytes) {
            const body = Buffer.from(`${' '.repeat(pad)}["${'a'.repeat(len)}"]`, 'latin1');
            body[pad + 2 + at] = v;
            const out = run(body, 0, v < 0x20 || v === 0x22 || v === 0x5c);
            const ok = v < 0x20 || v === 0x22 || v === 0x5c
              ? out instanceof Error
              : JSON.stringify(out) === JSON.stringify([`o[ ${pad} `, `sv ${pad + 2}-${pad + 2 + len} /0`, `c] ${pad + 3 + len} `]);
            if (!ok) wrong.push(`pad ${pad} len ${len} at ${at} byte ${v}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('validates limits at construction', () => {
    expect(() => new JsonTokenizer(NOOP_VISITOR, { maxDepth: 0 })).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INVALID_OPTIONS' }));
  });

  it('exposes the open string value start for streaming holders', () => {
    const t = new JsonTokenizer(NOOP_VISITOR);
    t.write(Buffer.from('{"key":"val'));
    expect(t.openValueStringStart).toBe(7);
    t.write(Buffer.from('ue"'));
    expect(t.openValueStringStart).toBe(-1);
    t.write(Buffer.from(',"k2'));
    expect(t.openValueStringStart).toBe(-1);
  });

  it('hands its stacks to the next tokenizer after end, and reads as empty afterwards', () => {
    const pointers = (text: string, after?: (t: JsonTokenizer) => void): string[] => {
      const out: string[] = [];
      const t: JsonTokenizer = new JsonTokenizer({ string: (_s, _e, isKey) => { if (!isKey) out.push(t.pointer()); }, primitive() {}, open() {}, close() {} });
      t.write(Buffer.from(text));
      t.end();
      after?.(t);
      return out;
    };
    const ended: JsonTokenizer[] = [];
    expect(pointers('{"aaaa":{"bbbb":["x"]}}', (t) => ended.push(t))).toEqual(['/aaaa/bbbb/0']);
    expect(pointers('{"c":{"d":"y"},"e":"z"}')).toEqual(['/c/d', '/e']);
    expect([ended[0]!.key(), ended[0]!.pointer(), ended[0]!.keyBytes().length]).toEqual(['', '', 0]);
    expect(() => ended[0]!.write(Buffer.from('1'))).toThrow();
  });
});

