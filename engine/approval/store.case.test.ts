/** @module approval/store.case.test — one conformance suite run against every ApprovalStore (memory and file). */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from './file-store.js';
import { createMemoryStore } from './memory-store.js';
import { sampleRecord } from './fixtures/records.js';
import type { ApprovalStore } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-store-case-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const stores: Array<[string, () => Promise<ApprovalStore>]> = [
  ['memory', async () => createMemoryStore()],
  ['file', async () => createFileStore({ path: join(dir, `s${n++}.jsonl`) })],
];

describe.each(stores)('ApprovalStore conformance: %s', (_name, make) => {
  it('creates, gets and lists copies (callers cannot mutate stored state)', async () => {
    const store = await make();
    await store.create(sampleRecord('a'));
    await store.create(sampleRecord('b', { kind: 'grant' }));
    const a = (await store.get('a'))!;
    a.state = 'approved';
    expect((await store.get('a'))!.state).toBe('pending');
    expect((await store.list()).map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(await store.get('zzz')).toBeUndefined();
  });

  it('update is compare-and-set on the state', async () => {
    const store = await make();
    await store.create(sampleRecord('a'));
    expect(await store.update('a', ['approved'], { state: 'consumed' })).toBeUndefined();
    expect(await store.update('a', ['pending'], { state: 'approved', decidedBy: 'alice' })).toMatchObject({ state: 'approved', decidedBy: 'alice' });
    const racers = await Promise.all([1, 2, 3, 4].map(() => store.update('a', ['approved'], { state: 'consumed' })));
    expect(racers.filter(Boolean)).toHaveLength(1); // consumed exactly once
    expect(await store.update('missing', ['pending'], { state: 'approved' })).toBeUndefined();
    expect((await store.get('a'))!.state).toBe('consumed');
  });
});
