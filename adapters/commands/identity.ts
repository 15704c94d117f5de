/** @module cli/identity — `sluice identity hash-key|new-key`: the stored (hashed) form of service-account API keys. */
import { generateApiKey, hashApiKey, isSluiceError } from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, usageError, type CliIO, type Command } from './command.js';

const HELP = `sluice identity — API keys for service accounts (stored hashed, never in plain text)

Usage:
  sluice identity hash-key <key>     print the stored form (sha256:<hex>) of an existing key
  sluice identity hash-key -         read the key from stdin (keeps it out of shell history and ps)
  sluice identity new-key [--prefix P]
                                     generate a random key (32 bytes) and print it with its hash

Put the hash in createIdentityResolver({ apiKeys: [{ id, hash, sub, groups }] }); give the key to the service,
which sends it in the x-api-key header.
`;

async function readStdinLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > 4096) throw usageError('the key read from stdin is too long');
    chunks.push(buffer);
  }
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
}

/** A malformed key or prefix is the user's input: report it as a usage error (exit 2). */
function asUsage<T>(action: () => T): T {
  try {
    return action();
  } catch (err) {
    throw isSluiceError(err, 'SLUICE_ERR_INVALID_OPTIONS') ? usageError(err.message) : err;
  }
}

async function hashKey(positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length > 1) throw usageError('hash-key takes one key');
  const key = positionals[0] === undefined || positionals[0] === '-' ? await readStdinLine(io.stdin) : positionals[0];
  if (key === '') throw usageError('no key given');
  println(io.stdout, asUsage(() => hashApiKey(key)));
  return EXIT.OK;
}

/**
 * The `sluice identity` command.
 *
 * @example
 * // $ echo -n "$KEY" | sluice identity hash-key -
 * // sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 */
export const command: Command = {
  name: 'identity',
  summary: 'hash or generate service-account API keys',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { prefix: { type: 'string' } });
    const [action, ...rest] = positionals;
    if (action === 'hash-key') {
      if (values.prefix !== undefined) throw usageError('--prefix is only for new-key');
      return hashKey(rest, io);
    }
    if (action === 'new-key') {
      if (rest.length > 0) throw usageError('new-key takes no arguments');
      const { key, hash } = asUsage(() => generateApiKey(values.prefix));
      println(io.stdout, `key:  ${key}\nhash: ${hash}`);
      return EXIT.OK;
    }
    throw usageError(action === undefined ? 'missing action (hash-key or new-key)' : `unknown action '${action}'`);
  },
};
