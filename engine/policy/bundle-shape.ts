/** @module policy/bundle-shape — the policy's input shape, computed at build time and kept in the bundle manifest. */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, extract } from 'tar';
import { planInputShape, type InputShape, type OpaPlan } from './input-shape.js';
import { runOpa } from './opa.js';

/** The manifest `metadata` key holding the shape, tied to the wasm it was computed for. */
export const INPUT_SHAPE_KEY = 'sluice_input_shape';

interface ShapeRecord {
  wasm_sha256: string;
  shape: InputShape;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Compile `dir` to an OPA plan (the IR the wasm is built from, same compiler and entrypoints), analyse which
 * input paths it can read, and record that in `bundle`'s `.manifest` metadata (the wasm is not touched).
 *
 * @example
 * await annotateInputShape('/tmp/x.tar.gz', findOpa(), 'rules/policies', ['sluice/decision']);
 */
export async function annotateInputShape(bundle: string, opa: string, dir: string, entrypoints: string[]): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'sluice-shape-'));
  try {
    const plan = join(work, `plan-${randomUUID()}.tar.gz`);
    const args = ['build', '-t', 'plan', '--ignore', '*_test.rego', '-o', plan];
    for (const entrypoint of entrypoints) args.push('-e', entrypoint);
    await runOpa(opa, [...args, dir]);
    const planDir = join(work, 'plan');
    const bundleDir = join(work, 'bundle');
    await Promise.all([mkdir(planDir), mkdir(bundleDir)]);
    await extract({ file: plan, cwd: planDir });
    await extract({ file: bundle, cwd: bundleDir });
    const shape = planInputShape(JSON.parse(await readFile(join(planDir, 'plan.json'), 'utf8')) as OpaPlan);
    const manifestPath = join(bundleDir, '.manifest');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    const record: ShapeRecord = { wasm_sha256: sha256(await readFile(join(bundleDir, 'policy.wasm'))), shape };
    manifest.metadata = { ...(manifest.metadata as Record<string, unknown> | undefined), [INPUT_SHAPE_KEY]: record };
    await writeFile(manifestPath, JSON.stringify(manifest));
    await create({ gzip: true, file: bundle, cwd: bundleDir, portable: true }, await readdir(bundleDir));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The input shape recorded in a manifest for exactly this wasm, or `true` (the whole input) when there is none,
 * it is malformed, or it was computed for other wasm bytes.
 *
 * @example
 * const shape = inputShapeOf(artifact.manifest, artifact.wasm);
 */
export function inputShapeOf(manifest: Record<string, unknown> | null, wasm: Uint8Array): InputShape {
  const record = (manifest?.metadata as Record<string, unknown> | undefined)?.[INPUT_SHAPE_KEY] as ShapeRecord | undefined;
  if (!record || typeof record.wasm_sha256 !== 'string' || !isShape(record.shape)) return true;
  return record.wasm_sha256 === sha256(wasm) ? record.shape : true;
}

function isShape(value: unknown): value is InputShape {
  if (value === true) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { keys, items } = value as { keys?: unknown; items?: unknown };
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) return false;
  if (items !== undefined && !isShape(items)) return false;
  return Object.values(keys).every(isShape);
}
