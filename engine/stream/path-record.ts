/** @module stream/path-record — records where each string value sits while tokenizing a whole body, so pointers of hits need no second pass. */
import { decodeJsonStringToString } from './escapes.js';
import { escapePointerToken } from './pointer.js';
import type { JsonTokenizer } from './tokenizer.js';

const KIND_KEY = 0;
const KIND_ESCAPED_KEY = 1;
const KIND_INDEX = 2;
const KIND_TEXT = 3; // a key known only as text (read in an earlier chunk)

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A flat tree of path steps over one body (or one chunk of a stream) held in memory: one node (parent, key
 * bytes or array index) per container and per string value, written to typed arrays (no objects per token).
 * `pointerOf(ordinal)` then builds the JSON Pointer of string value number `ordinal` — equal to
 * `tokenizer.pointer()` at that value. For streams, `resetChunk` seeds the open containers from the tokenizer.
 *
 * @example
 * const paths = new PathRecorder(); paths.reset(body);
 * // from a JsonVisitor: paths.key(tok, s, e, escaped) / paths.open(tok) / paths.value(tok, ordinal)
 * paths.pointerOf(3); // '/messages/0/content'
 */
export class PathRecorder {
  private body: Uint8Array = new Uint8Array(0);
  /** Absolute offset of body[0]. */
  private base = 0;
  /** Ordinal of valueNode[0]. */
  private ordinalBase = 0;
  /** Key texts of KIND_TEXT nodes, and per depth a key known only as text (else null). */
  private texts: string[] = [];
  private keyText: Array<string | null> = [];
  /** Per node: parent, a, b, kind (key [a, b) raw offsets in body | escaped key | index a). */
  private nodes = new Int32Array(1024);
  private count = 0;
  /** Node of the container whose members live at depth d (-1: the document root). */
  private containerAt = new Int32Array(32);
  /** Raw offsets and escape flag of the last key read at depth d. */
  private keyStart = new Int32Array(32);
  private keyEnd = new Int32Array(32);
  private keyEscaped = new Uint8Array(32);
  /** Node of string value number `ordinal`. */
  private valueNode = new Int32Array(256);

  /** Start recording a new body. */
  reset(body: Uint8Array): void {
    this.body = body;
    this.base = 0;
    this.ordinalBase = 0;
    this.texts.length = 0;
    this.keyText.length = 0;
    this.count = 0;
    if (this.nodes.length > 1 << 20) this.nodes = new Int32Array(1024); // a huge body's tables are not kept
    if (this.valueNode.length > 1 << 18) this.valueNode = new Int32Array(256);
  }

  /**
   * Start recording the next chunk of a stream: `chunk` starts at absolute offset `chunkStart`, its first string
   * value has number `firstOrdinal`, and `tok` has read everything before it (its open containers are seeded).
   */
  resetChunk(chunk: Uint8Array, chunkStart: number, firstOrdinal: number, tok: JsonTokenizer): void {
    this.reset(chunk);
    this.base = chunkStart;
    this.ordinalBase = firstOrdinal;
    const depth = tok.currentDepth;
    if (depth === 0) return;
    if (depth + 1 >= this.containerAt.length) this.growDepth(depth + 1);
    this.containerAt[1] = -1;
    for (let d = 1; d <= depth; d++) {
      if (d === depth) {
        // The current key may lie in an earlier chunk (a key still being read arrives as a key event).
        if (tok.inObject && !tok.inKey) this.keyText[d] = tok.key();
        break;
      }
      const segment = tok.pathSegment(d);
      const k = this.newNode(this.containerAt[d]!);
      if (typeof segment === 'number') this.setNode(k, segment, 0, KIND_INDEX);
      else this.setNode(k, this.texts.push(segment) - 1, 0, KIND_TEXT);
      this.containerAt[d + 1] = k;
    }
  }

