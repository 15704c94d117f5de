/** @module cli/doctor — `sluice doctor`: which scanner engine runs and why, the OPA compiler, Node; exit 1 when broken. */
import { existsSync } from 'node:fs';
import {
  builtinBundlePath,
  builtinDetectors,
  createScanner,
  findOpa,
  nativeStrings,
  opaVersion,
  scannerInfo,
} from '../../engine/index.js';
import { EXIT, parseCommandArgs, println, type Command } from './command.js';

const HELP = `Usage: sluice doctor [--json] [--require-native]

Check the environment Sluice runs in and print one line per check:
  node      the Node.js version (>= 20.18.1 required)
  scanner   which scanner engine runs (native libhs or the JS fallback) and why, the libhs
            version and addon path; the built-in detectors are compiled to prove it works
  policy    the compiled built-in policy bundle (rules/build/default.tar.gz)
  opa       the OPA compiler used by \`sluice build\` (SLUICE_OPA, rules/toolchain/bin/opa, PATH)

Options:
  --json             print the checks as JSON
  --require-native   fail when the native scanner is not the one that runs
                     (also implied by SLUICE_SCANNER=native)
  -h, --help         this help

Exit codes: 0 everything required is present · 1 something required is missing · 2 usage error`;

/** One check: `ok` false on a required check fails the command; `warn` is informational. */
interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

function nodeCheck(): Check {
  const [major = 0, minor = 0, patch = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && (minor > 18 || (minor === 18 && patch >= 1)));
  return { name: 'node', status: ok ? 'ok' : 'fail', detail: `v${process.versions.node}${ok ? '' : ' (>= 20.18.1 required)'}` };
}

function scannerCheck(requireNative: boolean): Check {
  try {
    const info = scannerInfo();
    const started = performance.now();
    const scanner = createScanner();
    const ms = Math.round(performance.now() - started);
    const addon = info.addon ? `; addon ${info.addon}` : '';
    const helpers = nativeStrings();
    const strings = scanner.engine === 'native' && helpers.stringStop !== null && helpers.decode !== null ? 'in the addon' : 'in JS';
    const detail = `${scanner.engine} — ${info.reason}${addon}; ${builtinDetectors().length} detectors compiled in ${ms} ms; JSON strings scanned and decoded ${strings}`;
    const mustBeNative = requireNative || process.env.SLUICE_SCANNER === 'native';
    const status = scanner.engine === 'native' ? 'ok' : mustBeNative ? 'fail' : 'warn';
    return { name: 'scanner', status, detail };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { name: 'scanner', status: 'fail', detail: `${code ? `${code}: ` : ''}${(err as Error).message}` };
  }
}

function policyCheck(): Check {
  const bundle = builtinBundlePath();
  return existsSync(bundle)
    ? { name: 'policy', status: 'ok', detail: bundle }
    : { name: 'policy', status: 'warn', detail: `${bundle} missing (make rules builds it; it is built on first use when opa is present)` };
}

async function opaCheck(bundlePresent: boolean): Promise<Check> {
  try {
    const opa = findOpa();
    return { name: 'opa', status: 'ok', detail: `${opa} (${await opaVersion(opa)})` };
  } catch (err) {
    // Without a compiled bundle the policy cannot be built: then a missing OPA is fatal.
    return { name: 'opa', status: bundlePresent ? 'warn' : 'fail', detail: (err as Error).message };
  }
}

/** `sluice doctor`. */
export const command: Command = {
  name: 'doctor',
  summary: 'check the environment: scanner engine (native libhs or JS) and why, OPA, Node',
  help: HELP,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      json: { type: 'boolean' },
      'require-native': { type: 'boolean' },
    });
    const policy = policyCheck();
    const checks = [nodeCheck(), scannerCheck(values['require-native'] === true), policy, await opaCheck(policy.status === 'ok')];
    if (values.json) println(io.stdout, JSON.stringify({ ok: checks.every((c) => c.status !== 'fail'), checks }, null, 2));
    else for (const c of checks) println(io.stdout, `${c.status.padEnd(4)}  ${c.name.padEnd(8)} ${c.detail}`);
    return checks.some((c) => c.status === 'fail') ? EXIT.FAILED : EXIT.OK;
  },
};
