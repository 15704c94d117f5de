/** @module cli/audit — `sluice audit verify <log...>`: check hash chains; exit 1 on any tampering. */
import { verifyAuditLog, type VerifyResult } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, usageError, type Command } from './command.js';

const HELP = `sluice audit — verify tamper-evident audit logs

Usage:
  sluice audit verify <log...> [--allow-open] [--anchor SEQ:HASH] [--chain] [--json]

Each <log> is an active log path; its rotated files (<log>.<12-digit seq>) are found and checked with it.
  --chain        treat the given files as ONE chain, in the order given (instead of one log each)
  --allow-open   accept a log whose writer is still running or crashed (no final seal record)
  --anchor       a head kept elsewhere (e.g. a published checkpoint): record SEQ must have HASH;
                 this also catches a log truncated back to an earlier, self-consistent state

Exit codes: 0 every log verifies · 1 a log was edited, reordered, truncated or is unreadable · 2 usage error
`;

function parseAnchor(text: string | undefined): { seq: number; hash: string } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw usageError('--anchor must be SEQ:HASH (decimal seq, 64 hex digits)');
  return { seq: Number(match[1]), hash: match[2]! };
}

function describe(target: string, r: VerifyResult): string {
  if (r.ok) {
    return `ok  ${target}: ${r.records} records, ${r.events} events, ${r.checkpoints} checkpoints, ${r.files.length} file(s), ${r.sealed ? 'sealed' : 'open'}, head ${r.head}`;
  }
  const where = r.error ? `${r.error.file}${r.error.line ? `:${r.error.line}` : ''}` : target;
  return `BAD ${target}: first bad seq ${r.firstBadSeq} at ${where}: ${r.error?.reason}`;
}

/**
 * The `sluice audit` command.
 *
 * @example
 * // $ sluice audit verify /var/log/sluice/audit.jsonl
 * // ok  /var/log/sluice/audit.jsonl: 2051 records, 2046 events, 2 checkpoints, 1 file(s), sealed, head 3f1c…
 */
export const command: Command = {
  name: 'audit',
  summary: 'verify hash-chained audit logs (exit 1 on tampering)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      'allow-open': { type: 'boolean' },
      anchor: { type: 'string' },
      chain: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [action, ...logs] = positionals;
    if (action !== 'verify') throw usageError(action === undefined ? 'missing action (verify)' : `unknown action '${action}'`);
    if (logs.length === 0) throw usageError('verify needs at least one log');
    const options = { allowOpen: values['allow-open'] === true, anchor: parseAnchor(values.anchor) };
    const targets: Array<[string, string | string[]]> = values.chain ? [[logs.join(' '), logs]] : logs.map((l) => [l, l]);
    let failed = false;
    const results: Array<VerifyResult & { log: string }> = [];
    for (const [name, paths] of targets) {
      const result = await verifyAuditLog(paths, options);
      failed ||= !result.ok;
      results.push({ log: name, ...result });
      if (!values.json) println(result.ok ? io.stdout : io.stderr, describe(name, result));
    }
    if (values.json) println(io.stdout, JSON.stringify(results, null, 2));
    return failed ? EXIT.FAILED : EXIT.OK;
  },
};
