/** @module stream/stitch.test — the hold-back plan: small for ordinary text, a long detector's maxLength near its keyword; secrets never leak. */
import { describe, it, expect } from 'vitest';
import { createScanner } from '../scan/select.js';
import { HoldPlan, KEYWORD_REACH, TextStitcher } from './stitch.js';

const scanner = createScanner({ engine: 'js' });
const plan = new HoldPlan(scanner.detectors);
const render = (d: string): string => `[REDACTED:${d}]`;
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', ...Array.from({ length: 12 }, (_, i) => `MIIEowIBAAKCAQEA${String(i).padStart(2, '0')}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR`), '-----END RSA PRIVATE KEY-----'].join('\n');

describe('HoldPlan with the built-in detectors', () => {
  it('every long detector with keywords has a keyword within KEYWORD_REACH bytes of the start of its examples', () => {
    const long = scanner.detectors.filter((d) => d.maxLength > 64 && d.keywords.length > 0);
    expect(long.length).toBeGreaterThan(10);
    for (const d of long) {
      for (const example of d.examples.match) {
        const lower = example.toLowerCase();
        const at = Math.min(...d.keywords.map((k) => { const i = lower.indexOf(k.toLowerCase()); return i < 0 ? Infinity : i; }));
        expect({ detector: d.id, at: at <= KEYWORD_REACH }).toEqual({ detector: d.id, at: true });
      }
    }
  });

  it('holds tens of bytes of ordinary text, and a long detector maxLength from near its keyword', () => {
    expect(plan.base).toBeLessThanOrEqual(128); // the longest detector without keywords
    const prose = Buffer.from('The quarterly report shows steady growth across all regions. '.repeat(40));
    expect(prose.length - plan.holdFrom(prose)).toBe(plan.base);
    const keyed = Buffer.concat([prose, Buffer.from('-----BEGIN RSA PRIV')]);
    expect(keyed.length - plan.holdFrom(keyed)).toBeGreaterThan(19); // the key's beginning is held with reach
    expect(plan.holdFrom(keyed)).toBeGreaterThanOrEqual(keyed.length - 19 - KEYWORD_REACH);
  });
});

describe('TextStitcher with the built-in detectors', () => {
  it('keeps a surrogate pair split across deltas whole (no U+FFFD), at every split', () => {
    const text = `${'words '.repeat(30)}merci beaucoup 🙏, à bientôt 😀${'x'.repeat(40)}`;
    for (let cut = 1; cut < text.length; cut++) {
      const s = new TextStitcher(scanner, '/content/0/text', render, plan);
      expect(s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.flush(), `split at ${cut}`).toBe(text);
    }
  });

  it('still counts a context word released before a held match (any split into two deltas)', () => {
    // the trailing x's look like the start of a Slack token: the tail from 128 bytes before them stays held
    const text = `Please wire it. Account routing no. 021000021 and ${'x'.repeat(300)} more.`;
    for (let cut = 1; cut < text.length; cut++) {
      const s = new TextStitcher(scanner, '/content/0/text', render, plan);
      const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.flush();
      expect(out, `split at ${cut}`).toBe(text.replace('021000021', '[REDACTED:us-bank-routing-number]'));
    }
  });

  it('masks a private key streamed in small deltas; ordinary text before it is released early', () => {
    const text = `Here is the report. ${'Plain words keep flowing. '.repeat(20)}Key:\n${PEM}\nDone.`;
    for (const size of [3, 17, 64]) {
      const s = new TextStitcher(scanner, '/content/0/text', render, plan);
      let out = '';
      let firstRelease = -1;
      for (let i = 0; i < text.length; i += size) {
        out += s.push(text.slice(i, i + size));
        if (firstRelease < 0 && out.length > 0) firstRelease = i + size;
      }
      out += s.flush();
      expect(out).toContain('[REDACTED:private-key]');
      expect(out).not.toContain('MIIEowIBAAKCAQEA');
      expect(firstRelease).toBeLessThan(200); // time to first text: not kilobytes of hold-back
    }
  });
});
