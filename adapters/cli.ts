#!/usr/bin/env node
/** @module cli — the `sluice` command: a router over adapters/commands/*, exit 0 ok, 1 failed, 2 usage. */
import { runCli } from './commands/router.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
