/** @module scan/native.test — the raw libhs binding: compile errors, zero-copy scans, segments, streams, serialize, workers. */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { loadNative, type NativeBinding } from './native.js';

const native = loadNative();
// Without libhs the addon cannot exist; with libhs it must load (scanner.case.test.ts fails otherwise).
const available = native.ok || spawnSync('pkg-config', ['--exists', 'libhs']).status === 0;
const binding = (): NativeBinding => {
  if (!native.ok) throw new Error(native.reason);
  return native.binding;
};
const gaps = (n: number, gap = 64) => new Uint32Array(n).fill(gap);

describe.skipIf(!available)('libhs binding', () => {
  it('reports the version and rejects a bad pattern with the index of the expression', () => {
    const hs = binding();
    expect(hs.version).toMatch(/^\d+\.\d+\.\d+/);
    let error: (Error & { expression?: number }) | undefined;
    try {
      hs.compile(['abc', 'a(?=b)c', 'x'], new Uint32Array(3), 'block', gaps(3));
    } catch (err) {
      error = err as Error & { expression?: number };
    }
    expect(error?.expression).toBe(1);
    expect(error?.message).toMatch(/Zero-width assertions/);
    expect(() => hs.compile([], new Uint32Array(0), 'block', gaps(0))).toThrow(/at least one pattern/);
    expect(() => hs.compile(['a'], new Uint32Array(1), 'vectored' as never, gaps(1))).toThrow(/mode/);
  });

  it('scans a Buffer view without copying: raw [id, end] pairs, merged ranges, every end offset reported', () => {
    const hs = binding();
    const db = hs.compile(['ab+', 'xyz'], new Uint32Array([0, hs.FLAGS.CASELESS]), 'block', gaps(2, 4));
    const backing = Buffer.from('--abbb--XYZ--');
    const view = backing.subarray(2); // offsets are relative to the view
    expect([...db.scan(view)]).toEqual([0, 2, 0, 3, 0, 4, 1, 9]);
    expect([...db.scanRanges(view)]).toEqual([0, 2, 4, 1, 9, 9]);
    expect([...db.scanRanges(new Uint8Array(0))]).toEqual([]);
    expect(() => db.scan('text' as never)).toThrow(TypeError);
    expect(() => db.openStream()).toThrow(/block mode/);
  });

  it('maps the ends of one covering scan to sorted segments, scans unsorted ones alone, and checks bounds', () => {
    const hs = binding();
    const db = hs.compile(['abc'], new Uint32Array(1), 'block', gaps(1));
    const bytes = Buffer.from('abcabc');
    // Sorted segments: one scan; the end 3 of a match starting in segment 0 is a candidate of segment 1
    // (the confirm step, run within the segment, drops it); the range still covers the real end 6.
    expect([...db.scanSegments(bytes, Uint32Array.from([0, 2, 2, 6]), 2)]).toEqual([0, 3, 6, 1]);
    // Ends between segments are dropped.
    expect([...db.scanSegments(Buffer.from('abc--abc'), Uint32Array.from([0, 2, 5, 8]), 2)]).toEqual([0, 8, 8, 1]);
    // Unsorted segments: each scanned alone.
    expect([...db.scanSegments(bytes, Uint32Array.from([2, 6, 0, 2]), 2)]).toEqual([0, 6, 6, 0]);
    expect(() => db.scanSegments(bytes, Uint32Array.from([0, 7]), 1)).toThrow(/out of range/);
    expect(() => db.scanSegments(bytes, Uint32Array.from([0, 2]), 2)).toThrow(/count exceeds/);
  });

  it('scans into a caller buffer: returns the length, writes only when the results fit', () => {
    const hs = binding();
    const db = hs.compile(['abc'], new Uint32Array(1), 'block', gaps(1, 3)); // ends 3 and 8 stay apart
    const bytes = Buffer.from('abc--abc');
    const small = new Uint32Array(3).fill(7);
    expect(db.scanRangesInto(bytes, small)).toBe(6); // two ranges, 3 entries each: did not fit
    expect([...small]).toEqual([7, 7, 7]);
    const out = new Uint32Array(8);
    expect(db.scanRangesInto(bytes, out)).toBe(6);
    expect([...out.subarray(0, 6)]).toEqual([...db.scanRanges(bytes)]);
    expect(db.scanSegmentsInto(bytes, Uint32Array.from([0, 2, 5, 8]), 2, out)).toBe(4);
    expect([...out.subarray(0, 4)]).toEqual([0, 8, 8, 1]);
    expect(() => db.scanRangesInto(bytes, new Int32Array(4) as never)).toThrow(/out must be a Uint32Array/);
  });

  it('scans regions packed into one call: ends in the original bytes, as a scan of each region alone', () => {
    const hs = binding();
    const db = hs.compile(['[0-9]{3}', 'a[0-9]+'], new Uint32Array(2), 'block', gaps(2, 0));
    const bytes = Buffer.from('x123a45yy6789a1z12');
    const out = new Uint32Array(64);
    // unsorted and overlapping regions; '12' + '6' would be a 3-digit run over the join of [15, 18) and [9, 10)
    const bounds = Uint32Array.from([15, 18, 9, 13, 1, 7, 2, 4]);
    const n = db.scanRegionsInto(bytes, bounds, 4, out);
    const alone: number[] = [];
    for (let r = 0; r < 4; r++) {
      const rows = db.scanRanges(bytes.subarray(bounds[2 * r]!, bounds[2 * r + 1]!));
      for (let i = 0; i < rows.length; i += 3) alone.push(rows[i]!, rows[i + 1]! + bounds[2 * r]!, rows[i + 2]! + bounds[2 * r]!, r);
    }
    expect([...out.subarray(0, n)]).toEqual(alone);
    expect(alone).toEqual([0, 12, 12, 1, 0, 13, 13, 1, 0, 4, 4, 2, 1, 6, 6, 2, 1, 7, 7, 2]);
    // random regions over random digit text: the same rows as separate scans, in region order
    let seed = 3;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let round = 0; round < 200; round++) {
      const text = Buffer.from(Array.from({ length: 40 }, () => '0123456789a-'[next(12)]).join(''));
      const count = 1 + next(5);
      const pairs = Array.from({ length: count }, () => { const a = next(40); return [a, a + 1 + next(40 - a)]; }).flat();
      const regions = Uint32Array.from(pairs);
      const expected: number[] = [];
      for (let r = 0; r < count; r++) {
        const rows = db.scanRanges(text.subarray(regions[2 * r]!, regions[2 * r + 1]!));
        for (let i = 0; i < rows.length; i += 3) expected.push(rows[i]!, rows[i + 1]! + regions[2 * r]!, rows[i + 2]! + regions[2 * r]!, r);
      }
      const wide = new Uint32Array(1024);
      const got = db.scanRegionsInto(text, regions, count, wide);
      expect([...wide.subarray(0, got)], `${text} ${pairs}`).toEqual(expected);
    }
    expect(() => db.scanRegionsInto(bytes, Uint32Array.from([3, 3]), 1, out)).toThrow(/region 0 is empty or out of range/);
    expect(() => db.scanRegionsInto(bytes, Uint32Array.from([3, 30]), 1, out)).toThrow(/out of range/);
    expect(() => db.scanRegionsInto(bytes, Uint32Array.from([3, 5]), 2, out)).toThrow(/count exceeds bounds/);
    expect(db.scanRegionsInto(bytes, new Uint32Array(0), 0, out)).toBe(0);
  });

  it('carries match state across stream writes (absolute offsets) and round-trips serialize/deserialize', () => {
    const hs = binding();
    const db = hs.compile(['ghp_[a-z]{8}'], new Uint32Array(1), 'stream', gaps(1, 12));
    const stream = db.openStream();
    expect([...stream.write(Buffer.from('xx ghp_abc'))]).toEqual([]);
    expect([...stream.write(Buffer.from('defgh yy'))]).toEqual([0, 15, 15]);
    expect([...stream.close()]).toEqual([]);
    expect(() => stream.write(Buffer.from('z'))).toThrow(/closed/);
    const copy = hs.deserialize(db.serialize(), 'stream', gaps(1, 12));
    const again = copy.openStream();
    expect([...again.write(Buffer.from('ghp_abcdefgh'))]).toEqual([0, 12, 12]);
    expect(() => hs.deserialize(Buffer.from('garbage'), 'block', gaps(1))).toThrow(/hs_deserialize_database/);
  });

  it('writes stream chunks into a caller buffer, or returns a new array when the results do not fit', () => {
    const hs = binding();
    const db = hs.compile(['[0-9]{3}', 'ab'], new Uint32Array(2), 'stream', gaps(2, 0));
    const chunks = ['x12', '34 ab 5', '67ab8', '', '9 000'].map((c) => Buffer.from(c));
    const plain = db.openStream();
    const into = db.openStream();
    const out = new Uint32Array(6).fill(7);
    const paths = new Set<string>();
    for (const chunk of chunks) {
      const expected = [...plain.write(chunk)];
      const got = into.writeInto(chunk, out);
      paths.add(typeof got);
      if (expected.length <= out.length) expect([...out.subarray(0, got as number)]).toEqual(expected);
      else expect([...(got as Uint32Array)]).toEqual(expected);
    }
    expect([...paths].sort()).toEqual(['number', 'object']); // results that fit, and ones that did not
    expect(into.offset).toBe(plain.offset);
    expect(() => into.writeInto(Buffer.from('1'), new Int32Array(3) as never)).toThrow(/out must be a Uint32Array/);
  });

  it('decodes JSON string values after their context bytes, with a run map; asks for run room; rejects bad arguments', () => {
    const decode = binding().decodeJsonStrings!;
    const src = Buffer.from('"a\\n\\u00e9b"'); // content [1, 11): a, \n, \u00e9, b
    const bounds = Uint32Array.from([1, src.length - 1]);
    const out = new Uint8Array(16);
    const state = Int32Array.from([3, 0]);
    const decoded = new Uint32Array(2);
    const small = [new Int32Array(2), new Int32Array(2), new Int32Array(2)] as const;
    expect(decode(src, bounds, 1, 2, out, state, ...small, decoded)).toBe(-(2 * 2 + 1)); // two escapes, one value
    expect([...state]).toEqual([3, 0]); // nothing committed
    const [dec, raw, len] = [new Int32Array(5), new Int32Array(5), new Int32Array(5)];
    expect(decode(src, bounds, 1, 2, out, state, dec, raw, len, decoded)).toBe(0);
    expect([...state]).toEqual([10, 4]); // 2 context bytes (a NUL, then the quote) and 5 decoded bytes after the 3 there; 4 runs
    expect([...decoded]).toEqual([5, 10]);
    expect([...out.subarray(3, 5)]).toEqual([0, 0x22]);
    expect(Buffer.from(out.subarray(5, 10)).toString()).toBe('a\néb');
    // runs: 'a' (plain), \n (2 raw bytes), \u00e9 (6), 'b' (plain): decoded offset, raw offset in src, raw length or -1
    expect([...dec.subarray(0, 4)]).toEqual([5, 6, 7, 9]);
    expect([...raw.subarray(0, 4)]).toEqual([1, 2, 4, 10]);
    expect([...len.subarray(0, 4)]).toEqual([-1, 2, 6, -1]);
    const fresh = () => Int32Array.from([0, 0]);
    // content no tokenizer would pass (a trailing backslash, a cut \u escape): nothing read past the value, copied as is
    for (const text of ['ab\\', 'ab\\u12', '\\u']) {
      const bad = Buffer.from(text);
      const room = new Uint8Array(bad.length);
      expect(decode(bad, Uint32Array.from([0, bad.length]), 1, 0, room, fresh(), dec, raw, len, decoded)).toBe(0);
      expect(Buffer.from(room).toString()).toBe(text);
      expect(decoded[1]).toBe(bad.length);
    }
    expect(() => decode(src, Uint32Array.from([1, 99]), 1, 0, out, fresh(), dec, raw, len, decoded)).toThrow(/out of range/);
    expect(() => decode(src, bounds, 1, 2, new Uint8Array(4), fresh(), dec, raw, len, decoded)).toThrow(/too little room/);
    expect(() => decode(src, bounds, 2, 0, out, fresh(), dec, raw, len, decoded)).toThrow(/count exceeds/);
    expect(() => decode(src, bounds, 1, 0, out, new Uint32Array(2) as never, dec, raw, len, decoded)).toThrow(TypeError);
  });

  it('works in a worker thread (its own instance data and scratch)', async () => {
    const path = native.ok ? native.path : '';
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const hs = require(workerData);
       const db = hs.compile(['secret[0-9]{3}'], new Uint32Array(1), 'block', new Uint32Array([12]));
       parentPort.postMessage([...db.scanRanges(Buffer.from('a secret123 b'))]);`,
      { eval: true, workerData: path },
    );
    const result = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    expect(result).toEqual([0, 11, 11]);
    await worker.terminate();
  });
});
