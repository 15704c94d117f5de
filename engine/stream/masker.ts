/** @module stream/masker — a push-based streaming JSON masker for response bodies (holds back only an open string value). */
import type { Scanner } from '../scan/scanner.js';
import { SluiceError } from '../errors.js';
import { JsonTokenizer, resolveLimits, type JsonLimits, type JsonVisitor } from './tokenizer.js';
import { FieldClaims, SegmentBatch } from './detect.js';
import { FindingCounter, spansFromRecorded } from './inspect.js';
import { PathRecorder } from './path-record.js';
import { applyMasks } from './rewriter.js';
import type { FindingSummary, MaskSpan, Placeholder } from './types.js';

/** Options of `createJsonMasker`. */
export interface JsonMaskerOptions {
  scanner: Scanner;
  /** Decide per finding; default: mask everything found. */
  shouldMask?: (detector: string, pointer: string) => boolean;
  placeholder?: Placeholder;
  limits?: JsonLimits;
}

/**
 * A streaming masker. `write` returns the bytes that are safe to emit now (possibly empty);
 * `end` returns the rest. Hold semantic: only an open string *value* is held back (from its
 * opening quote) until it closes, so no partially-unmasked prefix is ever emitted. On malformed
 * JSON or a broken limit, `write`/`end` throw a SluiceError: what was emitted before is a clean,
 * masked prefix, the held bytes are dropped, and the caller must abort the body (never pass the
 * rest through).
 */
export interface JsonMasker {
  write(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
  /** Findings so far (detector, path, count) — including those `shouldMask` let through. */
  findings(): FindingSummary[];
  /** Bytes currently held back. */
  readonly held: number;
}

class ValueCollector implements JsonVisitor {
  tok!: JsonTokenizer;
  ordinal = 0;
  /** start, end, ordinal, escaped(0/1), claimRule(-1 none) per value. */
  values: Float64Array = new Float64Array(320);
  /** Entries used in `values` (5 per value); reset per chunk, the array is kept. */
  used = 0;

  constructor(
    private readonly fields: FieldClaims,
    readonly paths: PathRecorder,
  ) {}

  string(start: number, end: number, isKey: boolean, escaped: boolean): void {
    if (isKey) return this.paths.key(this.tok.currentDepth, start, end, escaped, this.tok);
    this.paths.value(this.tok, this.ordinal);
    let claim = -1;
    if (this.fields.enabled && this.tok.inObject) {
      const rules = this.fields.rulesFor(this.tok);
      if (rules.length > 0) claim = rules[0]!;
    }
    let v = this.values;
    const k = this.used;
    if (k + 5 > v.length) {
      v = new Float64Array(2 * v.length);
      v.set(this.values);
      this.values = v;
    }
    v[k] = start;
    v[k + 1] = end;
    v[k + 2] = this.ordinal++;
    v[k + 3] = escaped ? 1 : 0;
    v[k + 4] = claim;
    this.used = k + 5;
  }
  primitive(): void {}
  open(): void {
    this.paths.open(this.tok);
  }
  close(): void {}
}

const EMPTY = new Uint8Array(0);


/**
 * Create a streaming JSON masker (see JsonMasker for the hold/abort semantic).
 *
 * @example
 * const masker = createJsonMasker({ scanner });
 * for await (const chunk of upstream) res.write(masker.write(chunk));
 * res.end(masker.end());
 */
export function createJsonMasker(opts: JsonMaskerOptions): JsonMasker {
  if (!opts?.scanner) throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'createJsonMasker needs a scanner');
  if (opts.shouldMask !== undefined && typeof opts.shouldMask !== 'function') {
    throw new SluiceError('SLUICE_ERR_INVALID_OPTIONS', 'shouldMask must be a function');
  }
  const limits = resolveLimits(opts.limits);
  const scanner = opts.scanner;
  const paths = new PathRecorder();
  const collector = new ValueCollector(FieldClaims.for(scanner), paths);
  const tok = new JsonTokenizer(collector, limits);
  collector.tok = tok;
  const batch = new SegmentBatch(scanner);
  const found = new FindingCounter(); // bounded by distinct (detector, pointer) pairs
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let emitted = 0; // absolute offset of the first held byte
  let failed: unknown = null;

  function process(chunk: Uint8Array, final: boolean): Uint8Array {
    if (failed) throw failed;
    const firstOrdinal = collector.ordinal;
    const chunkStart = tok.offset;
    try {
      if (!final) {
        paths.resetChunk(chunk, chunkStart, firstOrdinal, tok); // pointers of this chunk's hits, no second pass
        collector.used = 0;
        tok.write(chunk);
      } else tok.end();
    } catch (err) {
      failed = err;
      held = [];
      heldBytes = 0;
      throw err;
    }
    const chunkEnd = chunkStart + chunk.length;
    const openAt = final ? -1 : tok.openValueStringStart;
    if (openAt >= 0 && openAt < chunkStart) {
      // Still inside the string value that was already held: keep holding.
      if (chunk.length > 0) held.push(chunk);
      heldBytes += chunk.length;
      return EMPTY;
    }
    const window = heldBytes === 0 ? chunk : Buffer.concat([...held, chunk]);
    const values = collector.values;
    for (let i = 0; i < collector.used; i += 5) {
      const s = values[i]! - emitted;
      const e = values[i + 1]! - emitted;
      if (values[i + 4]! >= 0) batch.claim(s, e, values[i + 2]!, values[i + 4]!);
      else batch.add(window, s, e, values[i + 2]!, values[i + 3] === 1);
    }
    collector.used = 0;
    let spans: MaskSpan[] = [];
    const hits = batch.size > 0 ? batch.scan(window) : [];
    if (hits.length > 0) {
      spans = spansFromRecorded(scanner, hits, paths);
      found.add(spans);
      if (opts.shouldMask) spans = spans.filter((s) => opts.shouldMask!(s.detector, s.pointer));
    }
    const safeEnd = openAt >= 0 ? openAt : chunkEnd;
    const cut = safeEnd - emitted;
    const out = applyMasks(window.subarray(0, cut), spans, { placeholder: opts.placeholder });
    if (cut < window.length) {
      held = [window.subarray(cut)];
      heldBytes = window.length - cut;
    } else {
      held = [];
      heldBytes = 0;
    }
    emitted = safeEnd;
    return out;
  }

  return {
    write: (chunk) => process(chunk, false),
    end: () => process(EMPTY, true),
    findings: () => found.values(),
    get held() {
      return heldBytes;
    },
  };
}
