/** @module audit/verify — verifies a hash-chained audit log across rotated files and reports the first bad seq. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SluiceError } from '../errors.js';
import { auditLogFiles } from './files.js';
import { GENESIS_HASH, hashRecord } from './record.js';
import type { AuditRecord } from './types.js';

/** The outcome of a verification. `firstBadSeq` is the seq of the first record that cannot be trusted. */
export interface VerifyResult {
  ok: boolean;
  files: string[];
  records: number;
  events: number;
  checkpoints: number;
  lastSeq: number | null;
  head: string | null;
  sealed: boolean;
  firstBadSeq: number | null;
  error: { file: string; line: number; reason: string } | null;
}

export interface VerifyOptions {
  /** Accept a log whose last record is not a seal (a live or crashed writer). Default false. */
  allowOpen?: boolean;
  /** An externally kept head (e.g. a published checkpoint): the record with this seq must have this hash. */
  anchor?: { seq: number; hash: string };
}

const HEX64 = /^[0-9a-f]{64}$/;
const KINDS = new Set(['event', 'checkpoint', 'link', 'open', 'seal']);

interface ChainState {
  seq: number;
  prev: string;
  count: number;
  checkpoints: number;
  awaitingOpen: boolean;
  lastKind: string | null;
}

type LineCheck = { ok: true; record: AuditRecord } | { ok: false; reason: string };

/** Check one line against the chain state and advance it. */
function checkLine(line: string, state: ChainState, firstInFile: boolean, fileIndex: number): LineCheck {
  let record: AuditRecord;
  try {
    record = JSON.parse(line) as AuditRecord;
  } catch {
    return { ok: false, reason: 'line is not JSON' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ok: false, reason: 'not a record' };
  if (!Number.isSafeInteger(record.seq) || typeof record.prev !== 'string' || !KINDS.has(record.kind) || !HEX64.test(String(record.hash))) {
    return { ok: false, reason: 'malformed record' };
  }
  const expected = hashRecord(record);
  if (expected.hash !== record.hash) return { ok: false, reason: 'hash mismatch (record edited)' };
  if (expected.line !== line) return { ok: false, reason: 'line is not in canonical form' };
  if (record.seq !== state.seq) return { ok: false, reason: `expected seq ${state.seq}, found ${record.seq} (deleted, reordered or duplicated)` };
  if (record.prev !== state.prev) return { ok: false, reason: 'prev does not match the previous hash (chain broken)' };
  if (record.seq === 0 && record.kind !== 'open') return { ok: false, reason: 'the chain does not start with an open record' };
  const isLinkStart = firstInFile && fileIndex > 0;
  if (isLinkStart !== (record.kind === 'link')) return { ok: false, reason: isLinkStart ? 'rotated file does not start with a link' : 'link record out of place' };
  if (record.kind === 'event') {
    if (typeof record.event !== 'object' || record.event === null) return { ok: false, reason: 'event record without event' };
    if (state.awaitingOpen) return { ok: false, reason: 'event after seal without an open record' };
    state.count++;
  } else {
    const mark = record.mark;
    if (!mark || mark.head !== record.prev || mark.count !== state.count) return { ok: false, reason: `${record.kind} mark does not match the chain` };
    if (record.kind === 'checkpoint') {
      if (state.awaitingOpen) return { ok: false, reason: 'checkpoint after seal without an open record' };
      state.checkpoints++;
    }
    if (record.kind === 'seal') state.awaitingOpen = true;
    if (record.kind === 'open') state.awaitingOpen = false;
  }
  state.seq++;
  state.prev = record.hash;
  state.lastKind = record.kind;
  return { ok: true, record };
}

function splitLines(text: string): { lines: string[]; torn: boolean } {
  if (text.length === 0) return { lines: [], torn: false };
  const lines = text.split('\n');
  const last = lines.pop()!;
  return { lines, torn: last.length > 0 };
}

/**
 * Verify a log: every line canonical and hashed correctly, seqs contiguous, each `prev` the previous hash,
 * rotated files linked, marks consistent, the last line complete and (unless `allowOpen`) a seal.
 * A string path also covers its rotated siblings (`<path>.<12-digit seq>`); an array is taken in order.
 *
 * @example
 * const result = await verifyAuditLog('audit.jsonl');
 * if (!result.ok) console.error(`tampered at seq ${result.firstBadSeq}: ${result.error?.reason}`);
 */
export async function verifyAuditLog(paths: string | string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const files = typeof paths === 'string' ? await auditLogFiles(paths) : paths;
  const state: ChainState = { seq: 0, prev: GENESIS_HASH, count: 0, checkpoints: 0, awaitingOpen: false, lastKind: null };
  const result: VerifyResult = { ok: false, files, records: 0, events: 0, checkpoints: 0, lastSeq: null, head: null, sealed: false, firstBadSeq: null, error: null };
  const fail = (file: string, line: number, reason: string): VerifyResult => {
    Object.assign(result, { firstBadSeq: state.seq, error: { file, line, reason } });
    return finish();
  };
  const finish = (): VerifyResult => {
    Object.assign(result, { records: state.seq, events: state.count, checkpoints: state.checkpoints, sealed: state.lastKind === 'seal' });
    result.lastSeq = state.seq > 0 ? state.seq - 1 : null;
    result.head = state.seq > 0 ? state.prev : null;
    return result;
  };
  let anchorSeen = false;
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      return fail(file, 0, `cannot read: ${(err as Error).message}`);
    }
    const { lines, torn } = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const check = checkLine(lines[i]!, state, i === 0, f);
      if (!check.ok) return fail(file, i + 1, check.reason);
      if (options.anchor && check.record.seq === options.anchor.seq) {
        if (check.record.hash !== options.anchor.hash) return fail(file, i + 1, 'record differs from the anchor');
        anchorSeen = true;
      }
    }
    if (torn) return fail(file, lines.length + 1, 'the last line is truncated');
  }
  if (options.anchor && !anchorSeen) return fail(files.at(-1) ?? '', 0, `the log ends before anchor seq ${options.anchor.seq} (truncated)`);
  if (state.seq === 0) return fail(files.at(-1) ?? '', 0, 'the log is empty');
  if (state.lastKind !== 'seal' && !options.allowOpen) return fail(files.at(-1)!, 0, 'the log does not end with a seal (truncated, or still open)');
  result.ok = true;
  return finish();
}

