/** @module policy/watch — calls back (debounced) when a policy file, or a file in a policy directory, changes. */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

const POLICY_FILE = /\.(rego|json|ya?ml)$/;

/**
 * Watch a bundle/wasm file (through its directory, so atomic renames are seen) or a Rego directory.
 * Returns a function that stops watching. The watcher does not keep the process alive.
 *
 * @example
 * const stop = await watchPolicySource('rules/build/default.tar.gz', () => engine.reload(), 100);
 */
export async function watchPolicySource(path: string, onChange: () => void, debounceMs: number): Promise<() => void> {
  const isDirectory = (await stat(path)).isDirectory();
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  let watcher: FSWatcher;
  if (isDirectory) {
    watcher = watch(path, { recursive: true }, (_event, file) => {
      if (file && POLICY_FILE.test(String(file)) && !String(file).endsWith('_test.rego')) fire();
    });
  } else {
    const name = basename(path);
    watcher = watch(dirname(path), (_event, file) => {
      if (file && String(file) === name) fire();
    });
  }
  watcher.unref();
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