  /** A key [start, end) ended at the tokenizer's current depth (`tok.key()` is used when it began before this chunk). */
  key(depth: number, start: number, end: number, escaped: boolean, tok?: JsonTokenizer): void {
    if (depth >= this.keyStart.length) this.growDepth(depth);
    if (start < this.base && tok) {
      this.keyText[depth] = tok.key();
      return;
    }
    if (this.keyText.length > depth) this.keyText[depth] = null;
    this.keyStart[depth] = start;
    this.keyEnd[depth] = end;
    this.keyEscaped[depth] = escaped ? 1 : 0;
  }

  /** A container opens at the tokenizer's current depth (call before it is pushed). */
  open(tok: JsonTokenizer): void {
    const depth = tok.currentDepth;
    if (depth + 1 >= this.containerAt.length) this.growDepth(depth + 1);
    this.containerAt[depth + 1] = depth === 0 ? -1 : this.step(tok, depth);
  }

  /** String value number `ordinal` ended at the tokenizer's current depth. */
  value(tok: JsonTokenizer, ordinal: number): void {
    const depth = tok.currentDepth;
    const k = ordinal - this.ordinalBase;
    if (k >= this.valueNode.length) this.valueNode = grow(this.valueNode, k + 1);
    this.valueNode[k] = depth === 0 ? -1 : this.step(tok, depth);
  }

  /** The JSON Pointer of string value `ordinal` ('' for a top-level string). */
  pointerOf(ordinal: number): string {
    const tokens: string[] = [];
    const nodes = this.nodes;
    for (let n = this.valueNode[ordinal - this.ordinalBase]!; n >= 0; n = nodes[4 * n]!) {
      const kind = nodes[4 * n + 3]!;
      if (kind === KIND_INDEX) tokens.push(String(nodes[4 * n + 1]));
      else if (kind === KIND_TEXT) tokens.push(escapePointerToken(this.texts[nodes[4 * n + 1]!]!));
      else {
        const a = nodes[4 * n + 1]! - this.base;
        const b = nodes[4 * n + 2]! - this.base;
        const body = this.body;
        const text = kind === KIND_ESCAPED_KEY ? decodeJsonStringToString(body, a, b) : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8', a, b);
        tokens.push(escapePointerToken(text));
      }
    }
    if (tokens.length === 0) return '';
    // join gives a flat string (concatenation would give a rope that every Map lookup flattens again).
    tokens.push('');
    return tokens.reverse().join('/');
  }

  private step(tok: JsonTokenizer, depth: number): number {
    const k = this.newNode(this.containerAt[depth]!);
    if (!tok.inObject) this.setNode(k, tok.currentIndex, 0, KIND_INDEX);
    else {
      const text = this.keyText.length > depth ? this.keyText[depth] : null;
      if (text != null) this.setNode(k, this.texts.push(text) - 1, 0, KIND_TEXT);
      else this.setNode(k, this.keyStart[depth]!, this.keyEnd[depth]!, this.keyEscaped[depth] === 1 ? KIND_ESCAPED_KEY : KIND_KEY);
    }
    return k;
  }

  private newNode(parent: number): number {
    const k = this.count++;
    if (4 * k + 4 > this.nodes.length) this.nodes = grow(this.nodes, 4 * k + 4);
    this.nodes[4 * k] = parent;
    return k;
  }

  private setNode(k: number, a: number, b: number, kind: number): void {
    const nodes = this.nodes;
    nodes[4 * k + 1] = a;
    nodes[4 * k + 2] = b;
    nodes[4 * k + 3] = kind;
  }

  private growDepth(depth: number): void {
    const size = Math.max(depth + 2, this.containerAt.length * 2);
    this.containerAt = grow(this.containerAt, size);
    this.keyStart = grow(this.keyStart, size);
    this.keyEnd = grow(this.keyEnd, size);
    const escaped = new Uint8Array(size);
    escaped.set(this.keyEscaped);
    this.keyEscaped = escaped;
  }
}
