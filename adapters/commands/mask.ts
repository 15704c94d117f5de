/** @module cli/mask — `sluice mask`: mask secrets and personal data in JSON or SSE bodies (stdin → stdout, or files). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isSluiceError } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, usageError, type Command } from './command.js';
import { bodyMasker, streamSetup } from './stream-io.js';

const HELP = `Usage: sluice mask [--format json|sse] [--engine auto|js|native] [--out-dir DIR] [FILE...]

Mask detected secrets and personal data in place; the JSON keeps its shape and untouched bytes.
Without FILE: stdin → stdout, streamed (on malformed input the output is a clean masked prefix,
an error line is printed and the exit code is 1). With FILEs: each file is masked as a whole;
with --out-dir one output per input with the same name, otherwise outputs go to stdout in order.
A file that fails produces no output, an error line naming it on stderr, and exit 1.

Options:
  -f, --format json|sse    body format (default json)
  -e, --engine <engine>    scanner engine: auto (default), js or native
  -o, --out-dir DIR        write one output file per input into DIR
  -h, --help               this help

Example: sluice mask --out-dir masked/ requests/*.json`;

/** `sluice mask`. */
export const command: Command = {
  name: 'mask',
  summary: 'mask secrets and PII in JSON or SSE bodies (shape-preserving)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string', short: 'f' },
      engine: { type: 'string', short: 'e' },
      'out-dir': { type: 'string', short: 'o' },
    });
    const { format, scanner } = streamSetup(values.format, values.engine);
    const outDir = values['out-dir'];
    if (positionals.length === 0) {
      if (outDir) throw usageError('--out-dir needs FILE arguments');
      const m = bodyMasker(format, scanner);
      try {
        for await (const chunk of io.stdin) io.stdout.write(await m.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
        io.stdout.write(await m.end());
        return EXIT.OK;
      } catch (err) {
        println(io.stderr, `sluice mask: <stdin>: ${isSluiceError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
        return EXIT.FAILED;
      }
    }
    let code: number = EXIT.OK;
    for (const file of positionals) {
      try {
        const body = await readFile(file);
        const m = bodyMasker(format, scanner);
        const out = Buffer.concat([await m.write(body), await m.end()]);
        if (outDir) {
          const target = join(outDir, basename(file));
          await writeFile(`${target}.partial`, out);
          await rename(`${target}.partial`, target);
        } else io.stdout.write(out);
      } catch (err) {
        println(io.stderr, `sluice mask: ${file}: ${isSluiceError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
        code = EXIT.FAILED;
      }
    }
    return code;
  },
};
