/** @module stream/real-scanner.test — inspect and mask with the real JS and native scanners and built-in detectors. */
import { describe, it, expect } from 'vitest';
import { createScanner, scannerInfo } from '../scan/select.js';
import { inspectJson } from './inspect.js';
import { applyMasks } from './rewriter.js';
import { createJsonMasker } from './masker.js';
import { anthropicRequest } from '../../bench/payloads.js';

const nativeAvailable = (() => {
  try {
    return scannerInfo('native').engine === 'native';
  } catch {
    return false;
  }
})();

describe.each([
  ['js', true],
  ['native', nativeAvailable], // skipped when the Vectorscan binding is not built (make native)
] as const)('with the real %s scanner and the builtin detectors', (engine, available) => {
  it.skipIf(!available)('masks planted secrets in a 64 KB Anthropic request; shape kept; streaming = whole', () => {
    const scanner = createScanner({ engine });
    const body = anthropicRequest(64 * 1024, 11);
    const { spans, findings, facts } = inspectJson(body, { scanner, extract: true });
    expect(facts?.provider).toBe('anthropic');
    expect(facts?.tool_calls.length).toBeGreaterThan(0);
    const ids = new Set(findings.map((f) => f.detector));
    expect(ids.size).toBeGreaterThan(3);
    const masked = Buffer.from(applyMasks(body, spans));
    const before = JSON.parse(body.toString());
    const after = JSON.parse(masked.toString());
    const shape = (v: unknown): unknown => (Array.isArray(v) ? v.map(shape) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v);
    expect(shape(after)).toEqual(shape(before));
    expect(masked.toString()).not.toMatch(/AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}|sk_live_[A-Za-z0-9]{24}/);
    const m = createJsonMasker({ scanner });
    const parts: Uint8Array[] = [];
    for (let i = 0; i < body.length; i += 4093) parts.push(m.write(body.subarray(i, i + 4093)));
    parts.push(m.end());
    expect(Buffer.concat(parts).equals(masked)).toBe(true);
  }, 60_000); // native compile + a loaded machine
});
