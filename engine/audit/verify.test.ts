/** @module audit/verify.test — thousands of seeded random tamperings, every one detected at the right seq. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog } from './log.js';
import { auditLogFiles } from './files.js';
import { recordHash } from './record.js';
import { canonicalJson } from './canonical.js';
import { verifyAuditLog } from './verify.js';
import { sampleExchange } from './fixtures/events.js';
import type { AuditRecord } from './types.js';

const TAMPERINGS = ['editByte', 'deleteLine', 'swapLines', 'truncate', 'duplicateLine', 'editCheckpoint', 'editAndRehash'] as const;
type Tampering = (typeof TAMPERINGS)[number];
const op = fc.record({ kind: fc.constantFrom(...TAMPERINGS), a: fc.nat(), b: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'sluice-tamper-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeLog(name: string, exchanges: number, maxFileBytes?: number): Promise<Buffer[]> {
  const path = join(dir, name, 'audit.jsonl');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, name));
  const log = createAuditLog({ path, checkpointEvery: 5, fsync: 'never', maxFileBytes });
  for (let i = 0; i < exchanges; i++) for (const ev of sampleExchange(`s${i % 3}`, `x${i}`)) await log.append(ev);
  await log.close();
  return (await auditLogFiles(path)).map((f) => readFileSync(f));
}

const splitLines = (text: string) => {
  const lines = text.split('\n');
  const last = lines.pop()!;
  if (last !== '') lines.push(`${last}\u0000(no newline)`); // a missing final newline is a truncation too
  return lines;
};

/** Apply one tampering to one file's bytes; null when it would be a no-op. */
function tamper(original: Buffer, t: { kind: Tampering; a: number; b: number; byte: number }): Buffer | null {
  const text = original.toString('utf8');
  const lines = splitLines(text);
  const i = t.a % lines.length;
  const j = t.b % lines.length;
  const join = (ls: string[]) => Buffer.from(ls.map((l) => `${l}\n`).join(''));
  switch (t.kind) {
    case 'editByte': {
      const at = t.a % original.length;
      if (original[at] === t.byte) return null;
      const copy = Buffer.from(original);
      copy[at] = t.byte;
      return copy;
    }
    case 'deleteLine':
      return join(lines.filter((_, k) => k !== i));
    case 'swapLines': {
      if (i === j) return null;
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return join(copy);
    }
    case 'truncate':
      return original.subarray(0, t.a % original.length);
    case 'duplicateLine':
      return join([...lines.slice(0, j), lines[i]!, ...lines.slice(j)]);
    case 'editCheckpoint':
    case 'editAndRehash': {
      const marks = lines.map((l, k) => [k, JSON.parse(l) as AuditRecord] as const).filter(([, r]) => (t.kind === 'editCheckpoint' ? r.kind === 'checkpoint' : true));
      if (marks.length === 0) return null;
      const [k, record] = marks[t.a % marks.length]!;
      if (record.mark) record.mark.count += 1 + (t.b % 5);
      else record.event!.decision.allow = !record.event!.decision.allow;
      if (t.kind === 'editAndRehash') record.hash = recordHash(record); // a forger who recomputes the line's own hash
      const copy = [...lines];
      copy[k] = canonicalJson(record);
      return join(copy);
    }
  }
}

/** The seq of the first record that differs (global line index == seq, across rotated files). */
function firstDifference(before: Buffer[], after: Buffer[]): number {
  const a = before.flatMap((b) => splitLines(b.toString('utf8')));
  const b = after.flatMap((x) => splitLines(x.toString('utf8')));
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k;
}

async function runTamperings(name: string, files: Buffer[], numRuns: number, seed: number) {
  const paths = files.map((_, k) => join(dir, name, `t${k}.jsonl`));
  files.forEach((content, k) => writeFileSync(paths[k]!, content));
  let dirty = -1;
  const counts: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(fc.nat(), op, async (fileChoice, t) => {
      const target = fileChoice % files.length;
      const tampered = tamper(files[target]!, t);
      if (tampered === null || tampered.equals(files[target]!)) return;
      const after = files.map((f, k) => (k === target ? tampered : f));
      if (dirty >= 0) writeFileSync(paths[dirty]!, files[dirty]!);
      writeFileSync(paths[target]!, tampered);
      dirty = target;
      const result = await verifyAuditLog(paths);
      expect(result.ok).toBe(false);
      const changed = firstDifference(files, after);
      // A forger who rehashes an edited event passes that line's own check; the next line's prev exposes it.
      if (t.kind === 'editAndRehash') expect([changed, changed + 1]).toContain(result.firstBadSeq);
      else expect(result.firstBadSeq).toBe(changed);
      counts[t.kind] = (counts[t.kind] ?? 0) + 1;
    }),
    { seed, numRuns },
  );
  return counts;
}

describe('verifyAuditLog under random tampering', () => {
  it('accepts the untampered logs (single file and rotated)', async () => {
    const single = await writeLog('clean', 20);
    expect(single).toHaveLength(1);
    expect(await verifyAuditLog(join(dir, 'clean', 'audit.jsonl'))).toMatchObject({ ok: true, events: 40, sealed: true });
    const rotated = await writeLog('clean-rotated', 20, 3000);
    expect(rotated.length).toBeGreaterThan(3);
    expect(await verifyAuditLog(join(dir, 'clean-rotated', 'audit.jsonl'))).toMatchObject({ ok: true, events: 40 });
  });

  it('detects 2000 seeded random tamperings of a single-file log, each at the first changed seq', async () => {
    const files = await writeLog('single', 12);
    const counts = await runTamperings('single', files, 2000, 20240611);
    const total = Object.values(counts).reduce((n, c) => n + c, 0);
    expect(total).toBeGreaterThan(1750); // no-op draws (same byte, swap with itself) are skipped
    for (const kind of TAMPERINGS) expect(counts[kind]).toBeGreaterThan(80);
  }, 60_000);

  it('detects 1000 seeded random tamperings across rotated files', async () => {
    const files = await writeLog('rotated', 12, 2500);
    const counts = await runTamperings('rotated', files, 1000, 7);
    expect(Object.values(counts).reduce((n, c) => n + c, 0)).toBeGreaterThan(800); // small files: more no-op draws (no checkpoint in the file, swap with itself);
  }, 60_000);

  it('detects deleted or reordered files and a missing seal', async () => {
    const files = await auditLogFiles(join(dir, 'clean-rotated', 'audit.jsonl'));
    expect((await verifyAuditLog(files.slice(1))).firstBadSeq).toBe(0);
    expect((await verifyAuditLog([files[1]!, files[0]!, ...files.slice(2)])).ok).toBe(false);
    const open = await verifyAuditLog(files.slice(0, -1));
    expect(open.error?.reason).toMatch(/seal/);
    expect((await verifyAuditLog(files.slice(0, -1), { allowOpen: true })).ok).toBe(true);
  });

  it('uses an external anchor to detect truncation back to an earlier valid state', async () => {
    const path = join(dir, 'clean', 'audit.jsonl');
    const full = await verifyAuditLog(path);
    const anchor = { seq: full.lastSeq!, hash: full.head! };
    expect((await verifyAuditLog(path, { anchor })).ok).toBe(true);
    expect((await verifyAuditLog(path, { anchor: { seq: anchor.seq + 5, hash: anchor.hash } })).error?.reason).toMatch(/anchor/);
    expect((await verifyAuditLog(path, { anchor: { seq: anchor.seq, hash: '0'.repeat(64) } })).ok).toBe(false);
  });
});
