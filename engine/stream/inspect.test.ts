/** @module stream/inspect.test — inspectJson findings, spans and facts; applyMasks byte-exactness. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { FindingCounter, ROOT_PARENT, inspectJson, summarize } from './inspect.js';
import type { FindingSummary, MaskSpan } from './types.js';
import { applyMasks, mergeSpans, spansForPaths } from './rewriter.js';
import { testScanner } from './scanner.test-helpers.js';

const AWS = 'AKIAIOSFODNN7EXAMPLE';
const GH = 'ghp_' + 'a1B2c3D4e5'.repeat(3) + 'ZZZZZZ';

describe('inspectJson + applyMasks', () => {
  it('finds secrets by detector and pointer and masks them in place', () => {
    const body = Buffer.from(JSON.stringify({ a: [1, `key ${AWS} and ${AWS}`], b: { 'c/d': GH }, n: 5 }, null, 2));
    const scanner = testScanner();
    const r = inspectJson(body, { scanner });
    expect(scanner.calls).toBe(1); // one batched engine call for all plain values
    expect(r.findings).toEqual([
      { detector: 'aws-access-key-id', category: 'secret', path: '/a/1', count: 2 },
      { detector: 'github-token', category: 'secret', path: '/b/c~1d', count: 1 },
    ]);
    expect(body.subarray(r.spans[0]!.start, r.spans[0]!.end).toString()).toBe(AWS);
    const masked = Buffer.from(applyMasks(body, r.spans)).toString();
    expect(JSON.parse(masked)).toEqual({ a: [1, 'key [REDACTED:aws-access-key-id] and [REDACTED:aws-access-key-id]'], b: { 'c/d': '[REDACTED:github-token]' }, n: 5 });
    expect(masked.replace(/\[REDACTED:[a-z-]+\]/g, 'X')).toBe(body.toString().replace(AWS, 'X').replace(AWS, 'X').replace(GH, 'X'));
  });

  it('returns the very same bytes when nothing is found', () => {
    const body = Buffer.from('{"x": "nothing here", "y": [true, null, 1e5]}');
    const r = inspectJson(body, { scanner: testScanner() });
    expect(r.spans).toEqual([]);
    expect(applyMasks(body, r.spans)).toBe(body);
  });

  it('finds escaped secrets and replaces the whole raw escaped span', () => {
    const raw = '{"t":"x\\u0041KIAIOSFODNN7EXAMPL\\u0045\\n","k\\u0065y":"\\nghp_' + GH.slice(4) + '"}';
    const body = Buffer.from(raw);
    const r = inspectJson(body, { scanner: testScanner() });
    expect(r.findings.map((f) => [f.detector, f.path])).toEqual([['aws-access-key-id', '/t'], ['github-token', '/key']]);
    const masked = JSON.parse(Buffer.from(applyMasks(body, r.spans)).toString());
    expect(masked).toEqual({ t: 'x[REDACTED:aws-access-key-id]\n', key: '\n[REDACTED:github-token]' });
  });

  it('claims whole values by field name (case-insensitive, globs)', () => {
    const body = Buffer.from('{"user":{"Password":"hunter2","db_secret":"s3","name":"bo"}}');
    const r = inspectJson(body, { scanner: testScanner() });
    expect(r.findings.map((f) => f.path)).toEqual(['/user/Password', '/user/db_secret']);
    expect(JSON.parse(Buffer.from(applyMasks(body, r.spans, { placeholder: '***{detector}***' })).toString())).toEqual({
      user: { Password: '***password-field***', db_secret: '***password-field***', name: 'bo' },
    });
  });

  it('escapes placeholders correctly and supports placeholder functions', () => {
    const body = Buffer.from(JSON.stringify({ t: AWS }));
    const r = inspectJson(body, { scanner: testScanner() });
    const out = Buffer.from(applyMasks(body, r.spans, { placeholder: (d, p) => `"${d}" at ${p}\\` })).toString();
    expect(JSON.parse(out)).toEqual({ t: '"aws-access-key-id" at /t\\' });
  });

  it('masks whole values by pointer, wildcards included', () => {
    const body = Buffer.from('{"metadata":{"user_id":"u-1","n":{"deep":[1,2]}},"messages":[{"content":"a"},{"content":{"x":1}}]}');
    const spans = spansForPaths(body, ['/metadata/user_id', '/metadata/n', '/messages/*/content']);
    const out = JSON.parse(Buffer.from(applyMasks(body, spans)).toString());
    expect(out).toEqual({ metadata: { user_id: '[REDACTED:path]', n: '[REDACTED:path]' }, messages: [{ content: '[REDACTED:path]' }, { content: '[REDACTED:path]' }] });
  });

  it('throws coded errors on malformed bodies', () => {
    expect(() => inspectJson(Buffer.from('{"a":1,}'), { scanner: testScanner() })).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_JSON_SYNTAX', details: { offset: 7 } }));
  });
});

