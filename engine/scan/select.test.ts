/** @module scan/select.test — engine selection, fallback when the addon is missing, and the compiled-database cache. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DetectorDefinition, Match } from './scanner.js';
import { createScanner, scannerInfo } from './select.js';
import { loadNative } from './native.js';
import { clearDatabaseCache } from './cache.js';

// With libhs installed the addon must load (make setup builds it); without libhs only the fallback can run.
const nativeTestable = loadNative().ok || spawnSync('pkg-config', ['--exists', 'libhs']).status === 0;

const def = (id: string, pattern: string, maxLength: number, keywords: string[]): DetectorDefinition => ({
  id, pattern, maxLength, keywords, category: 'secret', description: 'test detector', confidence: 0.9, examples: { match: [], noMatch: [] },
});
const TEST_DETECTORS = [def('gh-token', 'ghp_[A-Za-z0-9]{36}', 40, ['ghp_']), def('aws-key', 'AKIA[0-9A-Z]{16}', 20, ['akia'])];
const GH = `ghp_${'a1B2'.repeat(9)}`;
const strip = (ms: Match[]) => ms.map((m) => `${m.detector}@${m.start}-${m.end}`);

describe.skipIf(!nativeTestable)('compiled database cache (native)', () => {
  it('stores serialized databases on disk and reuses them; a corrupt entry is recompiled and replaced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-hs-'));
    try {
      const text = Buffer.from(`x ${GH} AKIAIOSFODNN7EXAMPLE`);
      clearDatabaseCache(); // earlier tests compiled this set in memory
      const first = createScanner({ engine: 'native', detectors: TEST_DETECTORS, cacheDir: dir });
      const expected = strip(first.scan(text));
      first.openStream().end();
      const files = readdirSync(join(dir, 'hs')).sort((a, b) => a.slice(64).localeCompare(b.slice(64)));
      expect(files.map((f) => f.replace(/^[0-9a-f]{64}/, 'KEY'))).toEqual(['KEY.block.db', 'KEY.stream.db']);
      clearDatabaseCache();
      expect(strip(createScanner({ engine: 'native', detectors: TEST_DETECTORS, cacheDir: dir }).scan(text))).toEqual(expected);
      writeFileSync(join(dir, 'hs', files[0]!), 'not a database');
      clearDatabaseCache();
      expect(strip(createScanner({ engine: 'native', detectors: TEST_DETECTORS, cacheDir: dir }).scan(text))).toEqual(expected);
      expect(readFileSync(join(dir, 'hs', files[0]!)).length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('engine selection and fallback', () => {
  const saved = { path: process.env.SLUICE_NATIVE_PATH, scanner: process.env.SLUICE_SCANNER };
  afterEach(() => {
    for (const [key, value] of [['SLUICE_NATIVE_PATH', saved.path], ['SLUICE_SCANNER', saved.scanner]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('auto falls back to JS when the addon is missing, and scannerInfo says why', () => {
    process.env.SLUICE_NATIVE_PATH = '/nonexistent/sluice_hs.node';
    delete process.env.SLUICE_SCANNER;
    expect(createScanner({ detectors: TEST_DETECTORS }).engine).toBe('js');
    expect(scannerInfo()).toMatchObject({ engine: 'js', reason: expect.stringContaining('/nonexistent/sluice_hs.node is missing') });
    expect(() => createScanner({ engine: 'native', detectors: TEST_DETECTORS })).toThrow(
      expect.objectContaining({ code: 'SLUICE_ERR_SCANNER_UNAVAILABLE' }),
    );
  });

  it('an addon that exists but cannot load (e.g. libhs.so.5 missing) also falls back, with the loader error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-addon-'));
    try {
      const broken = join(dir, 'sluice_hs.node');
      writeFileSync(broken, 'not a shared object');
      process.env.SLUICE_NATIVE_PATH = broken;
      delete process.env.SLUICE_SCANNER;
      expect(scannerInfo()).toMatchObject({ engine: 'js', reason: expect.stringMatching(/native addon failed to load: .+/) });
      expect(createScanner({ detectors: TEST_DETECTORS }).engine).toBe('js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SLUICE_SCANNER overrides auto; a bad value or engine is an options error', () => {
    process.env.SLUICE_SCANNER = 'js';
    expect(createScanner({ detectors: TEST_DETECTORS }).engine).toBe('js');
    expect(scannerInfo().reason).toContain('SLUICE_SCANNER=js');
    process.env.SLUICE_SCANNER = 'fast';
    expect(() => createScanner({ detectors: TEST_DETECTORS })).toThrow(expect.objectContaining({ code: 'SLUICE_ERR_INVALID_OPTIONS' }));
    delete process.env.SLUICE_SCANNER;
    expect(() => createScanner({ engine: 'hs' as never, detectors: TEST_DETECTORS })).toThrow(
      expect.objectContaining({ code: 'SLUICE_ERR_INVALID_OPTIONS' }),
    );
    expect(() => createScanner({ engine: 'js', detectors: [TEST_DETECTORS[0]!, TEST_DETECTORS[0]!] })).toThrow(
      expect.objectContaining({ code: 'SLUICE_ERR_DETECTOR_INVALID' }),
    );
  });

  it.skipIf(!nativeTestable)('auto picks native when the addon loads', () => {
    delete process.env.SLUICE_SCANNER;
    delete process.env.SLUICE_NATIVE_PATH;
    expect(scannerInfo()).toMatchObject({ engine: 'native', libhs: expect.stringMatching(/^\d+\.\d+/) });
    expect(createScanner({ detectors: TEST_DETECTORS }).engine).toBe('native');
  });
});
