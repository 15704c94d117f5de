/** @module cli/command — the shape of one CLI command, its I/O and exit codes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SluiceError } from '../../engine/index.js';

/** Exit codes: 0 ok, 1 a decision or operation failed, 2 usage error. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** The streams a command reads and writes (tests pass their own). */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** One `sluice <name>` command. `run` returns the exit code; a thrown usage error exits 2. */
export interface Command {
  name: string;
  summary: string;
  /** Full help text printed by `sluice <name> --help`. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/**
 * Parse argv strictly with node:util parseArgs; unknown flags become a usage error (exit 2).
 *
 * @example
 * const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string', short: 'o' } });
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

/**
 * A usage error: the router prints it with the command's help hint and exits 2.
 *
 * @example
 * if (!values.input) throw usageError('--input is required');
 */
export function usageError(message: string): SluiceError {
  return new SluiceError('SLUICE_ERR_USAGE', message);
}

/** Write one line to a stream. */
export function println(stream: NodeJS.WritableStream, line: string): void {
  stream.write(line.endsWith('\n') ? line : `${line}\n`);
}
