/** @module pipeline/body-kind — what a body is (JSON, SSE, NDJSON, text, form, binary) from its content type, or its first bytes. */
import { SluiceError } from '../errors.js';

/**
 * How a body is inspected: `json` and `sse` by their maskers, `ndjson` line by line, `text` and `form` as text,
 * `binary` not at all (passed or denied per the `binary` option), `sniff` decided from the first bytes.
 */
export type BodyKind = 'json' | 'sse' | 'ndjson' | 'text' | 'form' | 'binary' | 'sniff';

/** What the `binary` option does with bodies Sluice cannot scan. */
export type BinaryMode = 'pass' | 'deny';

const NDJSON = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonl', 'application/jsonlines',
  'application/x-jsonlines', 'application/json-lines', 'application/json-seq']);
const TEXT_APPS = new Set(['application/xml', 'application/javascript', 'application/x-javascript', 'application/ecmascript', 'application/graphql',
  'application/yaml', 'application/x-yaml', 'application/toml', 'application/sql', 'application/csv', 'application/x-sh', 'application/x-tex',
  'application/rtf', 'application/x-www-form-urlencoded']);
const BINARY_TOPS = new Set(['image', 'audio', 'video', 'font', 'model', 'multipart']);
const BINARY_APPS = new Set(['application/octet-stream', 'application/pdf', 'application/zip', 'application/gzip', 'application/x-gzip', 'application/x-tar',
  'application/x-7z-compressed', 'application/x-bzip2', 'application/zstd', 'application/wasm', 'application/protobuf', 'application/x-protobuf',
  'application/vnd.google.protobuf', 'application/grpc', 'application/msgpack', 'application/x-msgpack', 'application/cbor', 'application/x-bson']);
/** Charsets whose ASCII characters are not single ASCII bytes: detectors would see nothing. */
const UNSCANNABLE_CHARSET = /charset\s*=\s*"?(utf-?16|utf-?32|ucs-?2|ucs-?4|utf-?7)/i;

/**
 * The kind of a body from its Content-Type. Unknown types are sniffed (textual bytes are masked as text);
 * a charset the scanner cannot read (UTF-16/32) throws SLUICE_ERR_BODY_UNSUPPORTED whatever `binary` says.
 *
 * @example
 * kindOfType('application/x-ndjson'); // 'ndjson'
 * kindOfType('image/png');            // 'binary'
 * kindOfType(undefined);              // 'sniff'
 */
export function kindOfType(contentType: string | undefined): BodyKind {
  if (contentType === undefined) return 'sniff';
  const known = KINDS.get(contentType);
  if (known !== undefined) return known;
  const kind = classify(contentType);
  if (KINDS.size >= MAX_REMEMBERED) KINDS.clear();
  KINDS.set(contentType, kind);
  return kind;
}

/** Content types seen recently and their kind (a service sees a handful; bounded all the same). */
const KINDS = new Map<string, BodyKind>();
const MAX_REMEMBERED = 256;

function classify(contentType: string): BodyKind {
  if (contentType.trim() === '') return 'sniff';
  if (UNSCANNABLE_CHARSET.test(contentType)) {
    throw new SluiceError('SLUICE_ERR_BODY_UNSUPPORTED', `cannot scan a body in ${contentType}`, { details: { contentType } });
  }
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (essence === 'text/event-stream') return 'sse';
  if (NDJSON.has(essence)) return 'ndjson';
  if (essence === 'application/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence.startsWith('text/') || essence.endsWith('+xml') || TEXT_APPS.has(essence)) return 'text';
  if (BINARY_TOPS.has(essence.split('/', 1)[0]!) || BINARY_APPS.has(essence)) return 'binary';
  return 'sniff';
}

/** Bytes enough to tell text from binary. */
export const SNIFF_BYTES = 512;

/**
 * Sniff a body's first bytes: `json` when the first non-blank byte opens an object or array, `binary` when a
 * byte that never occurs in text shows up (WHATWG "binary data bytes": NUL, most C0 controls), else `text`.
 *
 * @example
 * sniffKind(Buffer.from('{"a":1}')); // 'json'
 * sniffKind(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])); // 'binary'
 */
export function sniffKind(bytes: Uint8Array): 'json' | 'text' | 'binary' {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let first = -1;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return 'binary';
    if (first < 0 && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) first = b;
  }
  return first === 0x7b || first === 0x5b ? 'json' : 'text';
}

/**
 * The error for a body Sluice will not pass unscanned (`binary: 'deny'`, the default).
 *
 * @example
 * throw binaryDenied('image/png', 415);
 */
export function binaryDenied(contentType: string | undefined, status: number): SluiceError {
  return new SluiceError('SLUICE_ERR_BODY_UNSUPPORTED', `a ${contentType ?? 'binary'} body cannot be scanned and binary bodies are denied (option binary: 'pass' lets them through unscanned)`, {
    details: { contentType: contentType ?? null, status },
  });
}
