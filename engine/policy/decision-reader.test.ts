/** @module policy/decision-reader.test — DecisionReader: in-place byte matching, sharing on recurrence, bounds. */
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.js';
import { DecisionReader } from './decision-reader.js';

const result = (reason: string, allow = true) =>
  JSON.stringify([{ result: { allow, reasons: [reason], mask: { detectors: ['*'], paths: [] }, patch: [], approval: null, record: true } }]);

/** A memory image with `text` at `offset`, NUL-terminated, surrounded by junk. */
function memoryWith(text: string, offset: number): { memory: Buffer; start: number; end: number } {
  const bytes = Buffer.from(text, 'utf8');
  const memory = Buffer.alloc(offset + bytes.length + 16, 0x41);
  bytes.copy(memory, offset);
  memory[offset + bytes.length] = 0;
  return { memory, start: offset, end: offset + bytes.length };
}

describe('DecisionReader', () => {
  it('gives a first sighting its own decision, then shares one frozen decision wherever the bytes sit', () => {
    const reader = new DecisionReader();
    const a = memoryWith(result('a'), 3);
    const b = memoryWith(result('a'), 200);
    const first = reader.readAt(a.memory, a.start, a.end);
    expect(first.reasons).toEqual(['a']);
    expect(Object.isFrozen(first)).toBe(false);
    const second = reader.readAt(b.memory, b.start, b.end);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(Object.isFrozen(second) && Object.isFrozen(second.mask.detectors)).toBe(true);
    expect(reader.readAt(a.memory, a.start, a.end)).toBe(second);
    expect(reader.size).toBe(1);
  });

  it('tells apart results of the same length', () => {
    const reader = new DecisionReader();
    const x = memoryWith(result('x'), 0);
    const y = memoryWith(result('y'), 0);
    expect(x.end).toBe(y.end);
    for (let i = 0; i < 3; i++) {
      expect(reader.readAt(x.memory, x.start, x.end).reasons).toEqual(['x']);
      expect(reader.readAt(y.memory, y.start, y.end).reasons).toEqual(['y']);
    }
    expect(reader.size).toBe(2);
  });

  it('keeps a recurring result shared while one-off results of the same length stream past', () => {
    const reader = new DecisionReader();
    reader.read(result('hot 0'));
    const hot = reader.read(result('hot 0'));
    for (let i = 1; i < 1000; i++) {
      expect(reader.read(result(`one ${i % 10}`)).reasons).toEqual([`one ${i % 10}`]);
      if (i % 100 === 0) expect(reader.read(result('hot 0'))).toBe(hot);
    }
    expect(reader.size).toBe(2);
  });

  it('matches non-ASCII results by their UTF-8 bytes', () => {
    const reader = new DecisionReader();
    for (let i = 0; i < 2; i++) {
      expect(reader.read(result('é')).reasons).toEqual(['é']);
      expect(reader.read(result('è')).reasons).toEqual(['è']);
    }
  });

  it('keeps a bounded number of results and bytes', () => {
    const reader = new DecisionReader();
    for (let i = 0; i < 3000; i++) reader.read(result(`reason ${i}`.padEnd(10 + (i % 700), '.')));
    expect(reader.size).toBeGreaterThan(0);
    expect(reader.size).toBeLessThanOrEqual(512);
    const last = result('reason 2999'.padEnd(10 + (2999 % 700), '.'));
    expect(reader.read(last)).toBe(reader.read(last));
  });

  it('does not remember large results, and still reads them', () => {
    const reader = new DecisionReader();
    const big = result('r'.repeat(5000));
    expect(reader.read(big).reasons[0]).toHaveLength(5000);
    expect(reader.read(big)).not.toBe(reader.read(big));
    expect(reader.size).toBe(0);
  });

  it('throws coded errors for malformed results and never caches them', () => {
    const reader = new DecisionReader();
    const cases: [string, string][] = [
      ['[{"result":{"allow":"yes"}}]', 'SLUICE_ERR_DECISION_INVALID'],
      ['[]', 'SLUICE_ERR_POLICY_UNDEFINED'],
      ['[{"res', 'SLUICE_ERR_POLICY_EVAL'],
      ['', 'SLUICE_ERR_POLICY_EVAL'],
      [`[${result('a').slice(1, -1)},${result('b').slice(1, -1)}]`, 'SLUICE_ERR_DECISION_INVALID'],
      ['[{"result":null}]', 'SLUICE_ERR_DECISION_INVALID'],
      ['[{"result":{"allow":true},"x":1}]', 'SLUICE_ERR_DECISION_INVALID'],
      ['{"result":1}', 'SLUICE_ERR_POLICY_EVAL'],
    ];
    for (const [text, code] of cases) {
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(() => reader.read(text), text).toThrow(expect.objectContaining({ code }));
      }
    }
    expect(reader.size).toBe(0);
  });

  it('treats a result without a terminator (end before start) as unreadable', () => {
    const reader = new DecisionReader();
    const { memory } = memoryWith(result('a'), 0);
    let error: unknown;
    try {
      reader.readAt(memory, 10, -1);
    } catch (err) {
      error = err;
    }
    expect(isSluiceError(error, 'SLUICE_ERR_POLICY_EVAL')).toBe(true);
  });
});
