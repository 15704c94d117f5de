/** @module demo/audit-steps — verify the sealed audit log with `sluice audit verify` and print a `sluice replay` timeline. */
import { readFileSync } from 'node:fs';
import { short, sluiceCli, type Demo } from './context.js';

/** Replay lines kept in the demo output (the full timeline: `sluice replay <log>`). */
const REPLAY_LINES = 40;

/**
 * Verify the hash chain from the CLI, check no raw secret was recorded, and print the replayed exchanges.
 *
 * @example
 * await verifyAndReplay('/tmp/sluice-demo-x/audit.jsonl', RAW_SECRETS, demo);
 */
export async function verifyAndReplay(auditPath: string, rawSecrets: readonly string[], demo: Demo): Promise<void> {
  demo.say('\nrecorded  one hash-chained audit log for both Sluice instances');
  const verify = await sluiceCli(['audit', 'verify', auditPath]);
  demo.say(`  $ sluice audit verify audit.jsonl\n    ${short((verify.stdout || verify.stderr).trim(), 150)}`);
  demo.check(verify.code === 0 && verify.stdout.startsWith('ok '), '`sluice audit verify` accepts the log');

  const log = readFileSync(auditPath, 'utf8');
  const leaked = rawSecrets.filter((secret) => log.includes(secret));
  demo.say(`  raw secrets in the log: ${leaked.length} (bodies are recorded as masked)`);
  demo.check(leaked.length === 0, 'no raw secret anywhere in the audit log');

  const replay = await sluiceCli(['replay', auditPath]);
  const lines = replay.stdout.trimEnd().split('\n');
  demo.say(`  $ sluice replay audit.jsonl   (${lines.length} lines, first ${Math.min(lines.length, REPLAY_LINES)})`);
  for (const line of lines.slice(0, REPLAY_LINES)) demo.say(`    ${short(line, 150)}`);
  demo.check(replay.code === 0, '`sluice replay` verifies and prints the timeline');
  demo.check(/stream \(\d+ events\): "Sure\. For the record, the token you gave me is \[REDACTED:slack-bot-token\]\."/.test(replay.stdout), 'replay rebuilds the streamed reply, masked');
  demo.check(/approval apr_[0-9a-f]+ approved by alice/.test(replay.stdout), 'replay shows the approval, its outcome and approver');
}
