/** @module bench/decision — Sluice decide() vs a plain opa-wasm evaluate(object) of the same built-in policy wasm. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy as loadOpaWasm } from '@open-policy-agent/opa-wasm';
import { ensureBuiltinBundle, loadPolicy, packageRoot, parseArtifact, type PolicyInput } from '../engine/index.js';
import { isMain, measure, printTable, type BenchResult } from './types.js';

function example(name: string): PolicyInput {
  return JSON.parse(readFileSync(join(packageRoot(), 'rules', 'examples', `${name}.json`), 'utf8')) as PolicyInput;
}

/**
 * Decisions per second of the built-in policy: the compact clean request (~500 B) and a rotation of four
 * realistic inputs (PII response, destructive tool call, HTTP DELETE). Baseline: opa-wasm `evaluate(object)`
 * on an instance of the same wasm with the same data, as most Node services call OPA today.
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

  const compact = example('clean-request');
  const mixed = ['clean-request', 'pii-response', 'drop-table-tool-call', 'http-delete'].map(example);
  for (const input of mixed) {
    const expected = JSON.stringify(plain.evaluate(input)[0].result);
    const ours = engine.decide(input);
    if (ours.error || JSON.stringify(ours) !== expected) throw new Error(`decision differs for ${input.http.path}`);
  }
  const compactBytes = Buffer.byteLength(JSON.stringify(compact));
  let i = 0;
  const rows: BenchResult[] = [];
  const suites: [string, () => PolicyInput][] = [
    [`compact input (${compactBytes} B)`, () => compact],
    ['4 rotating inputs', () => mixed[i++ & 3]!],
  ];
  for (const [label, next] of suites) {
    const [base, ours, raw] = await measure(`decision ${label}`, {
      'opa-wasm evaluate(object)': () => plain.evaluate(next()),
      'sluice decide': () => engine.decide(next()),
      'sluice decide, no input schema check': () => engine.decideJson(JSON.stringify(next())),
    });
    const suite = `decision, ${label}`;
    const unit = 'decisions/s';
    rows.push({ suite, name: 'opa-wasm evaluate(object)', hz: base!.hz, rme: base!.rme, unit, note: 'baseline' });
    rows.push({ suite, name: 'sluice decide', hz: ours!.hz, rme: ours!.rme, unit, ratio: ours!.hz / base!.hz, note: 'validated input and decision' });
    rows.push({ suite, name: 'sluice decideJson(stringify)', hz: raw!.hz, rme: raw!.rme, unit, ratio: raw!.hz / base!.hz, note: 'validated decision' });
  }
  return rows;
}

if (isMain(import.meta.url)) printTable(await run());
