/** @module audit/files — finds the rotated files of an audit log, oldest first. */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The rotated siblings of an active log path (`<path>.<12-digit first seq>`), oldest first,
 * followed by the active file itself.
 *
 * @example
 * const files = await auditLogFiles('/var/log/sluice/audit.jsonl');
 */
export async function auditLogFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return [path];
  }
  const rotated = names.filter((n) => n.startsWith(prefix) && /^\d{12}$/.test(n.slice(prefix.length))).sort();
  return [...rotated.map((n) => join(dir, n)), path];
}
