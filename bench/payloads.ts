/** @module bench/payloads — seeded generators of realistic JSON bodies (Anthropic Messages requests, record lists) with planted secrets. */

import { base62Checksum } from '../engine/scan/validators.js';

/** A tiny seeded PRNG (mulberry32): same seed, same payload. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the service returned an error when the client retried request with token config deploy cluster ' +
  'database migration rollback latency budget queue worker schedule invoice customer ticket report ' +
  'please review this change and summarize what failed in the pipeline yesterday afternoon thanks'
).split(' ');

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function chars(r: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

function luhnCard(r: () => number): string {
  const digits = [4, ...Array.from({ length: 14 }, () => Math.floor(r() * 10))];
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let d = digits[14 - i]!;
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
}

/** A synthetic secret or personal datum of a random kind (never a real credential). */
export function plantedSecret(r: () => number): string {
  switch (Math.floor(r() * 8)) {
    case 0: return 'AKIA' + chars(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
    case 1: {
      const body = chars(r, B62, 30); // GitHub tokens carry a CRC32 checksum: make it valid
      return 'ghp_' + body + base62Checksum(body);
    }
    case 2: return `${pick(r, ['ana', 'bo', 'chen', 'dana'])}.${chars(r, 'abcdefghij', 5)}@example.com`;
    case 3: return luhnCard(r);
    case 4: return 'xoxb-' + chars(r, '0123456789', 11) + '-' + chars(r, '0123456789', 12) + '-' + chars(r, B62, 24);
    case 5: return 'sk_live_' + chars(r, B62, 24);
    case 6: return 'glpat-' + chars(r, B62, 20);
    default: return 'AIza' + chars(r, B62 + '-_', 35);
  }
}

/** Prose of about `bytes` characters, with a planted secret roughly every `secretEvery` characters. */
export function prose(r: () => number, bytes: number, secretEvery = 1200): string {
  const parts: string[] = [];
  let len = 0;
  let nextSecret = secretEvery * (0.5 + r());
  while (len < bytes) {
    const w = len >= nextSecret ? plantedSecret(r) : pick(r, WORDS);
    if (len >= nextSecret) nextSecret += secretEvery * (0.5 + r());
    parts.push(w);
    len += w.length + 1;
    if (r() < 0.04) parts.push('\n');
  }
  return parts.join(' ');
}

/**
 * An Anthropic Messages API request of about `bytes` bytes: tools, text, tool_use and tool_result blocks.
 *
 * @example
 * const body = anthropicRequest(64 * 1024, 7); // Buffer, same bytes for the same seed
 */
export function anthropicRequest(bytes: number, seed = 1): Buffer {
  const r = rng(seed);
  const tools = ['run_sql', 'read_file', 'http_get', 'send_email'].map((name) => ({
    name,
    description: `Tool ${name}: ${prose(r, 80, 1e9)}`,
    input_schema: { type: 'object', properties: { arg: { type: 'string' } }, required: ['arg'] },
  }));
  const messages: unknown[] = [];
  const body = { model: 'claude-sonnet-4-5', max_tokens: 1024, stream: false, system: prose(r, 300, 1e9), tools, messages };
  let size = JSON.stringify(body).length;
  let turn = 0;
  while (size < bytes) {
    const chunk = Math.min(Math.max(200, Math.floor((bytes - size) * 0.3)), 6000);
    let msg: unknown;
    if (turn % 3 === 0) msg = { role: 'user', content: [{ type: 'text', text: prose(r, chunk) }] };
    else if (turn % 3 === 1) {
      msg = {
        role: 'assistant',
        content: [
          { type: 'text', text: prose(r, chunk / 4) },
          { type: 'tool_use', id: `toolu_${chars(r, B62, 20)}`, name: pick(r, tools).name, input: { arg: prose(r, 60), limit: 10 } },
        ],
      };
    } else {
      msg = { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${chars(r, B62, 20)}`, content: prose(r, chunk) }] };
    }
    messages.push(msg);
    size += JSON.stringify(msg).length + 1;
    turn++;
  }
  return Buffer.from(JSON.stringify(body));
}

/**
 * A JSON array of customer records (email, phone, sometimes a card) of about `bytes` bytes.
 *
 * @example
 * const body = recordList(16 * 1024 * 1024, 3);
 */
export function recordList(bytes: number, seed = 2): Buffer {
  const r = rng(seed);
  const parts: string[] = [];
  let size = 2;
  for (let id = 1; size < bytes; id++) {
    const rec: Record<string, unknown> = {
      id,
      name: `${pick(r, ['Ana', 'Bo', 'Chen', 'Dana', 'Eli'])} ${pick(r, ['Smith', 'Ng', 'Okafor', 'Silva'])}`,
      email: `user${id}@example.org`,
      phone: `+1-202-555-${String(1000 + Math.floor(r() * 9000))}`,
      active: r() < 0.8,
      balance: Math.round(r() * 1e6) / 100,
      tags: [pick(r, WORDS), pick(r, WORDS)],
      note: prose(r, 40 + Math.floor(r() * 120), 1e9),
    };
    if (r() < 0.3) rec.card = luhnCard(r);
    const s = JSON.stringify(rec);
    parts.push(s);
    size += s.length + 1;
  }
  return Buffer.from(`[${parts.join(',')}]`);
}
