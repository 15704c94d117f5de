/** @module cli/router — finds the command, prints help, maps errors to exit codes. */
import { isSluiceError } from '../../engine/index.js';
import { EXIT, println, type CliIO, type Command } from './command.js';

/** Commands are loaded lazily so `sluice --help` stays fast. Add one line per command. */
const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  // policy
  build: () => import('./build.js'),
  decide: () => import('./decide.js'),
  // stream
  mask: () => import('./mask.js'),
  scan: () => import('./scan.js'),
  // scan
  doctor: () => import('./doctor.js'),
  // identity / approval / audit
  approvals: () => import('./approvals.js'),
  audit: () => import('./audit.js'),
  replay: () => import('./replay.js'),
  identity: () => import('./identity.js'),
  // pipeline
};

const TOP_HELP = `sluice — an in-process policy enforcement point for AI traffic

Usage: sluice <command> [options]     (sluice <command> --help for details)

Exit codes: 0 ok · 1 a decision or operation failed · 2 usage error
`;

async function topHelp(): Promise<string> {
  const lines = [TOP_HELP, 'Commands:'];
  for (const name of Object.keys(COMMANDS).sort()) {
    const { command } = await COMMANDS[name]!();
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  return lines.join('\n');
}

/**
 * Run the CLI with the given argv (without node and script) and return the exit code.
 *
 * @example
 * const code = await runCli(['decide', '--input', 'in.json'], { stdin, stdout, stderr });
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    println(name === undefined ? io.stderr : io.stdout, await topHelp());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const load = COMMANDS[name];
  if (!load) {
    println(io.stderr, `sluice: unknown command '${name}' (see sluice --help)`);
    return EXIT.USAGE;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    println(io.stdout, command.help);
    return EXIT.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isSluiceError(err, 'SLUICE_ERR_USAGE')) {
      println(io.stderr, `sluice ${name}: ${err.message} (see sluice ${name} --help)`);
      return EXIT.USAGE;
    }
    const code = isSluiceError(err) ? `${err.code}: ` : '';
    println(io.stderr, `sluice ${name}: ${code}${(err as Error)?.message ?? String(err)}`);
    return EXIT.FAILED;
  }
}
