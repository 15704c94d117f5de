/** @module pipeline/body-kind.test — content types and sniffed bytes to body kinds; unreadable charsets refused. */
import { describe, it, expect } from 'vitest';
import { kindOfType, sniffKind } from './body-kind.js';

describe('kindOfType', () => {
  it.each([
    ['application/json; charset=utf-8', 'json'], ['application/problem+json', 'json'], ['application/vnd.api+json', 'json'],
    ['text/event-stream', 'sse'], ['application/x-ndjson', 'ndjson'], ['application/jsonl', 'ndjson'],
    ['text/plain', 'text'], ['text/html; charset=iso-8859-1', 'text'], ['application/xml', 'text'], ['image/svg+xml', 'text'],
    ['application/x-www-form-urlencoded', 'form'], ['image/png', 'binary'], ['application/octet-stream', 'binary'],
    ['multipart/form-data; boundary=x', 'binary'], ['application/pdf', 'binary'], ['application/vnd.unknown', 'sniff'], [undefined, 'sniff'], ['', 'sniff'],
  ])('%s → %s', (type, kind) => {
    expect(kindOfType(type)).toBe(kind);
  });

  it('refuses charsets whose ASCII is not single bytes (the scanner would see nothing)', () => {
    for (const type of ['text/plain; charset=utf-16le', 'application/json; charset="UTF-32"', 'text/csv;charset=ucs-2']) {
      expect(() => kindOfType(type)).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_BODY_UNSUPPORTED' }));
    }
  });
});

describe('sniffKind', () => {
  it('tells JSON, text and binary apart from the first bytes', () => {
    expect(sniffKind(Buffer.from(' \n[1,2]'))).toBe('json');
    expect(sniffKind(Buffer.from('hello\tworld\r\n'))).toBe('text');
    expect(sniffKind(Buffer.from('caf\u00e9 latin-1', 'latin1'))).toBe('text');
    expect(sniffKind(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe('binary'); // gzip
    expect(sniffKind(Buffer.concat([Buffer.from('%PDF-1.7 '), Buffer.from([0x00])]))).toBe('binary');
  });
});