describe('extractors', () => {
  it('captures Anthropic model, stream, tools and tool_use blocks', () => {
    const body = Buffer.from(JSON.stringify({
      model: 'claude-sonnet-4-5', stream: true, system: 'be nice',
      tools: [{ name: 'run_sql', input_schema: {} }, { name: 'read_file', input_schema: {} }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'run_sql', input: { query: 'DROP TABLE users' } }] },
      ],
    }));
    const { facts } = inspectJson(body, { scanner: testScanner(), extract: true });
    expect(facts).toEqual({
      provider: 'anthropic', model: 'claude-sonnet-4-5', stream: true, tools: ['run_sql', 'read_file'],
      tool_calls: [{ id: 'toolu_1', name: 'run_sql', input: { query: 'DROP TABLE users' } }], truncated: false,
    });
  });

  it('captures OpenAI chat tool_calls with parsed arguments, and bounds big inputs', () => {
    const body = Buffer.from(JSON.stringify({
      model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }],
      messages: [{ role: 'assistant', tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ big: 'x'.repeat(300) }) } },
      ] }],
    }));
    const { facts } = inspectJson(body, { scanner: testScanner(), extract: { maxInputBytes: 100 } });
    expect(facts).toEqual({
      provider: 'openai', model: 'gpt-4o', stream: null, tools: ['get_weather'],
      tool_calls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }, { id: 'call_2', name: 'get_weather', input: null, truncated: true }],
      truncated: true,
    });
  });

  it('captures OpenAI responses function_call items', () => {
    const body = Buffer.from(JSON.stringify({ model: 'gpt-4.1', input: [{ type: 'function_call', call_id: 'c1', name: 'ls', arguments: '{"dir":"/"}' }], tools: [{ type: 'function', name: 'ls' }] }));
    const { facts } = inspectJson(body, { scanner: testScanner(), extract: true });
    expect(facts?.provider).toBe('openai');
    expect(facts?.tools).toEqual(['ls']);
    expect(facts?.tool_calls).toEqual([{ id: 'c1', name: 'ls', input: { dir: '/' } }]);
  });
});

