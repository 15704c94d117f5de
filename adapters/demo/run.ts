/** @module demo/run — `make demo`: the main job end to end on the embedded defaults; exits 1 when an expected outcome is missing. */
import { rmSync } from 'node:fs';
import { approvedDelete, internalApi } from './approval-steps.js';
import { verifyAndReplay } from './audit-steps.js';
import { createDemo } from './context.js';
import { RAW_SECRETS, blockedToolCall, deniedPrompts, maskedConversation } from './conversation-steps.js';
import { compileAndLoadBuiltin, decideSamples } from './policy-steps.js';
import { startStack, stopStack } from './stack.js';

const DEADLINE_MS = 55_000;
const demo = createDemo((line) => process.stdout.write(`${line}\n`));

async function main(): Promise<void> {
  demo.say(`Sluice demo — embedded defaults (temp dir ${demo.dir})\n`);
  const policy = await compileAndLoadBuiltin(demo.say);
  decideSamples(policy, demo);
  const stack = await startStack(demo, policy);
  try {
    await maskedConversation(stack, demo);
    await deniedPrompts(stack, demo);
    await blockedToolCall(stack, demo);
    await internalApi(stack, demo);
    await approvedDelete(stack, demo);
  } finally {
    await stopStack(stack);
  }
  await verifyAndReplay(stack.auditPath, RAW_SECRETS, demo);
}

const deadline = setTimeout(() => {
  demo.say(`\ndemo FAILED: not done after ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);
try {
  await main();
} catch (err) {
  demo.check(false, `no error (${err instanceof Error ? err.stack : String(err)})`);
} finally {
  clearTimeout(deadline);
  if (!process.env.SLUICE_DEMO_KEEP) rmSync(demo.dir, { recursive: true, force: true });
}
const { checked, failures } = demo;
demo.say(failures.length ? `\ndemo FAILED: ${failures.length} of ${checked} expected outcomes missing` : `\ndemo ok: ${checked} expected outcomes seen`);
process.exitCode = failures.length ? 1 : 0;
