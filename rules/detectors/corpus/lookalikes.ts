/** @module detectors/corpus/lookalikes — values that resemble secrets or PII but must survive untouched. */
import { base62Checksum, ibanMod97, luhnChecksum } from '../../../engine/scan/validators.js';
import { ibanWithCheck } from './fakes-pii.js';
import { ALNUM, BASE64URL, DIGITS, HEX, UPPER, base64Blob, type Rng } from './rng.js';

/** One kind of look-alike: a name for the report and a generator of text. */
export interface Lookalike {
  name: string;
  make: (rng: Rng) => string;
}

const uuid = (r: Rng): string => [8, 4, 4, 4, 12].map((n) => r.chars(HEX, n)).join('-');

function luhnInvalid(r: Rng): string {
  for (;;) {
    const digits = r.pick(['4', '5', '37', '6011']) + r.chars(DIGITS, 14);
    const candidate = digits.slice(0, digits.startsWith('37') ? 15 : 16);
    if (!luhnChecksum(candidate)) return r.chance(0.5) ? candidate : candidate.replace(/(\d{4})(?=\d)/g, '$1 ');
  }
}

function badIban(r: Rng): string {
  const good = ibanWithCheck('DE', r.chars(DIGITS, 18));
  for (;;) {
    const check = String(r.int(2, 98)).padStart(2, '0');
    const bad = `${good.slice(0, 2)}${check}${good.slice(4)}`;
    if (!ibanMod97(bad)) return bad;
  }
}

function invalidSsn(r: Rng): string {
  const area = r.pick(['000', '666', `9${r.chars(DIGITS, 2)}`, String(r.int(100, 665))]);
  const group = area.length === 3 && !['000', '666'].includes(area) && area[0] !== '9' ? '00' : String(r.int(10, 99));
  return `${area}-${group}-${String(r.int(1, 9999)).padStart(4, '0')}`;
}

function badChecksumToken(r: Rng, prefix: string): string {
  const body = r.chars(ALNUM, 30);
  let checksum = r.chars(ALNUM, 6);
  while (checksum === base62Checksum(body)) checksum = r.chars(ALNUM, 6);
  return `${prefix}${body}${checksum}`;
}

/** An LLM image block: a large base64 payload that no generic or entropy detector may touch. */
export function imageBlock(r: Rng): { type: string; source: { type: string; media_type: string; data: string } } {
  return { type: 'image', source: { type: 'base64', media_type: 'image/png', data: `iVBORw0KGgoAAAANSUhEUgAA${base64Blob(r, r.int(3000, 30000))}` } };
}

/** Every look-alike kind the corpus plants. */
export const LOOKALIKES: readonly Lookalike[] = [
  { name: 'uuid', make: uuid },
  { name: 'git-sha', make: (r) => `commit ${r.chars(HEX, 40)}` },
  { name: 'short-sha', make: (r) => `fixed in ${r.chars(HEX, 7)}` },
  { name: 'sha256-digest', make: (r) => `sha256:${r.chars(HEX, 64)}` },
  { name: 'md5', make: (r) => `md5 ${r.chars(HEX, 32)}` },
  { name: 'etag', make: (r) => `ETag: "W/${r.chars(HEX, 16)}-${r.chars(HEX, 27)}"` },
  { name: 'luhn-invalid-digits', make: luhnInvalid },
  { name: 'iban-bad-check', make: badIban },
  { name: 'invalid-ssn', make: invalidSsn },
  { name: 'ssn-shaped-no-context', make: (r) => `batch ${r.int(100, 665)}${r.chars(DIGITS, 6)}` },
  { name: 'version', make: (r) => r.pick([`v${r.int(0, 20)}.${r.int(0, 30)}.${r.int(0, 99)}`, `${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 9)}-beta.${r.int(1, 9)}`, `node ${r.int(18, 22)}.${r.int(0, 20)}.${r.int(0, 9)}`, `version ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)}`, `10.0.${r.int(19000, 22999)}.${r.int(1, 999)}`]) },
  { name: 'order-id', make: (r) => r.pick([`ORD-2024-${r.chars(DIGITS, 6)}`, `order #${r.int(1, 9)}${r.chars(DIGITS, 9)}`, `INV-${r.chars(DIGITS, 5)}`, `PO ${r.chars(DIGITS, 10)}`, `tracking ${r.chars(UPPER, 2)}${r.chars(DIGITS, 9)}US`]) },
  { name: 'timestamp', make: (r) => r.pick([`2024-0${r.int(1, 9)}-1${r.int(0, 9)}T1${r.int(0, 9)}:${r.int(10, 59)}:${r.int(10, 59)}Z`, `at ${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}`, `${r.int(1.6e12, 1.8e12)}`]) },
  { name: 'mac-address', make: (r) => Array.from({ length: 6 }, () => r.chars(HEX, 2)).join(':') },
  { name: 'aws-arn', make: (r) => `arn:aws:iam::${r.chars(DIGITS, 12)}:role/ci-deploy` },
  { name: 'package-spec', make: (r) => r.pick([`lodash@4.17.${r.int(0, 21)}`, `@types/node@20.${r.int(0, 19)}.${r.int(0, 9)}`, 'git@github.com:acme/api.git']) },
  { name: 'cpp-scope', make: () => 'std::vector<int> v; ns::detail::impl();' },
  { name: 'price-and-percent', make: (r) => `$${r.int(1, 9)},${r.chars(DIGITS, 3)}.${r.chars(DIGITS, 2)} (${r.int(1, 99)}.${r.int(0, 9)}%)` },
  { name: 'phone-shaped-no-context', make: (r) => `ticket ${r.int(2, 9)}${r.chars(DIGITS, 2)}-${r.int(2, 9)}${r.chars(DIGITS, 2)}-${r.chars(DIGITS, 4)}` },
  { name: 'bad-checksum-github', make: (r) => badChecksumToken(r, r.pick(['ghp_', 'gho_', 'ghs_'])) },
  { name: 'bad-checksum-npm', make: (r) => badChecksumToken(r, 'npm_') },
  { name: 'jwt-without-alg', make: (r) => `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"sub":"${r.chars(DIGITS, 6)}"}`).toString('base64url')}.${r.chars(BASE64URL, 43)}` },
  { name: 'placeholder', make: (r) => r.pick(['password=${DB_PASSWORD}', 'api_key: <your-api-key>', 'Authorization: Bearer <token>', 'postgres://app@localhost:5432/main', 'redis://localhost:6379/0', 'AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}', 'password: ********']) },
  { name: 'prose', make: (r) => r.pick(['Send the password reset link to the user.', 'The bearer of this note is authorized.', 'Use basic authentication or a bearer token.', 'The secret key to success is consistency.', 'Rotate the API key every 90 days.']) },
  { name: 'random-base64-field', make: (r) => `signature=${base64Blob(r, 64)}` },
  { name: 'hex-color-and-ids', make: (r) => `#${r.chars(HEX, 6)} item-${r.chars(DIGITS, 4)} k8s pod/api-${r.chars(HEX, 9)}-${r.chars('bcdfghjklmnpqrstvwxz2456789', 5)}` },
  { name: 'ipv4-invalid', make: (r) => r.pick([`${r.int(256, 999)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`, `${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`, `0${r.int(1, 9)}.0${r.int(1, 9)}.1.1`]) },
];
