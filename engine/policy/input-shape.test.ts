/** @module policy/input-shape.test — the input shape read from real OPA plans (needs the OPA compiler). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputShapeOf } from './bundle-shape.js';
import { planInputShape, type InputShape } from './input-shape.js';
import { parseArtifact } from './load.js';
import { findOpa, runOpa } from './opa.js';
import { builtinPolicyDir } from './paths.js';
import { compileFixture, FIXTURE_ROOT, opaAvailable, writeFixture } from './rego-fixture.js';

async function shapeOf(rego: string): Promise<InputShape> {
  const dir = writeFixture({ 'p.rego': `package sluice\n\n${rego}\n` });
  return planShape(dir);
}

async function planShape(dir: string): Promise<InputShape> {
  const out = join(FIXTURE_ROOT, `plan-${process.pid}-${Math.random().toString(36).slice(2)}.tar.gz`);
  await runOpa(findOpa(), ['build', '-t', 'plan', '--ignore', '*_test.rego', '-e', 'sluice/decision', '-o', out, dir]);
  const { x } = await import('tar');
  const cwd = `${out}.d`;
  (await import('node:fs')).mkdirSync(cwd, { recursive: true });
  await x({ file: out, cwd });
  return planInputShape(JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8')));
}

describe.skipIf(!opaAvailable)('planInputShape (needs the OPA compiler: make opa)', () => {
  it('finds exactly the paths the built-in rules read', async () => {
    expect(await planShape(builtinPolicyDir())).toEqual({
      keys: {
        phase: { keys: {} },
        findings: { keys: {}, items: { keys: { detector: true } } },
        http: { keys: { host: true, method: true, path: true } },
        llm: { keys: { tool_calls: { keys: {}, items: { keys: { input: true, name: true } } }, provider: true } },
        body: { keys: { bytes: true } },
        identity: { keys: { authenticated: { keys: {} } } },
        adapter: true,
      },
    });
  });

  it('keeps a value passed to a builtin whole, and prunes one only compared with a constant', async () => {
    expect(await shapeOf('decision := {"n": count(input.a), "b": input.b != null, "c": input.c.d == "x"}')).toEqual({
      keys: { a: true, b: { keys: {} }, c: { keys: { d: { keys: {} } } } },
    });
  });

  it('follows values through user functions and their results', async () => {
    const rego = 'f(x) := x.inner\n\ng(y) := y.leaf\n\ndecision := g(f(input.outer))';
    expect(await shapeOf(rego)).toEqual({ keys: { outer: { keys: { inner: { keys: { leaf: true } } } } } });
  });

  it('keeps the whole input for a whole-input reference, a dynamic key or `with`', async () => {
    expect(await shapeOf('decision := {"all": input}')).toBe(true);
    expect(await shapeOf('decision := [v | some k in data.keys; v := input.m[k]]')).toEqual({ keys: { m: true } });
    expect(await shapeOf('x := input.a\n\ndecision := y if {\n\ty := x with input.a as 1\n}')).toBe(true);
  });

  it('keeps every key of an object the policy iterates (arrays keep each element, pruned)', async () => {
    expect(await shapeOf('decision := [k | some k, _ in input.m]')).toEqual({ keys: { m: { keys: {}, items: { keys: {} } } } });
  });
});

describe.skipIf(!opaAvailable)('the shape in the bundle manifest', () => {
  it('is recorded by buildBundle and only trusted for the very wasm it was computed for', async () => {
    const artifact = parseArtifact(readFileSync(await compileFixture({ 'p.rego': 'package sluice\n\ndecision := input.a.b\n' })));
    expect(inputShapeOf(artifact.manifest, artifact.wasm)).toEqual({ keys: { a: { keys: { b: true } } } });
    const other = Uint8Array.from(artifact.wasm);
    other[other.length - 1] ^= 1;
    expect(inputShapeOf(artifact.manifest, other)).toBe(true);
    expect(inputShapeOf(null, artifact.wasm)).toBe(true);
    expect(inputShapeOf({ metadata: { sluice_input_shape: { wasm_sha256: 'x', shape: { keys: 1 } } } }, artifact.wasm)).toBe(true);
  });
});
