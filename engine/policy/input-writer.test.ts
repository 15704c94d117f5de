/** @module policy/input-writer.test — the byte writer writes exactly JSON.stringify of the pruned input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputShape } from './input-shape.js';
import { compileInputWriter, JsonBytesWriter } from './input-writer.js';
import { createInputSlimmer } from './slim-input.js';

const SHAPE: InputShape = {
  keys: {
    phase: { keys: {} },
    findings: { keys: {}, items: { keys: { detector: true } } },
    http: { keys: { host: true, 'päth "q"': true } },
    llm: { keys: { tool_calls: { keys: {}, items: true }, provider: true } },
    nested: { keys: {}, items: { keys: {}, items: { keys: { x: true } } } },
  },
};
const write = compileInputWriter(SHAPE);
const slim = createInputSlimmer(SHAPE);
const writer = new JsonBytesWriter();

/** What the writer produced: its text, 'fallback' (-1) or 'throws'. */
function written(input: unknown): string {
  try {
    const length = write(input, writer);
    return length < 0 ? 'fallback' : writer.bytes.toString('utf8', writer.start, writer.start + length);
  } catch {
    return 'throws';
  }
}

function expected(input: unknown): string {
  try {
    return JSON.stringify(slim(input)) ?? 'fallback';
  } catch {
    return 'throws';
  }
}

/** Does the value hold something JSON.stringify serializes depending on its key (toJSON, BigInt), or nothing at all? */
function decidesByKey(value: unknown, seen: Set<unknown>): boolean {
  if (value === undefined || typeof value === 'bigint') return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  return Object.values(value).some((child) => decidesByKey(child, seen));
}

class Instance {
  constructor(readonly host = 'h') {}
}

const scalar = fc.oneof(
  fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('\ud800', 'a"b\\c', '\n\t', 'ü', '€𝄞'),
  fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -0, 1e21, 5e-324), fc.boolean(), fc.constant(null),
  fc.constant(undefined), fc.constant(() => 1), fc.constant(Symbol('s')),
);
const odd = fc.constantFrom<unknown>(new Date(0), { toJSON: () => 'j' }, { toJSON: () => undefined }, 1n, new Instance(),
  Object.assign(Object.create(null) as object, { host: 'n', x: 1 }), [1, 'a'], new Map([[1, 2]]));
const value = fc.letrec<{ any: unknown }>((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, scalar, odd,
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('host', 'päth "q"', 'detector', 'x', 'tool_calls', 'provider', 'other'), tie('any'), { maxKeys: 4 })),
}));
const input = fc.oneof(
  value.any,
  fc.record({ phase: value.any, findings: value.any, http: value.any, llm: value.any, nested: value.any, extra: value.any }, { requiredKeys: [] }),
);

describe('compileInputWriter', () => {
  it('writes the pruned input of a realistic request', () => {
    const request = { phase: 'request', findings: [{ detector: 'email', count: 1 }], http: { host: 'api.x', path: '/' }, llm: null };
    expect(written(request)).toBe('{"phase":"request","findings":[{"detector":"email"}],"http":{"host":"api.x"},"llm":null}');
  });

  it('writes exactly JSON.stringify of the pruned input, or falls back, for any value', () => {
    fc.assert(
      fc.property(input, (candidate) => {
        const text = written(candidate);
        const reference = expected(candidate);
        if (text === 'throws') {
          expect(reference).toBe('throws'); // the caller then gets JSON.stringify's own error
        } else if (text === 'fallback') {
          // The caller then uses JSON.stringify: for no JSON at all, or values it serializes by key.
          expect(reference === 'fallback' || decidesByKey(candidate, new Set())).toBe(true);
        } else {
          expect(text).toBe(reference);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back only where JSON.stringify decides by key (toJSON, BigInt) or throws', () => {
    expect(written({ phase: new Date(0) })).toBe('fallback');
    expect(written({ http: { host: 1n } })).toBe('fallback');
    expect(written({ llm: { provider: { toJSON: () => 'x' } } })).toBe('fallback');
    expect(written({ http: new Instance() })).toBe('{"http":{"host":"h"}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(written({ http: { host: cyclic } })).toBe('throws');
    expect(written(undefined)).toBe('fallback');
  });

  it('writes into a given buffer from an offset, and moves to its own buffer when that is too small', () => {
    const target = Buffer.alloc(64);
    writer.into(target, 40);
    expect(written({ phase: 'ok' })).toBe('{"phase":"ok"}');
    expect(writer.bytes).toBe(target);
    expect(written({ phase: 'a longer phase than fits' })).toBe('{"phase":"a longer phase than fits"}');
    expect(writer.bytes).not.toBe(target);
  });

  it('moves to its own buffer correctly wherever the given buffer runs out', () => {
    const request = {
      phase: 'request', findings: [{ detector: 'email' }, 7, null, undefined, { detector: 'ü€' }],
      http: { host: 'api.x', 'päth "q"': 12.5 }, llm: { tool_calls: [{ id: 1 }, 'x', true], provider: null },
      nested: [[{ x: 'a' }], [], [{ x: false }]],
    };
    const reference = expected(request);
    for (let room = 0; room <= Buffer.byteLength(reference) + 1; room++) {
      writer.into(Buffer.alloc(8 + room), 8);
      expect(written(request)).toBe(reference);
    }
  });

  it('grows its buffer for large inputs', () => {
    const big = { http: { host: 'x'.repeat(100_000) }, findings: Array.from({ length: 2000 }, () => ({ detector: 'é' })) };
    expect(written(big)).toBe(expected(big));
  });
});
