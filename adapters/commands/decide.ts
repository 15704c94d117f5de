/** @module cli/decide — `sluice decide --input <file|->`: print the policy decision as JSON, exit 1 when denied. */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { ensureBuiltinBundle, loadPolicy, type PolicyInput } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, usageError, type Command } from './command.js';

const HELP = `Usage: sluice decide --input <file|-> [--bundle <path>] [--data <file>] [--entrypoint <path>]

Evaluate one policy input (see README "Policy contract"; samples in rules/examples/) and print
the decision as JSON. The default bundle is the built-in policy (rules/build/default.tar.gz,
rebuilt from rules/policies when they changed and an OPA compiler is present).

Options:
  -i, --input <file|->     the input JSON (- reads stdin) (required)
  -b, --bundle <path>      a bundle .tar.gz, a raw .wasm, or a Rego directory
  -d, --data <file>        a JSON object replacing the bundle's data
  -e, --entrypoint <path>  the entrypoint (default sluice/decision)
  -h, --help               this help

Exit codes: 0 allowed · 1 denied (or the policy failed) · 2 usage error

Example: sluice decide --input rules/examples/aws-key-to-anthropic.json`;

async function readJson(path: string, stdin: NodeJS.ReadableStream, what: string): Promise<unknown> {
  let source: string;
  try {
    source = path === '-' ? await text(stdin) : await readFile(path, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(source);
  } catch (err) {
    throw usageError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** `sluice decide`. */
export const command: Command = {
  name: 'decide',
  summary: 'evaluate a policy input and print the decision (exit 1 when denied)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      input: { type: 'string', short: 'i' },
      bundle: { type: 'string', short: 'b' },
      data: { type: 'string', short: 'd' },
      entrypoint: { type: 'string', short: 'e' },
    });
    if (positionals.length > 0) throw usageError(`unexpected argument ${positionals[0]}`);
    if (!values.input) throw usageError('--input is required');
    const input = (await readJson(values.input, io.stdin, 'input')) as PolicyInput;
    const data = values.data ? await readJson(values.data, io.stdin, 'data') : undefined;
    if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) {
      throw usageError('--data must hold a JSON object');
    }
    const engine = await loadPolicy(values.bundle ?? (await ensureBuiltinBundle()), {
      entrypoint: values.entrypoint,
      data: data as Record<string, unknown> | undefined,
    });
    const decision = engine.decide(input);
    println(io.stdout, JSON.stringify(decision, null, 2));
    return decision.allow ? EXIT.OK : EXIT.FAILED;
  },
};
