/** @module scan/pattern — translates a Hyperscan-safe detector pattern into the equivalent JS RegExp source. */
import { SluiceError } from '../errors.js';

/**
 * The JS confirm step runs on latin1-decoded bytes (1 char = 1 byte), so the JS pattern must mean what
 * libhs means on bytes: `\s` is [\t\n\v\f\r ] (JS would add \xA0), `.` excludes only \n (JS also \r),
 * POSIX classes are expanded, and a non-ASCII literal becomes its UTF-8 byte sequence.
 */
const SPACE = '\\t\\n\\v\\f\\r ';
const POSIX: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z',
  xdigit: '0-9A-Fa-f', space: SPACE, word: '\\w', blank: ' \\t',
};
/** Escapes libhs accepts that JS would read differently (or not at all). */
const REJECTED_ESCAPES = new Set(['A', 'Z', 'z', 'G', 'Q', 'E', 'K', 'k', 'R', 'X', 'C', 'N', 'h', 'H', 'p', 'P', 'g', 'e']);

function reject(pattern: string, at: number, why: string): never {
  throw new SluiceError('SLUICE_ERR_DETECTOR_COMPILE', `${why} at offset ${at} in /${pattern}/`, { details: { offset: at } });
}

function hexByte(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * Translate `pattern` to JS RegExp source with byte semantics; throws SLUICE_ERR_DETECTOR_COMPILE for
 * constructs that are not linear-time safe or differ between the engines (lookaround, backreference,
 * anchors, inline flags, possessive/atomic groups, Unicode properties).
 *
 * @example
 * toJsSource('key\\s*=\\s*(.{8,40})') // 'key[\\t\\n\\v\\f\\r ]*=[\\t\\n\\v\\f\\r ]*([^\\n]{8,40})'
 */
export function toJsSource(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) reject(pattern, i, 'trailing backslash');
      i++;
      if (/[1-9]/.test(next)) reject(pattern, i, 'backreferences are not supported');
      if (REJECTED_ESCAPES.has(next)) reject(pattern, i, `\\${next} is not supported`);
      if (next === 'x' && pattern[i + 1] === '{') {
        const close = pattern.indexOf('}', i);
        const code = Number.parseInt(pattern.slice(i + 2, close), 16);
        if (close < 0 || !(code >= 0 && code <= 0xff)) reject(pattern, i, '\\x{…} above 0xFF is not supported');
        out += hexByte(code);
        i = close;
      } else if (next === 's') out += inClass ? SPACE : `[${SPACE}]`;
      else if (next === 'S') {
        if (inClass) reject(pattern, i, '\\S inside a character class is not supported');
        out += `[^${SPACE}]`;
      } else out += `\\${next}`;
      continue;
    }
    const code = ch.charCodeAt(0);
    if (code > 0x7f) {
      if (inClass) reject(pattern, i, 'non-ASCII characters inside a class are not supported');
      const cp = pattern.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out += `(?:${[...Buffer.from(String.fromCodePoint(cp), 'utf8')].map(hexByte).join('')})`;
      continue;
    }
    if (inClass) {
      if (ch === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        const body = close > 0 ? POSIX[pattern.slice(i + 2, close)] : undefined;
        if (body === undefined) reject(pattern, i, 'unknown POSIX class');
        out += body;
        i = close + 1;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    switch (ch) {
      case '[':
        if (pattern[i + 1] === ']' || pattern.startsWith('^]', i + 1)) reject(pattern, i, 'a class starting with ] is ambiguous');
        inClass = true;
        out += ch;
        break;
      case '.':
        out += '[^\\n]';
        break;
      case '^':
      case '$':
        reject(pattern, i, 'anchors are not supported (the confirm step runs in windows)');
      // eslint-disable-next-line no-fallthrough
      case '(':
        if (pattern[i + 1] === '?') checkGroup(pattern, i);
        out += pattern.startsWith('(?P<', i) ? '(?<' : ch;
        if (pattern.startsWith('(?P<', i)) i += 3;
        break;
      case '*':
      case '+':
      case '?':
      case '}':
        if (pattern[i + 1] === '+') reject(pattern, i, 'possessive quantifiers are not supported');
        out += ch;
        break;
      default:
        out += ch;
    }
  }
  if (inClass) reject(pattern, pattern.length, 'unterminated character class');
  return out;
}

function checkGroup(pattern: string, at: number): void {
  const rest = pattern.slice(at + 2, at + 4);
  if (rest.startsWith(':')) return;
  if (rest.startsWith('P<') || (rest.startsWith('<') && rest !== '<=' && rest !== '<!')) return;
  if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') {
    reject(pattern, at, 'lookarounds are not supported (use `boundary`)');
  }
  reject(pattern, at, 'inline flags, atomic groups and conditionals are not supported (use `caseless`)');
}
