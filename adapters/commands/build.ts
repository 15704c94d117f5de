/** @module cli/build — `sluice build <dir> -o <out>`: compile a Rego directory to an OPA wasm bundle (cached). */
import { buildBundle, DEFAULT_ENTRYPOINT } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, usageError, type Command } from './command.js';

const HELP = `Usage: sluice build <dir> -o <out.tar.gz> [-e <entrypoint>]... [--opa <path>]

Compile a directory of Rego (and data.json) into an OPA bundle with \`opa build -t wasm\`
(policy.wasm + data.json + .manifest). *_test.rego files are left out. The result is cached
by a hash of the policy files, the OPA version and the entrypoints: an unchanged policy is
not recompiled.

Options:
  -o, --out <file>         the bundle to write (required)
  -e, --entrypoint <path>  entrypoint to compile (repeatable; default ${DEFAULT_ENTRYPOINT})
      --opa <path>         the opa binary (default: SLUICE_OPA, rules/toolchain/bin/opa, PATH)
  -h, --help               this help

Exit codes: 0 built · 1 the build failed · 2 usage error

Example: sluice build rules/policies -o rules/build/default.tar.gz`;

/** `sluice build`. */
export const command: Command = {
  name: 'build',
  summary: 'compile a Rego policy directory to an OPA wasm bundle (cached)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string', short: 'o' },
      entrypoint: { type: 'string', short: 'e', multiple: true },
      opa: { type: 'string' },
    });
    if (positionals.length !== 1) throw usageError('expected exactly one policy directory');
    if (!values.out) throw usageError('-o/--out is required');
    const result = await buildBundle({
      dir: positionals[0]!,
      out: values.out,
      entrypoints: values.entrypoint,
      opa: values.opa,
    });
    println(io.stdout, `${result.cached ? 'up to date' : 'built'} ${result.out} (sha256 ${result.hash.slice(0, 12)}${result.cached ? ', cached' : ''})`);
    return EXIT.OK;
  },
};
