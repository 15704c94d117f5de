/** @module policy/result-value.test — values read from wasm memory equal JSON.parse of OPA's own dump of them. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArtifact } from './load.js';
import { compileFixture, opaAvailable } from './rego-fixture.js';
import { ResultValueReader } from './result-value.js';
import { prepareRuntime, type PolicyRuntime } from './runtime.js';

const POLICY = `package sluice

decision := input.v if not input.kind

decision := {x | some x in input.v} if input.kind == "set"

decision := input.n * 3 if input.kind == "times"

decision := input.n / 7 if input.kind == "divided"

decision := [count(input.v), -count(input.v)] if input.kind == "count"

decision := base64.decode(input.s) if input.kind == "bytes"

decision := {input.n: "number key"} if input.kind == "number-key"

decision := {"__proto__": input.v} if input.kind == "proto"
`;

/** Whole UTF-16 pairs in every string (OPA refuses a lone surrogate in its input) and no `__proto__` key? */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (typeof value !== 'object' || value === null) return true;
  // No `__proto__` key either: the reader leaves those to the dump on purpose (the 'proto' case below tests that).
  return Object.entries(value).every(([key, child]) => key !== '__proto__' && key.isWellFormed() && wellFormed(child));
}

/** An OPA integer number (opa_number_t, repr int) at offset 16 of a fresh buffer. */
function intNumber(value: bigint): Buffer {
  const bytes = Buffer.alloc(64);
  bytes[16] = 3; // OPA_NUMBER
  bytes[17] = 1; // OPA_NUMBER_REPR_INT
  bytes.writeBigInt64LE(value, 24);
  return bytes;
}

describe('ResultValueReader on hand-made memory', () => {
  it('reads integer numbers up to 2^53 and leaves larger ones to the dump', () => {
    const reader = new ResultValueReader();
    for (const value of [0n, 5n, -3n, 2n ** 32n + 7n, -(2n ** 40n), 2n ** 53n, -(2n ** 53n)]) {
      expect(reader.read(intNumber(value), 16)).toBe(Number(value));
    }
    expect(reader.read(intNumber(2n ** 53n + 1n), 16)).toBeUndefined();
    expect(reader.read(intNumber(-(2n ** 60n)), 16)).toBeUndefined();
  });


  it('never throws and never runs away, whatever the bytes', () => {
    const reader = new ResultValueReader();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 512 }), fc.nat(600), (bytes, address) => {
        reader.read(Buffer.from(bytes), address); // a value or undefined; the budget bounds the work
      }),
      { numRuns: 2000 },
    );
  });
});

describe.skipIf(!opaAvailable)('ResultValueReader vs opa_json_dump (needs OPA)', () => {
  let runtime: PolicyRuntime;
  beforeAll(async () => {
    const bundle = await compileFixture({ 'p.rego': POLICY });
    runtime = await prepareRuntime(parseArtifact(readFileSync(bundle), bundle), { memory: { initialPages: 8, maxPages: 1024 } });
  });

  /** The value as read from memory (undefined: not read) and as JSON.parse of the dumped result set gives it. */
  function both(input: unknown): { read: unknown; dumped: unknown } {
    const json = JSON.stringify(input);
    const address = runtime.instance.evaluateToDataValue(json, runtime.entrypointId);
    expect(address).toBe(0); // never a data value here
    const read = runtime.instance.resultValue;
    const results = JSON.parse(runtime.instance.evaluate(json, runtime.entrypointId)) as { result: unknown }[];
    return { read, dumped: results[0]?.result };
  }

  function expectSame(input: unknown): void {
    const { read, dumped } = both(input);
    expect(read).not.toBeUndefined();
    expect(read).toStrictEqual(dumped); // values, -0 and prototypes
    expect(JSON.stringify(read)).toBe(JSON.stringify(dumped)); // and the order of every object's keys
  }

  it('reads any JSON value exactly as the dump parses (keys in OPA order, numbers, Unicode, escapes)', () => {
    const value = fc.oneof(
      fc.jsonValue(),
      fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.double(), fc.integer(), fc.string({ unit: 'grapheme' }))),
      fc.array(fc.constantFrom('\u0000', '\u001f', '"', '\\', '\u007f', '\ud800', 'é', '😀', '\u2028', 'a'.repeat(70))),
      fc.constantFrom(-0, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e21, 5e-324, 1.7976931348623157e308, 0.1),
    );
    fc.assert(fc.property(value.filter(wellFormed), (v) => expectSame({ v })), { numRuns: 600 });
  });

  it('reads sets (as arrays, in OPA order) and numbers Rego computed (integers and references)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.string(), fc.boolean()), { maxLength: 30 }), fc.integer(), (v, n) => {
        expectSame({ kind: 'set', v });
        expectSame({ kind: 'count', v });
        expectSame({ kind: 'times', n });
        expectSame({ kind: 'divided', n });
      }),
      { numRuns: 200 },
    );
  });

  it('reads malformed UTF-8 as the decoded dump holds it (U+FFFD)', () => {
    for (const bytes of [[0xff], [0x61, 0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc3, 0xa9, 0x80, 0x62]]) {
      expectSame({ kind: 'bytes', s: Buffer.from(bytes).toString('base64') });
    }
    expectSame({ kind: 'times', n: 2 ** 60 }); // a number reference beyond 2^53
  });

  it('leaves to the dump what it cannot read exactly', () => {
    const notRead = (input: unknown) => {
      const { read, dumped } = both(input);
      expect(read).toBeUndefined();
      expect(dumped).not.toBeUndefined(); // the caller's dump path still has the value
    };
    notRead({ kind: 'number-key', n: 1 }); // dumped as the key "1"
    notRead({ kind: 'proto', v: 1 }); // JSON.parse keeps __proto__ as an own key
    notRead({ v: JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) as unknown }); // deeper than 64
    notRead({ v: new Array(5000).fill(1) }); // more than 4096 values
  });
});
