/** @module detectors/corpus/fakes-pii — format-valid fake personal data (checksums computed, not copied). */
import { abaRouting, ibanMod97, luhnChecksum, phone, usSsn } from '../../../engine/scan/validators.js';
import { DIGITS, UPPER, type Rng } from './rng.js';
import type { FakeGenerator } from './fakes-secret.js';

export const FIRST = ['jane', 'john', 'maria', 'wei', 'amir', 'olga', 'kofi', 'lena', 'raj', 'sofia'];
export const LAST = ['doe', 'smith', 'garcia', 'chen', 'haddad', 'ivanova', 'mensah', 'berg', 'patel', 'rossi'];
export const DOMAINS = ['example.com', 'example.org', 'mail.example.co.uk', 'corp.example.de', 'example.io', 'uni.example.edu'];

/** Retry `make` until `valid` accepts its result (format-valid fakes from random draws). */
function until(rng: Rng, make: (rng: Rng) => string, valid: (value: string) => boolean): string {
  for (;;) {
    const value = make(rng);
    if (valid(value)) return value;
  }
}

/** Append the Luhn check digit to a numeric prefix. */
export function withLuhnDigit(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnChecksum(prefix + d)) return prefix + d;
  throw new Error('unreachable');
}

/** Compute the two IBAN check digits for a country and BBAN. */
export function ibanWithCheck(country: string, bban: string): string {
  for (let check = 2; check <= 98; check++) {
    const candidate = `${country}${String(check).padStart(2, '0')}${bban}`;
    if (ibanMod97(candidate)) return candidate;
  }
  throw new Error(`no IBAN check digits for ${country}`);
}

const CARD_PREFIXES: ReadonlyArray<[string, number, number[]]> = [
  ['4', 16, [4, 4, 4, 4]],
  ['51', 16, [4, 4, 4, 4]],
  ['55', 16, [4, 4, 4, 4]],
  ['2221', 16, [4, 4, 4, 4]],
  ['37', 15, [4, 6, 5]],
  ['6011', 16, [4, 4, 4, 4]],
  ['3530', 16, [4, 4, 4, 4]],
];

/** A Luhn-valid card number, grouped with spaces or dashes, or ungrouped. */
export function fakeCard(rng: Rng): string {
  const [prefix, length, groups] = rng.pick(CARD_PREFIXES);
  const digits = withLuhnDigit(prefix + rng.chars(DIGITS, length - prefix.length - 1));
  const separator = rng.pick(['', ' ', '-']);
  if (separator === '') return digits;
  let at = 0;
  return groups.map((n) => digits.slice(at, (at += n))).join(separator);
}

const IBAN_BBANS: ReadonlyArray<[string, (rng: Rng) => string]> = [
  ['DE', (r) => r.chars(DIGITS, 18)],
  ['GB', (r) => r.chars(UPPER, 4) + r.chars(DIGITS, 14)],
  ['FR', (r) => r.chars(DIGITS, 23)],
  ['NL', (r) => r.chars(UPPER, 4) + r.chars(DIGITS, 10)],
  ['ES', (r) => r.chars(DIGITS, 20)],
  ['CH', (r) => r.chars(DIGITS, 17)],
];

/** A mod-97-valid IBAN, printed compact or in groups of four. */
export function fakeIban(rng: Rng): string {
  const [country, bban] = rng.pick(IBAN_BBANS);
  const iban = ibanWithCheck(country, bban(rng));
  return rng.chance(0.5) ? iban : iban.replace(/(.{4})(?=.)/g, '$1 ');
}

/** A valid-looking US SSN (area 001–665/667–899, group 01–99, serial 0001–9999). */
export function fakeSsn(rng: Rng, separator: string): string {
  return until(
    rng,
    (r) => `${String(r.int(1, 899)).padStart(3, '0')}${separator}${String(r.int(1, 99)).padStart(2, '0')}${separator}${String(r.int(1, 9999)).padStart(4, '0')}`,
    usSsn,
  );
}

