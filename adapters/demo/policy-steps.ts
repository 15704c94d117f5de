/** @module demo/policy-steps — demo steps for the policy core: compile the built-in rules, decide the sample inputs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltinBundle, loadPolicy, packageRoot, type Decision, type PolicyEngine, type PolicyInput } from '../../engine/index.js';
import type { Demo, Say } from './context.js';

/**
 * Compile rules/policies into rules/build/default.tar.gz (cached) and load it.
 *
 * @example
 * const engine = await compileAndLoadBuiltin(console.log);
 */
export async function compileAndLoadBuiltin(say: Say): Promise<PolicyEngine> {
  const started = performance.now();
  const bundle = await ensureBuiltinBundle();
  const engine = await loadPolicy(bundle);
  const { abi, entrypoint } = engine.info;
  say(`policy  built-in rules compiled to ${bundle.replace(`${packageRoot()}/`, '')} (ABI ${abi}, entrypoint ${entrypoint}) in ${Math.round(performance.now() - started)} ms`);
  return engine;
}

function verdict(decision: Decision): string {
  if (!decision.allow) return `DENY ${decision.status ?? 403}`;
  if (decision.approval) return `HOLD for ${decision.approval.approvers.join(',')} (${decision.approval.timeout_s}s)`;
  return 'ALLOW';
}

/**
 * Decide every sample input in rules/examples and print one readable line per decision.
 *
 * @example
 * decideSamples(engine, demo);
 */
export function decideSamples(engine: PolicyEngine, { say, check }: Demo): void {
  const dir = join(packageRoot(), 'rules', 'examples');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const input = JSON.parse(readFileSync(join(dir, file), 'utf8')) as PolicyInput;
    const decision = engine.decide(input);
    const what = `${input.phase} ${input.adapter} ${input.http.method} ${input.http.host}${input.http.path}`;
    say(`  ${file.replace(/\.json$/, '').padEnd(22)} ${verdict(decision).padEnd(32)} ${what}`);
    for (const reason of decision.reasons) say(`  ${''.padEnd(22)} ↳ ${reason}`);
    if (decision.error) say(`  ${''.padEnd(22)} ↳ policy error ${decision.error.code}`);
  }
  const { decisions, allowed, denied, errors } = engine.stats;
  say(`policy  ${decisions} decisions: ${allowed} allowed, ${denied} denied, ${errors} errors; every finding masked (mask.detectors ["*"])`);
  check(decisions > 0 && denied > 0 && errors === 0, 'the sample inputs are decided without policy errors');
}
