/** @module scan/cache — compiled libhs databases cached in memory and on disk, keyed on libhs version, CPU and pattern set. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { arch, cpus } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../policy/paths.js';
import type { NativeBinding, NativeDatabase } from './native.js';

/** What a database is compiled from; the cache key hashes all of it. */
export interface DatabaseSpec {
  patterns: string[];
  flags: Uint32Array;
  gaps: Uint32Array;
  mode: 'block' | 'stream';
}

const memory = new Map<string, NativeDatabase>();
const MEMORY_LIMIT = 32;

/**
 * Where compiled databases are stored: `<cacheDir>/hs`, default `.sluice-cache/hs` at the package root
 * (or under env SLUICE_CACHE_DIR); `false` keeps them in memory only.
 */
function diskDir(cacheDir: string | false | undefined): string | undefined {
  if (cacheDir === false) return undefined;
  return join(cacheDir ?? defaultCacheDir(), 'hs');
}

/**
 * The cache key: libhs version, CPU (serialized databases are tuned to it), mode and the exact pattern set.
 *
 * @example
 * databaseKey(binding, { patterns: ['a+b'], flags, gaps, mode: 'block' }) // '3f1c…'
 */
export function databaseKey(binding: NativeBinding, spec: DatabaseSpec): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([binding.version, arch(), cpus()[0]?.model ?? '', spec.mode, spec.patterns]));
  hash.update(new Uint8Array(spec.flags.buffer, spec.flags.byteOffset, spec.flags.byteLength));
  hash.update(new Uint8Array(spec.gaps.buffer, spec.gaps.byteOffset, spec.gaps.byteLength));
  return hash.digest('hex');
}

/**
 * Compile `spec`, or reuse a database compiled earlier in this process or stored on disk.
 * A stale or foreign disk entry is ignored and overwritten; disk errors never fail the compile.
 *
 * @example
 * const db = cachedCompile(binding, spec, undefined); // .sluice-cache/hs/<key>.block.db
 */
export function cachedCompile(binding: NativeBinding, spec: DatabaseSpec, cacheDir: string | false | undefined): NativeDatabase {
  const key = databaseKey(binding, spec);
  const hit = memory.get(key);
  if (hit) return hit;
  const dir = diskDir(cacheDir);
  const file = dir ? join(dir, `${key}.${spec.mode}.db`) : undefined;
  let db: NativeDatabase | undefined;
  if (file) {
    try {
      db = binding.deserialize(readFileSync(file), spec.mode, spec.gaps);
      if (db.mode !== spec.mode) db = undefined;
    } catch {
      db = undefined; // missing, truncated or built for another platform: recompile
    }
  }
  if (!db) {
    db = binding.compile(spec.patterns, spec.flags, spec.mode, spec.gaps);
    if (dir && file) store(dir, file, db);
  }
  if (memory.size >= MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
  memory.set(key, db);
  return db;
}

function store(dir: string, file: string, db: NativeDatabase): void {
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, db.serialize());
    renameSync(temp, file);
  } catch {
    // the cache is an optimization; an unwritable directory only costs a recompile next time
  }
}

/** Forget the in-memory entries (tests). */
export function clearDatabaseCache(): void {
  memory.clear();
}
