/** @module stream/property.test — fast-check: any chunking gives the same output; planted secrets masked, shape kept. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { JsonTokenizer, type JsonVisitor } from './tokenizer.js';
import { createJsonMasker } from './masker.js';
import { inspectJson } from './inspect.js';
import { applyMasks } from './rewriter.js';
import { testScanner } from './scanner.test-helpers.js';

/** Tokenize with arbitrary chunk boundaries; return the event log. */
function events(body: Buffer, cuts: number[]): string[] {
  const log: string[] = [];
  let tok!: JsonTokenizer;
  const v: JsonVisitor = {
    string: (s, e, k) => log.push(`s${k ? 'k' : 'v'}${s}-${e}${tok.pointer()}`),
    primitive: (s, e) => log.push(`p${s}-${e}${tok.pointer()}`),
    open: (o) => log.push(`o${o}${tok.pointer()}`),
    close: (o) => log.push(`c${o}${tok.pointer()}`),
  };
  tok = new JsonTokenizer(v);
  let at = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < body.length)].sort((a, b) => a - b)) {
    tok.write(body.subarray(at, c));
    at = c;
  }
  tok.write(body.subarray(at));
  tok.end();
  return log;
}

const SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'ghp_' + 'x'.repeat(36), 'ana.bo@example.com'];

describe('property: any chunking gives the same tokens and the same masked output', () => {
  it('random documents × random chunkings ⇒ identical events and byte-identical pass-through', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat(400), { maxLength: 8 }), fc.boolean(), (value, cuts, pretty) => {
        const body = Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined) ?? 'null');
        expect(events(body, cuts)).toEqual(events(body, []));
        const m = createJsonMasker({ scanner: testScanner() });
        const out: Uint8Array[] = [];
        let at = 0;
        for (const c of [...cuts.filter((c) => c > 0 && c < body.length)].sort((a, b) => a - b)) out.push(m.write(body.subarray(at, c))), (at = c);
        out.push(m.write(body.subarray(at)), m.end());
        expect(Buffer.concat(out).equals(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('secrets planted at random depths, with random escaping ⇒ masked, valid JSON, same shape', () => {
    const leaf = fc.tuple(fc.constantFrom(...SECRETS), fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([s, a, b]) => `${a} ${s} ${b}`);
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.integer(), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(doc, fc.boolean(), fc.array(fc.nat(600), { maxLength: 6 }), (value, escapeAll, cuts) => {
        let text = JSON.stringify(value);
        // Escape every letter A/K/g/x as \uXXXX: detection must see through escapes.
        if (escapeAll) text = text.replace(/[AKgx@]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        const body = Buffer.from(text);
        const masked = Buffer.from(applyMasks(body, inspectJson(body, { scanner: testScanner() }).spans)).toString();
        const parsed = JSON.parse(masked);
        const expected = JSON.parse(JSON.stringify(value), (_k, v) =>
          typeof v === 'string' ? SECRETS.reduce((acc, s, i) => acc.split(s).join(`[REDACTED:${['aws-access-key-id', 'github-token', 'email'][i]}]`), v) : v,
        );
        expect(parsed).toEqual(expected);
        const m = createJsonMasker({ scanner: testScanner() });
        const parts: Uint8Array[] = [];
        let at = 0;
        for (const c of [...cuts.filter((c) => c > 0 && c < body.length)].sort((a, b) => a - b)) parts.push(m.write(body.subarray(at, c))), (at = c);
        parts.push(m.write(body.subarray(at)), m.end());
        expect(Buffer.concat(parts).toString()).toBe(masked);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
