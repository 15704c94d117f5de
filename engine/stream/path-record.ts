/** @module stream/path-record — records where each string value sits while tokenizing a whole body, so pointers of hits need no second pass. */
import { escapePointerToken } from './pointer.js';
import { KeyTokens, indexToken, slashIndexToken } from './path-tokens.js';
import type { JsonTokenizer } from './tokenizer.js';

export { indexToken } from './path-tokens.js';

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
  /** Pointer of container node k, valid when prefixGen[k] === gen (gen changes per body/chunk). */
  private prefixes: string[] = [];
  private prefixGen = new Int32Array(256);
  private gen = 1;
  private chain = new Int32Array(32);
  /** Escaped pointer tokens of raw keys, kept across bodies. */
  private readonly keyTokens = new KeyTokens();

  /** Start recording a new body. */
  reset(body: Uint8Array): void {
    this.body = body;
    this.base = 0;
    this.ordinalBase = 0;
    this.texts.length = 0;
    this.keyText.length = 0;
    // Drop the last body's container pointers now (kept until overwritten, they would outlive a young GC).
    for (let k = 0; k < this.count; k++) if (this.prefixGen[k] === this.gen) this.prefixes[k] = '';
    this.count = 0;
    this.gen = this.gen === 0x7fffffff ? 1 : this.gen + 1; // never 0: fresh nodes are stamped 0
    if (this.nodes.length > 1 << 20) {
      // a huge body's tables are not kept
      this.nodes = new Int32Array(1024);
      this.prefixGen = new Int32Array(256);
      this.prefixes = [];
    }
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
    const node = this.valueNode[ordinal - this.ordinalBase]!;
    if (node < 0) return '';
    const up = this.nodes[4 * node]!;
    // One concatenation: the container's pointer (remembered) and the value's '/'-led token (cached per key).
    return (up < 0 ? '' : this.containerPointer(up)) + this.slashToken(node);
  }

  /** Set by partsOf: the pointer of the value's container and the value's own (escaped) token. */
  parent = '';
  last = '';

  /**
   * Split the pointer of string value `ordinal` into `parent` (its container's pointer, remembered per
   * body/chunk) and `last` (its token), without building the whole pointer. False for a top-level string.
   */
  partsOf(ordinal: number): boolean {
    const node = this.valueNode[ordinal - this.ordinalBase]!;
    if (node < 0) return false;
    const up = this.nodes[4 * node]!;
    this.parent = up < 0 ? '' : this.containerPointer(up);
    this.last = this.token(node);
    return true;
  }

  /**
   * The pointer of container node n: walk up to the nearest container whose pointer is known in this
   * body/chunk, then build down, remembering each (siblings share them: one concatenation per container).
   */
  private containerPointer(n: number): string {
    const nodes = this.nodes;
    let depth = 0;
    while (n >= 0 && this.prefixGen[n] !== this.gen) {
      if (depth === this.chain.length) this.chain = grow(this.chain, depth + 1);
      this.chain[depth++] = n;
      n = nodes[4 * n]!;
    }
    let pointer = n < 0 ? '' : this.prefixes[n]!;
    while (depth > 0) {
      n = this.chain[--depth]!;
      pointer = pointer + this.slashToken(n);
      this.prefixes[n] = pointer;
      this.prefixGen[n] = this.gen;
    }
    return pointer;
  }

  /** The escaped pointer token of node n. */
  private token(n: number): string {
    const nodes = this.nodes;
    const kind = nodes[4 * n + 3]!;
    if (kind === KIND_INDEX) return indexToken(nodes[4 * n + 1]!);
    if (kind === KIND_TEXT) return escapePointerToken(this.texts[nodes[4 * n + 1]!]!);
    const a = nodes[4 * n + 1]! - this.base;
    const b = nodes[4 * n + 2]! - this.base;
    return this.keyTokens.token(this.body, a, b, kind === KIND_ESCAPED_KEY).token;
  }

  /** '/' + the escaped pointer token of node n, built as one string (cached for keys and small indexes). */
  private slashToken(n: number): string {
    const nodes = this.nodes;
    const kind = nodes[4 * n + 3]!;
    if (kind === KIND_INDEX) return slashIndexToken(nodes[4 * n + 1]!);
    if (kind === KIND_TEXT) return '/' + escapePointerToken(this.texts[nodes[4 * n + 1]!]!);
    const a = nodes[4 * n + 1]! - this.base;
    const b = nodes[4 * n + 2]! - this.base;
    return this.keyTokens.token(this.body, a, b, kind === KIND_ESCAPED_KEY).slashed;
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
    if (k >= this.prefixGen.length) this.prefixGen = grow(this.prefixGen, k + 1);
    this.prefixGen[k] = 0;
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
