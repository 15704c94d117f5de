/** @module approval/file-store.test — durability, cross-instance CAS, compaction, torn lines and stale locks. */
import { describe, it, expect, afterAll } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from './file-store.js';
import { withFileLock } from './file-lock.js';
import { sampleRecord } from './fixtures/records.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-file-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `store${n++}.jsonl`);

describe('createFileStore', () => {
  it('survives reopening: every change is a durable journal line', async () => {
    const path = fresh();
    const store = await createFileStore({ path });
    await store.create(sampleRecord('a'));
    await store.update('a', ['pending'], { state: 'approved' });
    const reopened = await createFileStore({ path });
    expect((await reopened.get('a'))!.state).toBe('approved');
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('two instances (as two processes) see each other and consume an approval only once', async () => {
    const path = fresh();
    const one = await createFileStore({ path });
    const two = await createFileStore({ path });
    await one.create(sampleRecord('a', { state: 'approved' }));
    await two.refresh();
    expect((await two.get('a'))!.state).toBe('approved');
    const results = await Promise.all([one.update('a', ['approved'], { state: 'consumed' }), two.update('a', ['approved'], { state: 'consumed' })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await expect(two.create(sampleRecord('a'))).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_STORE' });
  });

  it('concurrent refreshes never skip lines appended by another instance', async () => {
    const path = fresh();
    const reader = await createFileStore({ path });
    const writer = await createFileStore({ path });
    for (const id of ['r0', 'r1']) await writer.create(sampleRecord(id));
    await Promise.all([reader.refresh(), reader.refresh()]); // both see the same new bytes
    for (const id of ['r2', 'r3', 'r4', 'r5', 'r6']) await writer.create(sampleRecord(id));
    await reader.refresh();
    expect((await reader.list()).map((r) => r.id).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('compacts a mostly superseded journal on open, keeping live state and dropping old finished records', async () => {
    const path = fresh();
    const store = await createFileStore({ path, retainMs: 60_000 });
    await store.create(sampleRecord('live'));
    await store.create(sampleRecord('old', { state: 'denied', decidedAt: 1 }));
    for (let i = 0; i < 70; i++) await store.update('live', ['pending'], { reason: `edit ${i}` });
    const reopened = await createFileStore({ path, retainMs: 60_000 });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(await reopened.get('live')).toMatchObject({ reason: 'edit 69', state: 'pending' });
    expect(await reopened.get('old')).toBeUndefined();
    // An instance opened before the compaction notices the new file and reloads.
    await store.update('live', ['pending'], { state: 'approved' });
    await reopened.refresh();
    expect((await reopened.get('live'))!.state).toBe('approved');
  });

  it('skips a torn last line left by a crash and terminates it before the next append', async () => {
    const path = fresh();
    const store = await createFileStore({ path });
    await store.create(sampleRecord('a'));
    appendFileSync(path, '{"op":"put","record":{"id":"b","st');
    const reopened = await createFileStore({ path });
    expect(await reopened.get('b')).toBeUndefined();
    await reopened.create(sampleRecord('c'));
    const again = await createFileStore({ path });
    expect((await again.list()).map((r) => r.id).sort()).toEqual(['a', 'c']);
    expect(again.skippedLines).toBe(1);
  });

  it('breaks a lock left by a dead process, and times out on a live one', async () => {
    const path = fresh();
    writeFileSync(`${path}.lock`, '999999999 0 x'); // no such pid
    await expect(withFileLock(path, async () => 'ran')).resolves.toBe('ran');
    expect(existsSync(`${path}.lock`)).toBe(false);
    writeFileSync(`${path}.lock`, `${process.ppid} ${Date.now()} other`); // a live process
    await expect(withFileLock(path, async () => 'ran', { timeoutMs: 50 })).rejects.toMatchObject({ code: 'SLUICE_ERR_APPROVAL_STORE' });
    rmSync(`${path}.lock`);
  });
});