describe('FindingCounter', () => {
  it('counts like a plain map of (detector, pointer), whole pointers and split parts mixed, bounded (differential)', () => {
    const token = fc.constantFrom('a', 'b', '', '0', '12', 'x~1y', 'c~0');
    const pointer = fc.array(token, { maxLength: 4 }).map((t) => (t.length === 0 ? '' : '/' + t.join('/')));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('email', 'aws', 'card'), pointer, fc.boolean()), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (events, max) => {
        const counter = new FindingCounter(max);
        const reference = new Map<string, FindingSummary>();
        for (const [detector, p, split] of events) {
          const key = `${detector} ${p}`;
          const known = reference.get(key);
          if (known) known.count++;
          else if (reference.size < max) reference.set(key, { detector, category: 'secret', path: p, count: 1 });
          if (!split) counter.count(detector, 'secret', p);
          else {
            const cut = p.lastIndexOf('/');
            const parent = cut < 0 ? ROOT_PARENT : p.slice(0, cut);
            const last = cut < 0 ? '' : p.slice(cut + 1);
            if (!counter.bump(detector, parent, last) && counter.hasRoom) counter.addNew(detector, 'secret', parent, last, p);
          }
        }
        expect(counter.values()).toEqual([...reference.values()]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('summarize', () => {
  /** The plain definition: one summary per (pointer, detector) in first-seen order, with a count. */
  function summarizeOracle(spans: readonly MaskSpan[]): FindingSummary[] {
    const byKey = new Map<string, FindingSummary>();
    for (const s of spans) {
      const key = JSON.stringify([s.pointer, s.detector]);
      const f = byKey.get(key);
      if (f) f.count++;
      else byKey.set(key, { detector: s.detector, category: s.category, path: s.pointer, count: 1 });
    }
    return [...byKey.values()];
  }

  it('differential: equals the plain definition on random spans (repeats in and out of runs, equal pointers built apart)', () => {
    const detectors = ['email', 'aws-access-key-id', 'github-token'] as const;
    const span = fc.record({ p: fc.constantFrom('', '/a', '/a/0', '/b/c~1d', '/a/1'), d: fc.nat(2), repeat: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 40 }), (list) => {
        const spans: MaskSpan[] = [];
        for (const { p, d, repeat } of list) {
          // a fresh string object per span sometimes (equal pointers need not be the same object)
          const pointer = repeat === 2 ? [...p].join('') : p;
          for (let r = 0; r < repeat; r++) spans.push({ start: 0, end: 1, detector: detectors[d]!, category: d === 0 ? 'pii' : 'secret', pointer });
        }
        expect(summarize(spans)).toEqual(summarizeOracle(spans));
      }),
      { numRuns: 500 },
    );
  });
});

describe('applyMasks', () => {
  /** Plain definition: merge overlaps (mergeSpans), then splice placeholder bytes with Buffer.concat. */
  function applyOracle(body: Buffer, spans: MaskSpan[], placeholder: string | ((d: string, p: string) => string)): Buffer {
    const merged = mergeSpans(spans);
    const parts: Buffer[] = [];
    let at = 0;
    for (const s of merged) {
      const text = typeof placeholder === 'function' ? placeholder(s.detector, s.pointer) : placeholder.split('{detector}').join(s.detector);
      const quoted = JSON.stringify(text);
      parts.push(body.subarray(at, s.start), Buffer.from(s.whole ? quoted : quoted.slice(1, -1)));
      at = s.end;
    }
    parts.push(body.subarray(at));
    return Buffer.concat(parts);
  }

  it('differential: equals a plain splice for random spans (sorted or not, overlapping, long and short gaps), string and function placeholders', () => {
    const body = Buffer.from(Array.from({ length: 3000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
    const span = fc.tuple(fc.nat(2990), fc.nat(300), fc.constantFrom('email', 'aws-access-key-id', 'x"y'), fc.boolean()).map(([start, len, detector, whole]) => ({
      start, end: Math.min(3000, start + len), detector, category: 'secret' as const, pointer: `/p${start % 3}`, whole,
    }));
    const placeholders = ['[REDACTED:{detector}]', '*', (d: string, p: string) => `<${d}@${p}>\\`];
    fc.assert(
      fc.property(fc.array(span, { maxLength: 60 }), fc.boolean(), fc.nat(2), (list, sort, which) => {
        const spans = sort ? [...list].sort((a, b) => a.start - b.start || b.end - a.end) : list;
        const placeholder = placeholders[which]!;
        const calls: string[] = [];
        const counted = typeof placeholder === 'function' ? (d: string, p: string) => (calls.push(d), placeholder(d, p)) : placeholder;
        const out = Buffer.from(applyMasks(body, spans, { placeholder: counted }));
        expect(out.equals(applyOracle(body, spans, placeholder))).toBe(true);
        if (typeof placeholder === 'function') expect(calls.length).toBe(spans.length === 0 ? 0 : mergeSpans(spans).length); // once per span
      }),
      { numRuns: 400 },
    );
  });
});

