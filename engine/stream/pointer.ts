/** @module stream/pointer — JSON Pointer (RFC 6901) escaping, parsing and wildcard matching. */
import { SluiceError } from '../errors.js';

/**
 * Escape one reference token: `~` → `~0`, `/` → `~1`.
 *
 * @example
 * escapePointerToken('a/b'); // 'a~1b'
 */
export function escapePointerToken(token: string): string {
  if (token.indexOf('~') === -1 && token.indexOf('/') === -1) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Split a JSON Pointer into unescaped tokens; '' is the whole document. Throws SLUICE_ERR_INVALID_OPTIONS
 * on a pointer that does not start with '/'.
 *
 * @example
 * parsePointer('/messages/0/content'); // ['messages', '0', 'content']
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (pointer[0] !== '/') throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', `invalid JSON pointer '${pointer}'`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A compiled set of pointer patterns; a token `*` matches any one key or index. */
export interface PointerPatterns {
  /** True when the path (tokens) matches one pattern exactly. */
  matches(path: ReadonlyArray<string | number>): boolean;
  /** Number of patterns. */
  readonly size: number;
}

/**
 * Compile pointer patterns once (validated at construction).
 *
 * @example
 * compilePointerPatterns(['/metadata/user_id', '/messages/* /content']).matches(['metadata', 'user_id']); // true
 */
export function compilePointerPatterns(pointers: readonly string[]): PointerPatterns {
  const parsed = pointers.map(parsePointer);
  return {
    size: parsed.length,
    matches(path) {
      outer: for (const pattern of parsed) {
        if (pattern.length !== path.length) continue;
        for (let i = 0; i < pattern.length; i++) {
          const p = pattern[i]!;
          if (p !== '*' && p !== String(path[i])) continue outer;
        }
        return true;
      }
      return false;
    },
  };
}
