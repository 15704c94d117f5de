/** @module cli/test-helpers — run the CLI router in-process with captured stdout/stderr (tests only). */
import { PassThrough, Readable } from 'node:stream';
import { runCli } from './router.js';

/** What one in-process CLI run produced. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Run `sluice <argv…>` through the real router, feeding `stdinText` and capturing both output streams.
 *
 * @example
 * const { code, out } = await runCliCaptured(['identity', 'hash-key', '-'], 'sk-123');
 */
export async function runCliCaptured(argv: string[], stdinText = ''): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await runCli(argv, { stdin: Readable.from(stdinText ? [stdinText] : []), stdout, stderr });
  return { code, out, err };
}
