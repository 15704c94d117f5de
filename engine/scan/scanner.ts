/** @module scan/scanner — the Scanner contract shared by the native (Hyperscan) and JS engines. */

/** What a detector protects: a credential, or personal data. */
export type DetectorCategory = 'secret' | 'pii';

/** Validators run in JS on a confirmed candidate; a failing validator drops it. */
export type ValidatorName =
  | 'luhn'
  | 'iban-mod97'
  | 'us-ssn'
  | 'github-crc32'
  | 'phone'
  | 'ip'
  | 'email-tld'
  | 'jwt'
  | 'aba-routing';

/**
 * One detector, as written in `rules/detectors/` (plain data, validated by ajv at load).
 * `pattern` must compile in Hyperscan (no lookaround, backreference or mid-pattern flags)
 * and in a JS `RegExp`; boundaries are checked in code (`boundary`), never with lookarounds.
 */
export interface DetectorDefinition {
  id: string;
  category: DetectorCategory;
  description: string;
  pattern: string;
  caseless?: boolean;
  /**
   * Optional libhs-only pattern, cheaper to scan, whose matches end at every offset where a match of `pattern`
   * ends (typically a literal-led suffix of it, e.g. `@domain.tld` for an e-mail address). The native engine scans
   * prefiltered detectors in a database of their own; the confirm step still runs `pattern`.
   */
  prefilter?: string;
  /**
   * Optional libhs pattern found inside every match of `pattern` (e.g. `[0-9]{4}` for a card number, or the field
   * names of a keyword-led pattern with an open-ended value). The native engine then scans this detector only within
   * `maxLength` bytes of a trigger match (patterns without a literal, or with a long broad repeat, are slow on every
   * byte); results are unchanged. Ignored with a `prefilter`.
   */
  trigger?: string;
  /**
   * Optional confirm hint: every match contains `text` at most `maxBefore` bytes after its start (e.g. the `@` of
   * an e-mail address). The confirm step then skips stretches that cannot hold a match start (exact results).
   * `run` narrows it further: the bytes of a match before its anchor are at most `max` chars of class `chars` (a JS
   * char class body), optionally after the literal `prefix` (whose last char must not be in `chars`), e.g. an e-mail
   * local part after an optional `mailto:`; a match start then lies in the run of such chars just before the anchor.
   */
  anchor?: { text: string; maxBefore: number; run?: { chars: string; max: number; prefix?: string } };
  /** Lowercase literals; the JS engine's prefilter and context hints. */
  keywords: string[];
  /** Longest match in bytes: the confirm window and the stream overlap. */
  maxLength: number;
  /** Capture group (index or name) holding the part to mask; default the whole match. */
  secretGroup?: number | string;
  /** Minimum Shannon entropy (bits/char) of the secret part. */
  entropy?: number;
  validator?: ValidatorName;
  /** Characters that must not touch the match on either side (a JS char class body, e.g. "A-Za-z0-9_"). */
  boundary?: { before?: string; after?: string };
  /** Words within `window` bytes before the match that change confidence by `boost` (may be negative). */
  context?: { words: string[]; window: number; boost: number };
  /** JSON object keys (lowercase, exact or glob with `*`) whose string value is wholly this detector's finding. */
  fieldNames?: string[];
  /** Base confidence 0..1 before context; findings below `minConfidence` are dropped. */
  confidence: number;
  minConfidence?: number;
  /** Synthetic examples: each `match` must be found, each `noMatch` must not. */
  examples: { match: string[]; noMatch: string[] };
}

/**
 * One confirmed detection. Offsets are UTF-8 **byte** offsets into the scanned bytes,
 * [start, end) of the part to mask (the secret group when the detector has one).
 */
export interface Match {
  /** Index into `scanner.detectors`. */
  rule: number;
  detector: string;
  category: DetectorCategory;
  start: number;
  end: number;
  confidence: number;
  /** With `scanSegments`: index of the segment the match lies in (offsets stay buffer-absolute). */
  segment?: number;
}

/** Incremental scanning across chunks; match state is carried over (Hyperscan stream mode). */
export interface ScanStream {
  /** Scan the next chunk; returns matches confirmed so far, offsets absolute over the whole stream. */
  write(chunk: Uint8Array): Match[];
  /** Flush: matches that needed more bytes to confirm. The stream is unusable afterwards. */
  end(): Match[];
}

/**
 * A compiled detector set. Build once (compile is slow), scan many times (hot path).
 *
 * @example
 * const scanner = await selectScanner({ detectors });
 * for (const m of scanner.scan(Buffer.from('key AKIAIOSFODNN7EXAMPLE'))) console.log(m.detector, m.start, m.end);
 */
export interface Scanner {
  readonly engine: 'native' | 'js';
  readonly detectors: readonly DetectorDefinition[];
  /** Block mode over one buffer. Never throws on content; throws SluiceError on engine failure. */
  scan(bytes: Uint8Array): Match[];
  /**
   * Block mode over many segments of one buffer in a single engine call; `bounds` holds
   * [start0, end0, start1, end1, …]. Matches never cross a segment boundary.
   */
  scanSegments(bytes: Uint8Array, bounds: Uint32Array, count: number): Match[];
  /** Stream mode; see ScanStream. */
  openStream(): ScanStream;
  /** Detectors whose `fieldNames` match this lowercase JSON key, or an empty array. */
  detectorsForField(key: string): readonly number[];
}