/**
 * Read the active file of a log being reopened and check its internal chain; the resume point for the writer.
 * Throws SLUICE_ERR_AUDIT_CHAIN when the file is torn or does not verify (fail closed: a human looks first).
 *
 * @example
 * const tail = await scanFileTail('audit.jsonl'); // { firstSeq, lastSeq, head, count, records }
 */
export async function scanFileTail(path: string) {
  const { lines, torn } = splitLines(await readFile(path, 'utf8'));
  const fail = (line: number, reason: string) =>
    new SluiceError('SLUICE_ERR_AUDIT_CHAIN', `${basename(path)} line ${line}: ${reason}`, { details: { file: path, line } });
  if (torn) throw fail(lines.length + 1, 'the last line is truncated (torn write); verify the log and move it aside');
  let first: AuditRecord;
  try {
    first = JSON.parse(lines[0]!) as AuditRecord;
  } catch {
    throw fail(1, 'line is not JSON');
  }
  if (!first.mark) throw fail(1, 'the file does not start with an open or link record');
  const state: ChainState = { seq: first.seq, prev: first.prev, count: first.mark.count, checkpoints: 0, awaitingOpen: false, lastKind: null };
  for (let i = 0; i < lines.length; i++) {
    const check = checkLine(lines[i]!, state, i === 0, first.kind === 'link' ? 1 : 0);
    if (!check.ok) throw fail(i + 1, check.reason);
  }
  return { firstSeq: first.seq, lastSeq: state.seq - 1, head: state.prev, count: state.count, records: lines.length };
}
