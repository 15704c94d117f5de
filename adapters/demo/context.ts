/** @module demo/context — the demo's temp dir, its output, expected-outcome checks (any miss ⇒ exit 1) and the CLI runner. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/index.js';

/** Write one demo line. */
export type Say = (line: string) => void;

/** One demo run: where its files go, how it prints, and the outcomes it expected but did not see. */
export interface Demo {
  readonly dir: string;
  readonly say: Say;
  readonly checked: number;
  readonly failures: readonly string[];
  /** Record an expected outcome; a miss is printed at once and makes the demo exit 1. Returns `ok`. */
  check(ok: boolean, expected: string): boolean;
}

/**
 * Start a demo run in a fresh temp dir.
 *
 * @example
 * const demo = createDemo((line) => process.stdout.write(`${line}\n`));
 * demo.check(status === 200, 'the held request completes');
 */
export function createDemo(say: Say): Demo {
  const failures: string[] = [];
  let checked = 0;
  return {
    dir: mkdtempSync(join(tmpdir(), 'sluice-demo-')),
    say,
    get checked() { return checked; },
    failures,
    check(ok, expected) {
      checked++;
      if (!ok) {
        failures.push(expected);
        say(`  ✗ EXPECTED ${expected}`);
      }
      return ok;
    },
  };
}

/** What a CLI run printed and how it exited. */
export interface CliRun { code: number; stdout: string; stderr: string }

/**
 * Run `sluice <args>` as a separate process (`node_modules/.bin/tsx adapters/cli.ts …`), as an operator would.
 *
 * @example
 * const { code, stdout } = await sluiceCli(['audit', 'verify', 'audit.jsonl']);
 */
export function sluiceCli(args: string[]): Promise<CliRun> {
  const root = packageRoot();
  return new Promise((resolve) => {
    execFile(join(root, 'node_modules/.bin/tsx'), [join(root, 'adapters/cli.ts'), ...args], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * Shorten a line for the demo output.
 *
 * @example
 * short('a'.repeat(200), 10); // 'aaaaaaaaaa…'
 */
export const short = (text: string, max = 110): string => (text.length > max ? `${text.slice(0, max)}…` : text);
