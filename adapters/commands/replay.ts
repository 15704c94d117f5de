/** @module cli/replay — `sluice replay <log> [--session ID]`: print an exchange timeline from an audit log. */
import { formatTimeline, replay } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, usageError, type Command } from './command.js';

const HELP = `sluice replay — print the exchanges recorded in an audit log

Usage:
  sluice replay <log> [--session ID] [--json]

Per session and exchange, in log order: request → decision → response, with masked bodies and,
for streamed responses, the text and tool inputs rebuilt from the recorded (masked) SSE events.
The log is verified first; a log that does not verify is still printed, with a warning, and exits 1.
`;

/**
 * The `sluice replay` command.
 *
 * @example
 * // $ sluice replay audit.jsonl --session sess-42
 * // log verified: 4 events, head 9c1e…
 * // session sess-42
 * //   exchange x1 · svc-ci (oidc) · undici
 * //     #1 … request POST api.anthropic.com/v1/messages → allow · findings aws-access-key-id×1
 */
export const command: Command = {
  name: 'replay',
  summary: 'print the exchange timeline of an audit log',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { session: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw usageError('replay takes exactly one log');
    const timeline = await replay(positionals[0]!, values.session === undefined ? {} : { session: values.session });
    if (values.json) println(io.stdout, JSON.stringify(timeline, null, 2));
    else io.stdout.write(formatTimeline(timeline));
    if (values.session !== undefined && timeline.sessions.length === 0) println(io.stderr, `no events for session ${values.session}`);
    return timeline.verify.ok ? EXIT.OK : EXIT.FAILED;
  },
};
