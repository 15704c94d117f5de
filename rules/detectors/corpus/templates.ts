/** @module detectors/corpus/templates — realistic carriers for a snippet: prose, env files, logs, LLM and API JSON bodies. */
import { ALNUM, DIGITS, HEX, type Rng } from './rng.js';

/** A text around a snippet; `before`/`after` are what surrounds it. */
export type TextTemplate = (rng: Rng) => { before: string; after: string };

/** Where a string value sits inside a JSON body: the body and the JSON pointer of the value. */
export interface JsonPlacement {
  body: unknown;
  pointer: string;
}

const id = (rng: Rng, prefix: string, n: number): string => `${prefix}${rng.chars(ALNUM, n)}`;

/** Texts an application sends to or gets from a model: the snippet sits in the middle. */
export const TEXT_TEMPLATES: readonly TextTemplate[] = [
  () => ({ before: 'Hey, can you debug this? My config is:\n', after: '\nIt fails with a 401 since this morning.' }),
  () => ({ before: '# .env\nNODE_ENV=production\nPORT=8080\n', after: '\nLOG_LEVEL=info\n' }),
  (r) => ({ before: `2024-05-01T12:00:0${r.int(0, 9)}.123Z INFO request_id=${r.chars(HEX, 8)} user=svc-ci msg="calling upstream" `, after: ' status=200 duration_ms=41' }),
  () => ({ before: "const client = new Client({\n  region: 'us-east-1',\n  value: '", after: "',\n  retries: 3,\n});" }),
  (r) => ({ before: `Summary of ticket #${r.chars(DIGITS, 5)}: the customer pasted `, after: ' into the form. Release 2.14 went out at 14:32 and nothing else changed.' }),
  () => ({ before: '```yaml\nservice:\n  name: billing\n  credentials: ', after: '\n  replicas: 3\n```' }),
  () => ({ before: 'Résumé des données — ', after: ' — merci beaucoup 🙏, à bientôt.' }),
  () => ({ before: 'Please rewrite this note so it is more polite: "', after: '" Thanks!' }),
  () => ({ before: '$ curl -s https://api.example.com/v1/items ', after: ' | jq .items[0]' }),
  () => ({ before: '', after: '' }),
];

/** Wrap `text` (a whole string value) in a typical JSON body; returns the body and the value's pointer. */
export type JsonTemplate = (rng: Rng, text: string) => JsonPlacement;

/** LLM request/response bodies and plain API payloads. */
export const JSON_TEMPLATES: readonly JsonTemplate[] = [
  (r, text) => ({
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'You are a careful assistant for the platform team.',
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
      metadata: { user_id: id(r, 'usr_', 16) },
    },
    pointer: '/messages/0/content/0/text',
  }),
  (r, text) => ({
    body: {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: text },
      ],
      user: id(r, 'u-', 10),
    },
    pointer: '/messages/1/content',
  }),
  (r, text) => ({
    body: {
      id: id(r, 'msg_01', 22),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'text', text: "I'll run that for you." },
        { type: 'tool_use', id: id(r, 'toolu_01', 22), name: 'bash', input: { command: text, timeout: 30 } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: r.int(100, 4000), output_tokens: r.int(10, 400) },
    },
    pointer: '/content/1/input/command',
  }),
  (r, text) => ({
    body: {
      id: id(r, 'chatcmpl-', 24),
      object: 'chat.completion',
      created: r.int(1.7e9, 1.8e9),
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: r.int(10, 900), completion_tokens: r.int(10, 900) },
    },
    pointer: '/choices/0/message/content',
  }),
  (r, text) => ({
    body: {
      id: [8, 4, 4, 4, 12].map((n) => r.chars(HEX, n)).join('-'),
      order_id: `ORD-2024-${r.chars(DIGITS, 6)}`,
      customer: { name: 'Jane Doe', note: text, tier: 'gold' },
      created_at: '2024-05-01T12:00:03Z',
    },
    pointer: '/customer/note',
  }),
];

/** A JSON body where `value` is the whole value of field `key` (secret-by-field-name placement). */
export function fieldPlacement(rng: Rng, key: string, value: string): JsonPlacement {
  const shape = rng.int(0, 2);
  if (shape === 0) return { body: { config: { region: 'eu-west-1', [key]: value, retries: 3 } }, pointer: `/config/${escapePointer(key)}` };
  if (shape === 1) {
    return {
      body: { type: 'tool_use', name: 'deploy', input: { service: 'billing', [key]: value } },
      pointer: `/input/${escapePointer(key)}`,
    };
  }
  return { body: { user: { id: rng.int(1, 99999), name: 'Jane Doe', [key]: value } }, pointer: `/user/${escapePointer(key)}` };
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
