/** @module bench/decision — Sluice decide() vs a plain opa-wasm evaluate(object) of the same built-in policy wasm. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy as loadOpaWasm } from '@open-policy-agent/opa-wasm';
import { buildBundle, ensureBuiltinBundle, loadPolicy, packageRoot, parseArtifact, type PolicyInput } from '../engine/index.js';
import { prepareRuntime } from '../engine/policy/runtime.js';
import { isMain, measure, printTable, type BenchResult, type Measured } from './types.js';

const examplesDir = join(packageRoot(), 'rules', 'examples');

function example(name: string): PolicyInput {
  return JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8')) as PolicyInput;
}

/** measure() `repeats` times (each is BENCH_ROUNDS interleaved rounds) and keep each case's best round. */
async function bestOf(suite: string, cases: Record<string, () => unknown>, repeats: number): Promise<Measured[]> {
  let best = await measure(suite, cases);
  for (let i = 1; i < repeats; i++) {
    const next = await measure(suite, cases);
    best = best.map((m, k) => (next[k]!.hz > m.hz ? next[k]! : m));
  }
  return best;
}

/**
 * The floor: a policy with no rules (`decision := data.config.decision`, same data) evaluated by one opa_eval
 * of a JSON text, so only parsing the input and dumping the result remain. Undefined without an OPA compiler.
 */
async function emptyPolicyEval(): Promise<((json: string) => unknown) | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-empty-policy-'));
  writeFileSync(join(dir, 'p.rego'), 'package sluice\n\ndecision := data.config.decision\n');
  writeFileSync(join(dir, 'data.json'), readFileSync(join(packageRoot(), 'rules', 'policies', 'data.json')));
  try {
    const { out } = await buildBundle({ dir });
    const runtime = await prepareRuntime(parseArtifact(readFileSync(out), out), { memory: { initialPages: 8, maxPages: 1024 } });
    return (json) => runtime.instance.evaluateInPlace(json, runtime.entrypointId);
  } catch {
    return undefined;
  }
}

/**
 * Decisions per second of the built-in policy: the compact clean request (~500 B), a rotation of four
 * realistic inputs (PII response, destructive tool call, HTTP DELETE), and HTTP DELETEs whose held decision
 * quotes a new path each call (no result recurs, so decide() parses and validates every one). Baseline: opa-wasm `evaluate(object)`
 * on an instance of the same wasm with the same data, as most Node services call OPA today. Every row is a
 * full evaluation (no decision cache keyed on the input). `DECISION_BENCH_REPEATS` (default 2) multiplies
 * the interleaved rounds; the machine's load average is noted on the baseline row.
 *
 * @example
 * const rows = await run(); // rows[1].ratio = sluice decide / opa-wasm evaluate
 */
export async function run(): Promise<BenchResult[]> {
  const bundle = await ensureBuiltinBundle();
  const artifact = parseArtifact(readFileSync(bundle), bundle);
  const plain = await loadOpaWasm(artifact.wasm as Uint8Array<ArrayBuffer>);
  plain.setData(artifact.data ?? {});
  const engine = await loadPolicy(bundle);
  const unchecked = await loadPolicy(bundle, { validateInput: false });

  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.json'))) {
    const input = example(file.replace(/\.json$/, ''));
    const expected = JSON.stringify(plain.evaluate(input)[0].result);
    for (const ours of [engine.decide(input), unchecked.decide(input)]) {
      if (ours.error || JSON.stringify(ours) !== expected) throw new Error(`decision differs for ${file}`);
    }
  }
  const compact = example('clean-request');
  const mixed = ['clean-request', 'pii-response', 'drop-table-tool-call', 'http-delete'].map(example);
  // Every decision's reason quotes its own path, so no result recurs: the worst case for decide's result cache.
  const deletes = Array.from({ length: 4096 }, (_, k) => {
    const input = example('http-delete');
    return { ...input, http: { ...input.http, path: `/api/orders/${1000 + k}` } };
  });
  const compactJson = JSON.stringify(compact);
  const compactBytes = Buffer.byteLength(compactJson);
  const prunedJson = JSON.stringify(await prunedInput(bundle, compact));
  const floor = await emptyPolicyEval();
  const repeats = Math.max(1, Number(process.env.DECISION_BENCH_REPEATS ?? 2));
  let i = 0;
  const rows: BenchResult[] = [];
  const suites: [string, () => PolicyInput][] = [
    [`compact input (${compactBytes} B)`, () => compact],
    ['4 rotating inputs', () => mixed[i++ & 3]!],
    ['HTTP DELETE, a new path each call', () => deletes[i++ & 4095]!],
  ];
  for (const [label, next] of suites) {
    const load = loadavg()[0]!.toFixed(1);
    const [base, ours, raw] = await bestOf(`decision ${label}`, {
      'opa-wasm evaluate(object)': () => plain.evaluate(next()),
      'sluice decide': () => engine.decide(next()),
      'sluice decide, validateInput: false': () => unchecked.decide(next()),
    }, repeats);
    const suite = `decision, ${label}`;
    const unit = 'decisions/s';
    rows.push({ suite, name: 'opa-wasm evaluate(object)', hz: base!.hz, rme: base!.rme, unit, note: `baseline (load ${load})` });
    rows.push({ suite, name: 'sluice decide', hz: ours!.hz, rme: ours!.rme, unit, ratio: ours!.hz / base!.hz, note: 'validated input and decision' });
    rows.push({ suite, name: 'sluice decide, validateInput: false', hz: raw!.hz, rme: raw!.rme, unit, ratio: raw!.hz / base!.hz, note: 'validated decision' });
  }
  if (floor) {
    const suite = `floor: a policy with no rules, compact input`;
    const [full, pruned] = await bestOf(suite, {
      [`opa_eval of the ${compactBytes} B JSON`]: () => floor(compactJson),
      [`opa_eval of the pruned ${Buffer.byteLength(prunedJson)} B JSON`]: () => floor(prunedJson),
    }, repeats);
    for (const m of [full!, pruned!]) rows.push({ suite, name: m.name, hz: m.hz, rme: m.rme, unit: 'evaluations/s', note: 'no serialization, no rules' });
  }
  return rows;
}

/** The compact input as the built-in policy reads it (pruned to its input shape). */
async function prunedInput(bundle: string, input: PolicyInput): Promise<unknown> {
  const runtime = await prepareRuntime(parseArtifact(readFileSync(bundle), bundle), { memory: { initialPages: 8, maxPages: 1024 } });
  return runtime.slimInput(input);
}

if (isMain(import.meta.url)) printTable(await run());
