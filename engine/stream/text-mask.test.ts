/** @module stream/text-mask.test — streamed plain text and NDJSON masking: any chunking, bounded hold-back, untouched bytes kept. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createNdjsonMasker, createTextMasker, type ByteMasker } from './text-mask.js';
import { testScanner } from './scanner.test-helpers.js';
import { createScanner } from '../scan/select.js';

const AWS = 'AKIAIOSFODNN7EXAMPLE';
const MAIL = 'jane.roe@example.com';

function run(masker: ByteMasker, input: Buffer, size: number): Buffer {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < input.length; i += size) parts.push(masker.write(input.subarray(i, i + size)));
  parts.push(masker.end());
  return Buffer.concat(parts);
}

describe('createTextMasker', () => {
  it('masks a secret split at any chunk boundary and leaves every other byte as it was', () => {
    const text = Buffer.from(`<note>key ${AWS} and mail ${MAIL}; é ünïcode ${'pad '.repeat(40)} tail</note>`);
    const expected = text.toString().replace(AWS, '[REDACTED:aws-access-key-id]').replace(MAIL, '[REDACTED:email]');
    fc.assert(fc.property(fc.integer({ min: 1, max: text.length + 1 }), (size) => {
      const out = run(createTextMasker({ scanner: testScanner() }), text, size);
      expect(out.toString()).toBe(expected);
    }), { numRuns: 80 });
  });

  it('releases all but the hold-back window at once (time to first byte), and never a partial secret', () => {
    const masker = createTextMasker({ scanner: testScanner() });
    const first = Buffer.from(masker.write(Buffer.from(`${'x'.repeat(200)} ${AWS.slice(0, 12)}`))).toString();
    expect(first.length).toBeGreaterThan(100);
    expect(first).not.toContain('AKIA');
    expect(masker.held).toBeLessThanOrEqual(80);
    const rest = Buffer.from(Buffer.concat([masker.write(Buffer.from(AWS.slice(12))), masker.end()])).toString();
    expect(first + rest).toBe(`${'x'.repeat(200)} [REDACTED:aws-access-key-id]`);
  });

  it('returns untouched input byte-identical (latin-1 and invalid UTF-8 included) and counts findings', () => {
    const raw = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9, 0xff, 0x20]), Buffer.from(`to ${MAIL}`)]);
    const masker = createTextMasker({ scanner: testScanner(), shouldMask: () => false });
    expect(run(masker, raw, 3).equals(raw)).toBe(true);
    expect(masker.findings()).toEqual([{ detector: 'email', category: 'pii', path: '', count: 1 }]);
  });
});

describe('createTextMasker with the built-in detectors', () => {
  it('still counts a context word released before a held match (any split into two chunks)', () => {
    const scanner = createScanner({ engine: 'js' });
    const text = `Please wire it. Account routing no. 021000021 and ${'x'.repeat(300)} more.`;
    for (let cut = 1; cut < text.length; cut++) {
      const m = createTextMasker({ scanner });
      const out = Buffer.concat([m.write(Buffer.from(text.slice(0, cut))), m.write(Buffer.from(text.slice(cut))), m.end()]).toString();
      expect(out, `split at ${cut}`).toBe(text.replace('021000021', '[REDACTED:us-bank-routing-number]'));
    }
  });
});

describe('createNdjsonMasker', () => {
  const lines = [
    JSON.stringify({ id: 1, note: `key ${AWS}` }),
    '',
    JSON.stringify({ id: 2, nested: { to: MAIL }, esc: 'quote \\" kept' }),
    `not json but ${MAIL}`,
    JSON.stringify({ id: 3, clean: true }),
  ];
  const body = Buffer.from(`${lines.join('\n')}\r\n`);

  it('masks line by line at any chunking: JSON lines as JSON (escapes kept), other lines as text', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: body.length + 1 }), (size) => {
      const masker = createNdjsonMasker({ scanner: testScanner() });
      const out = run(masker, body, size).toString();
      const got = out.split('\n');
      expect(JSON.parse(got[0]!)).toEqual({ id: 1, note: 'key [REDACTED:aws-access-key-id]' });
      expect(got[1]).toBe('');
      expect(JSON.parse(got[2]!)).toEqual({ id: 2, nested: { to: '[REDACTED:email]' }, esc: 'quote \\" kept' });
      expect(got[3]).toBe('not json but [REDACTED:email]');
      expect(got[4]).toBe(`${lines[4]}\r`);
      expect(masker.findings().map((f) => f.path).sort()).toEqual(['/0/note', '/2/nested/to', '/3']);
    }), { numRuns: 60 });
  });

  it('emits complete lines at once and an unmasked document byte-identical', () => {
    const masker = createNdjsonMasker({ scanner: testScanner() });
    const clean = Buffer.from('{"a":1}\n{"b":2}\n{"c":');
    expect(Buffer.from(masker.write(clean)).toString()).toBe('{"a":1}\n{"b":2}\n');
    expect(Buffer.from(masker.end()).toString()).toBe('{"c":');
  });

  it('refuses a line longer than maxLineBytes with SLUICE_ERR_BODY_TOO_LARGE', () => {
    const masker = createNdjsonMasker({ scanner: testScanner(), maxLineBytes: 16 });
    masker.write(Buffer.from('{"a":"0123'));
    expect(() => masker.write(Buffer.from('456789abcdef"}'))).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_BODY_TOO_LARGE' }));
  });
});
