/** @module demo/run — `make demo`: the main job end to end on the embedded defaults, one step after another. */
import { compileAndLoadBuiltin, decideSamples, type Say } from './policy-steps.js';
import { runConversation } from './pipeline-steps.js';

const say: Say = (line) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  say('Sluice demo — embedded defaults\n');
  const policy = await compileAndLoadBuiltin(say);
  decideSamples(policy, say);
  await runConversation(policy, say);
}

await main();
