/** @module stream/sse.test — the WHATWG event-stream parser and writer. */
import { describe, it, expect } from 'vitest';
import { SseParser, writeSseEvent, type SseEvent } from './sse.js';

function parseChunked(text: string | Buffer, size: number): Omit<SseEvent, 'raw'>[] {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(...p.push(buf.subarray(i, i + size)));
  out.push(...p.end());
  return out.map(({ raw: _raw, ...rest }) => rest);
}

describe('SseParser', () => {
  const stream = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(': hello\r\nevent: a\r\ndata: 1\r\ndata:2\r\n\r\nid: 7\rretry: 3000\rdata:  x\r\rdata: é\n\n: ping\n\ndata: last'),
  ]);
  const expected = [
    { event: 'a', data: '1\n2', comments: [' hello'] },
    { id: '7', retry: 3000, data: ' x', comments: [] },
    { data: 'é', comments: [] },
    { data: null, comments: [' ping'] },
    { data: 'last', comments: [] },
  ];
  it('parses CRLF/CR/LF, BOM, comments, id, retry, multi-line data at every chunk size', () => {
    for (let size = 1; size <= stream.length; size++) expect(parseChunked(stream, size), `size ${size}`).toEqual(expected);
  });
  it('keeps the raw bytes of each block', () => {
    const p = new SseParser();
    const evs = p.push(Buffer.from('event: x\ndata: 1\n\ndata: 2\n\n'));
    expect(Buffer.concat(evs.map((e) => e.raw)).toString()).toBe('event: x\ndata: 1\n\ndata: 2\n\n');
  });
  it('ignores an id with NUL and a non-numeric retry', () => {
    expect(parseChunked('id: a\u0000b\nretry: 1x\ndata: d\n\n', 4)).toEqual([{ data: 'd', comments: [] }]);
  });
  it('writes events that parse back to the same fields', () => {
    const ev = { event: 'e', data: 'l1\nl2', id: '9', retry: 5, comments: [' c'] };
    expect(parseChunked(writeSseEvent(ev), 3)).toEqual([ev]);
  });
});
