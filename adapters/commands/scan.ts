/** @module cli/scan — `sluice scan`: print findings as JSON lines (detector, category, pointer, byte offsets — never the value). */
import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { inspectJson, isSluiceError } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, type Command } from './command.js';
import { bodyMasker, streamSetup } from './stream-io.js';

const HELP = `Usage: sluice scan [--format json|sse] [--engine auto|js|native] [FILE...]

Print one JSON line per finding and never the value:
  json: {"file","detector","category","pointer","start","end"}  (raw byte offsets in the file)
  sse:  {"file","detector","category","pointer","count"}         (pointer into the stitched event data)
Without FILE, stdin is scanned. A file that fails prints an error line naming it and exits 1.

Options:
  -f, --format json|sse    body format (default json)
  -e, --engine <engine>    scanner engine: auto (default), js or native
  -h, --help               this help

Example: sluice scan request.json | jq -r .detector | sort | uniq -c`;

/** `sluice scan`. */
export const command: Command = {
  name: 'scan',
  summary: 'print findings in JSON or SSE bodies as JSON lines (never the values)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string', short: 'f' },
      engine: { type: 'string', short: 'e' },
    });
    const { format, scanner } = streamSetup(values.format, values.engine);
    const inputs = positionals.length === 0 ? ['-'] : positionals;
    let code: number = EXIT.OK;
    for (const file of inputs) {
      try {
        const body = file === '-' ? await buffer(io.stdin) : await readFile(file);
        const name = file === '-' ? '<stdin>' : file;
        if (format === 'json') {
          for (const s of inspectJson(body, { scanner }).spans) {
            println(io.stdout, JSON.stringify({ file: name, detector: s.detector, category: s.category, pointer: s.pointer, start: s.start, end: s.end }));
          }
        } else {
          const m = bodyMasker('sse', scanner);
          await m.write(body);
          await m.end();
          for (const f of m.findings()) println(io.stdout, JSON.stringify({ file: name, detector: f.detector, category: f.category, pointer: f.path, count: f.count }));
        }
      } catch (err) {
        println(io.stderr, `sluice scan: ${file}: ${isSluiceError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
        code = EXIT.FAILED;
      }
    }
    return code;
  },
};