/** A US number libphonenumber-js considers valid, in one of the usual national formats. */
export function fakeUsPhone(rng: Rng): string {
  return until(
    rng,
    (r) => {
      const [a, b, c] = [`${r.int(2, 9)}${r.chars(DIGITS, 2)}`, `${r.int(2, 9)}${r.chars(DIGITS, 2)}`, r.chars(DIGITS, 4)];
      return r.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`]);
    },
    phone,
  );
}

const INTERNATIONAL: ReadonlyArray<(rng: Rng) => string> = [
  (r) => `+1 ${r.int(2, 9)}${r.chars(DIGITS, 2)} ${r.int(2, 9)}${r.chars(DIGITS, 2)} ${r.chars(DIGITS, 4)}`,
  (r) => `+44 20 7${r.chars(DIGITS, 3)} ${r.chars(DIGITS, 4)}`,
  (r) => `+44 7${r.int(4, 9)}${r.chars(DIGITS, 2)} ${r.chars(DIGITS, 6)}`,
  (r) => `+49 30 ${r.chars(DIGITS, 8)}`,
  (r) => `+33 6 ${r.chars(DIGITS, 2)} ${r.chars(DIGITS, 2)} ${r.chars(DIGITS, 2)} ${r.chars(DIGITS, 2)}`,
  (r) => `+91 9${r.chars(DIGITS, 4)} ${r.chars(DIGITS, 5)}`,
];

const plain = (secret: string): { text: string; secret: string } => ({ text: secret, secret });
const said = (rng: Rng, contexts: readonly string[], secret: string): { text: string; secret: string } => ({
  text: `${rng.pick(contexts)}${secret}`,
  secret,
});

/** Fake generators keyed by PII detector id. */
export const PII_FAKES: Readonly<Record<string, FakeGenerator>> = {
  email: (r) => plain(`${r.pick(FIRST)}${r.pick(['.', '_', '+', ''])}${r.pick(LAST)}${r.chance(0.3) ? r.int(1, 99) : ''}@${r.pick(DOMAINS)}`),
  'credit-card': (r) => said(r, ['card number ', 'Visa: ', 'paid with ', 'cc=', ''], fakeCard(r)),
  iban: (r) => said(r, ['IBAN ', 'account: ', 'pay to ', ''], fakeIban(r)),
  'us-ssn': (r) => said(r, ['SSN: ', 'social security number ', 'ssn=', 'Patient ', ''], fakeSsn(r, r.pick(['-', ' ']))),
  'us-ssn-bare': (r) => said(r, ['SSN: ', 'ssn ', 'social security no. ', 'SSN#'], fakeSsn(r, '')),
  'phone-international': (r) => said(r, ['call ', 'phone: ', 'reach me at ', ''], until(r, (x) => INTERNATIONAL[x.int(0, INTERNATIONAL.length - 1)]!(x), phone)),
  'phone-number': (r) => said(r, ['phone: ', 'call me at ', 'Tel. ', 'mobile ', 'cell: '], fakeUsPhone(r)),
  'ipv4-address': (r) => said(r, ['client ip ', 'from ', 'host=', ''], `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`),
  'ipv6-address': (r) =>
    said(r, ['client ', 'addr ', ''], r.chance(0.5) ? `2001:db8:${r.chars('0123456789abcdef', 4)}::${r.chars('123456789abcdef', 1)}${r.chars('0123456789abcdef', 3)}` : `fe80::${[1, 2, 3, 4].map(() => r.chars('123456789abcdef', 1) + r.chars('0123456789abcdef', 3)).join(':')}`),
  'us-bank-routing-number': (r) =>
    said(r, ['routing number ', 'ABA: ', 'routing: ', 'RTN '], until(r, (x) => `0${x.int(1, 9)}${x.chars(DIGITS, 7)}`, abaRouting)),
};

