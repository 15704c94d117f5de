/** @module scan/fields — maps JSON object keys to the detectors that claim the whole value (`fieldNames`, glob `*`). */
import type { DetectorDefinition } from './scanner.js';

const NONE: readonly number[] = Object.freeze([]);
const CACHE_LIMIT = 4096;

/**
 * Build `detectorsForField(key)` for a detector set: exact names by map lookup, globs by one RegExp each,
 * results memoized per key (bounded).
 *
 * @example
 * const forField = fieldMatcher(detectors);
 * forField('client_secret') // [12]
 */
export function fieldMatcher(detectors: readonly DetectorDefinition[]): (key: string) => readonly number[] {
  const exact = new Map<string, number[]>();
  const globs: { regex: RegExp; index: number }[] = [];
  detectors.forEach((def, index) => {
    for (const raw of def.fieldNames ?? []) {
      const name = raw.toLowerCase();
      if (name.includes('*')) {
        const source = name.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
        globs.push({ regex: new RegExp(`^${source}$`, 's'), index });
      } else {
        const list = exact.get(name) ?? [];
        if (!list.includes(index)) list.push(index);
        exact.set(name, list);
      }
    }
  });
  if (exact.size === 0 && globs.length === 0) return () => NONE;
  const memo = new Map<string, readonly number[]>();
  return (key: string) => {
    const cached = memo.get(key);
    if (cached) return cached;
    const name = key.toLowerCase();
    const found = new Set(exact.get(name) ?? []);
    for (const glob of globs) if (glob.regex.test(name)) found.add(glob.index);
    const result = found.size === 0 ? NONE : Object.freeze([...found].sort((a, b) => a - b));
    if (memo.size >= CACHE_LIMIT) memo.clear();
    memo.set(key, result);
    return result;
  };
}
