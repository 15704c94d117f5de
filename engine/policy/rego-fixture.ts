/** @module policy/rego-fixture — test helper: compiles small Rego fixtures once into a temp dir (content-hash cached). */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildBundle } from './build.js';
import { findOpa } from './opa.js';

/** Where fixtures and their compiled bundles live (kept between runs so the suite stays fast). */
export const FIXTURE_ROOT = join(tmpdir(), 'sluice-rego-fixtures');

/** True when an OPA compiler can be found (tests that compile Rego skip without it). */
export const opaAvailable = ((): boolean => {
  try {
    findOpa();
    return true;
  } catch {
    return false;
  }
})();

/**
 * Write `files` (name → content) into a directory named by their hash; returns the directory.
 *
 * @example
 * const dir = writeFixture({ 'p.rego': 'package sluice\ndecision := 1' });
 */
export function writeFixture(files: Record<string, string>): string {
  const hash = createHash('sha256').update(JSON.stringify(Object.entries(files).sort())).digest('hex').slice(0, 16);
  const dir = join(FIXTURE_ROOT, 'src', hash);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/**
 * Compile Rego fixture files to a bundle (.tar.gz path); unchanged fixtures are served from the cache.
 *
 * @example
 * const bundle = await compileFixture({ 'p.rego': 'package sluice\ndecision := {"allow": true}' });
 */
export async function compileFixture(files: Record<string, string>, entrypoints?: string[]): Promise<string> {
  const { out } = await buildBundle({ dir: writeFixture(files), entrypoints, cacheDir: join(FIXTURE_ROOT, 'cache') });
  return out;
}

/** A well-formed decision as Rego object text, with `overrides` merged in (Rego expressions by key). */
export function regoDecision(overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    allow: 'true',
    reasons: '[]',
    mask: '{"detectors": ["*"], "paths": []}',
    patch: '[]',
    approval: 'null',
    record: 'true',
    ...overrides,
  };
  return `{${Object.entries(fields)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `"${k}": ${v}`)
    .join(', ')}}`;
}
