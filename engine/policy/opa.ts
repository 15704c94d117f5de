/** @module policy/opa — finds the OPA compiler (SLUICE_OPA, the pinned toolchain, PATH) and runs it. */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { SluiceError } from '../errors.js';
import { packageRoot } from './paths.js';

const run = promisify(execFile);

/** The pinned OPA version the project builds (rules/toolchain/go.mod). */
export const PINNED_OPA_VERSION = 'v1.22.0';

const INSTALL_HINT =
  'run `make setup` (or `make opa`), or `cd rules/toolchain && go build -o bin/opa github.com/open-policy-agent/opa`, ' +
  `or \`go install github.com/open-policy-agent/opa@${PINNED_OPA_VERSION}\`; or point SLUICE_OPA at an opa binary`;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of the OPA binary: `explicit`, else env SLUICE_OPA, else `<package root>/rules/toolchain/bin/opa`,
 * else `opa` on PATH. Throws SLUICE_ERR_OPA_MISSING saying exactly what to install.
 *
 * @example
 * const opa = findOpa(); // '/app/rules/toolchain/bin/opa'
 */
export function findOpa(explicit?: string): string {
  const fromEnv = explicit ?? process.env.SLUICE_OPA;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new SluiceError('SLUICE_ERR_OPA_MISSING', `${fromEnv} is not an executable; ${INSTALL_HINT}`);
  }
  const pinned = join(packageRoot(), 'rules', 'toolchain', 'bin', 'opa');
  if (isExecutable(pinned)) return pinned;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'opa'))) return join(dir, 'opa');
  }
  throw new SluiceError('SLUICE_ERR_OPA_MISSING', `no opa in SLUICE_OPA, ${pinned} or PATH; ${INSTALL_HINT}`);
}

const versions = new Map<string, Promise<string>>();

/**
 * The version line of an OPA binary (e.g. `1.22.0`), memoised per path.
 *
 * @example
 * await opaVersion(findOpa()); // '1.22.0'
 */
export function opaVersion(opa: string): Promise<string> {
  let version = versions.get(opa);
  if (!version) {
    version = run(opa, ['version']).then(
      ({ stdout }) => /^Version:\s*(\S+)/m.exec(stdout)?.[1] ?? stdout.trim(),
      (err: Error) => {
        versions.delete(opa);
        throw new SluiceError('SLUICE_ERR_OPA_MISSING', `${opa} version failed: ${err.message}`, { cause: err });
      },
    );
    versions.set(opa, version);
  }
  return version;
}

/**
 * Run `opa <args>`; resolves with stdout, rejects with SLUICE_ERR_POLICY_BUILD carrying OPA's stderr.
 *
 * @example
 * await runOpa(findOpa(), ['check', '--strict', 'rules/policies']);
 */
export async function runOpa(opa: string, args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run(opa, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    const stdout = String((err as { stdout?: string }).stdout ?? '').trim();
    throw new SluiceError('SLUICE_ERR_POLICY_BUILD', `opa ${args[0]}: ${stderr || stdout || (err as Error).message}`, {
      cause: err,
      details: { args },
    });
  }
}
