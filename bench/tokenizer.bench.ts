/** @module bench/tokenizer — Sluice's byte-level tokenizer vs JSON.parse and @streamparser/json, MB/s on generated bodies. */
import { Tokenizer } from '@streamparser/json';
import { JsonTokenizer, NOOP_VISITOR } from '../engine/index.js';
import { nativeStrings } from '../engine/stream/native-strings.js';
import { anthropicRequest, recordList } from './payloads.js';
import { isMain, measure, printTable, type BenchResult } from './types.js';

const KB = 1024;
const MB = 1024 * KB;
const CHUNK = 64 * KB;

/** The four payloads every stream bench uses (seeded, generated in memory). */
export function streamPayloads(): Array<[string, Buffer]> {
  return [
    ['anthropic 4 KB', anthropicRequest(4 * KB, 1)],
    ['anthropic 64 KB', anthropicRequest(64 * KB, 2)],
    ['anthropic 1 MB', anthropicRequest(MB, 3)],
    ['records 16 MB', recordList(16 * MB, 4)],
  ];
}

/** Feed `bytes` in 64 KiB chunks, as a server would see them. */
export function chunked(bytes: Buffer, write: (chunk: Buffer) => void): void {
  for (let at = 0; at < bytes.length; at += CHUNK) write(bytes.subarray(at, at + CHUNK));
}

/**
 * MB/s of JSON.parse (baseline: the whole body, after concat + toString), @streamparser/json's Tokenizer and
 * Sluice's tokenizer (tokenize + validate + pointer stack, 64 KiB chunks), in JS and, with the addon, with its native
 * string loop. Target: Sluice ≥ 1.5× JSON.parse.
 *
 * @example
 * printTable(await run());
 */
export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const [label, bytes] of streamPayloads()) {
    const cases: Record<string, () => unknown> = {
      'JSON.parse (buffered)': () => JSON.parse(bytes.toString('utf8')),
      '@streamparser/json Tokenizer': () => {
        const t = new Tokenizer();
        t.onToken = () => {};
        chunked(bytes, (c) => t.write(c));
        t.end();
      },
      'sluice tokenize-only': () => {
        const t = new JsonTokenizer(NOOP_VISITOR);
        chunked(bytes, (c) => t.write(c));
        t.end();
      },
    };
    // what the native scanner engine's maskers run: long strings scanned in the addon (json_strings.cc)
    if (nativeStrings().stringStop !== null) {
      cases['sluice tokenize-only, native string loop'] = () => {
        const t = new JsonTokenizer(NOOP_VISITOR);
        t.useNative(true);
        chunked(bytes, (c) => t.write(c));
        t.end();
      };
    }
    const results = await measure(`tokenizer ${label}`, cases);
    const mbps = (i: number) => (results[i]!.hz * bytes.length) / 1e6;
    Object.keys(cases).forEach((name, i) => {
      rows.push({ suite: `tokenizer, ${label}`, name, hz: mbps(i), rme: results[i]!.rme, unit: 'MB/s', ratio: mbps(i) / mbps(0), ...(i === 0 ? { note: 'baseline' } : i === 2 ? { note: 'target ≥ 1.50x' } : {}) });
    });
  }
  return rows;
}

if (isMain(import.meta.url)) printTable(await run());
