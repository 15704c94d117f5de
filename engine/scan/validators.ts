/** @module scan/validators — checksum and format validators run in JS on each confirmed candidate. */
import { isIP } from 'node:net';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { parse as parseDomain } from 'tldts';
import type { ValidatorName } from './scanner.js';

/** ISO 13616 IBAN length per country code (SWIFT IBAN registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** SSNs published as samples (advertising, documentation) — never real people. */
const SAMPLE_SSNS = new Set(['078051120', '219099999', '123456789', '457555462']);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Card brands by issuer prefix (IIN) and the lengths they issue. */
const CARD_BRANDS: ReadonlyArray<{ prefix: RegExp; lengths: readonly number[] }> = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(2[89]|[3-8])/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(30[0-5]|309|36|38|39)/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(5018|5020|5038|5893|6304|6759|676[1-3])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

/**
 * Payment card check: separators (space or dash) used consistently, a known issuer prefix with
 * one of its lengths (13–19 digits), not all one digit, and a valid Luhn sum.
 * @example luhn('4111 1111 1111 1111') // true
 */
export function luhn(text: string): boolean {
  // Cheap exits first (most candidates are arbitrary digit runs): separators, length, checksum.
  let separator = -1;
  let count = 0;
  let sum = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      let d = c - 48;
      if (count++ % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    } else if (separator === -1 || separator === c) separator = c;
    else return false; // mixed separators
  }
  if (count < 13 || count > 19 || sum % 10 !== 0) return false;
  const digits = separator === -1 ? text : text.replace(/[ -]/g, '');
  if (!/^[0-9]{13,19}$/.test(digits) || /^(\d)\1+$/.test(digits)) return false;
  if (!CARD_BRANDS.some((b) => b.prefix.test(digits) && b.lengths.includes(digits.length))) return false;
  return luhnChecksum(digits);
}

/**
 * The bare Luhn (mod 10) checksum over a digit string.
 * @example luhnChecksum('79927398713') // true
 */
export function luhnChecksum(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * IBAN: known country, registry length, ISO 7064 mod 97 == 1 (spaces allowed).
 * @example ibanMod97('GB82 WEST 1234 5698 7654 32') // true
 */
export function ibanMod97(text: string): boolean {
  const iban = text.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * US SSN: one delimiter style, not all-same digits, area not 000/666/9xx, group not 00,
 * serial not 0000, not a published sample.
 * @example usSsn('536-22-1234') // true
 */
export function usSsn(text: string): boolean {
  const match = /^([0-9]{3})([- ]?)([0-9]{2})([- ]?)([0-9]{4})$/.exec(text);
  if (!match || match[2] !== match[4]) return false;
  const [, area, , group, , serial] = match as unknown as [string, string, string, string, string, string];
  const digits = area + group + serial;
  if (/^(\d)\1+$/.test(digits) || SAMPLE_SSNS.has(digits)) return false;
  if (area === '000' || area === '666' || area[0] === '9') return false;
  return group !== '00' && serial !== '0000';
}

/**
 * GitHub/npm token checksum: the last 6 characters are base62(CRC32(random body)), zero-padded;
 * the body is what lies between the `xxx_` prefix and the checksum.
 * @example githubCrc32(githubToken('ghp_', 'a'.repeat(30))) // true
 */
export function githubCrc32(text: string): boolean {
  const underscore = text.lastIndexOf('_');
  if (underscore < 0 || text.length - underscore - 1 < 7) return false;
  const body = text.slice(underscore + 1, -6);
  return text.slice(-6) === base62Checksum(body);
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * CRC-32 (zlib's) of the latin1 bytes of `text` (each char's low byte, as Buffer.from(text, 'latin1')), without
 * building a Buffer: the confirm step checks short token bodies, where the Buffer and native call cost the most.
 * @example crc32Latin1('hello') === zlib.crc32(Buffer.from('hello', 'latin1')) // true
 */
export function crc32Latin1(text: string): number {
  let c = -1;
  for (let i = 0; i < text.length; i++) c = CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * The 6-character base62 CRC32 checksum GitHub and npm append to their tokens.
 * @example base62Checksum('abc') // six base62 characters
 */
export function base62Checksum(body: string): string {
  let n = crc32Latin1(body);
  let out = '';
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(6, '0');
}

/**
 * A phone number libphonenumber-js considers valid (international, or a US national number).
 * @example phone('+44 20 7946 0958') // true
 */
export function phone(text: string): boolean {
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length < 7 || digits.length > 15 || /^(\d)\1+$/.test(digits)) return false;
  return remembered(PHONE_RESULTS, text, () => {
    const parsed = parsePhoneNumberFromString(text, text.trim().startsWith('+') ? undefined : 'US');
    return parsed !== undefined && parsed.isValid();
  });
}

/** Results of the costly validators (libphonenumber, tldts) by input: the same values recur in record lists. */
const PHONE_RESULTS = new Map<string, boolean>();
const HOST_RESULTS = new Map<string, boolean>();

function remembered(cache: Map<string, boolean>, key: string, compute: () => boolean): boolean {
  let result = cache.get(key);
  if (result === undefined) {
    if (cache.size >= 4096) cache.clear(); // bounded
    cache.set(key, (result = compute()));
  }
  return result;
}

/**
 * An IPv4 (four octets, no leading zeros, first octet not 0) or IPv6 address (two or more groups).
 * @example ip('203.0.113.7') // true
 */
export function ip(text: string): boolean {
  const version = isIP(text);
  if (version === 6) return text.split(':').filter((group) => group !== '').length >= 2;
  if (version !== 4) return false;
  const octets = text.split('.');
  return octets.every((o) => o === '0' || !o.startsWith('0')) && octets[0] !== '0';
}

/**
 * An e-mail address whose domain ends in a real (ICANN) public suffix.
 * @example emailTld('jane.doe@example.co.uk') // true
 */
export function emailTld(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at <= 0) return false;
  const host = text.slice(at + 1).toLowerCase();
  return remembered(HOST_RESULTS, host, () => {
    const parsed = parseDomain(host, { allowPrivateDomains: false });
    return parsed.isIcann === true && parsed.domain !== null && parsed.domainWithoutSuffix !== '';
  });
}

/**
 * A JWT whose header segment base64url-decodes to a JSON object with a string `alg`.
 * @example jwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln') // true
 */
export function jwt(text: string): boolean {
  const header = text.split('.')[0] ?? '';
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(header)) return false;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && typeof (decoded as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/**
 * ABA routing number: 9 digits, valid Federal Reserve prefix, weighted 3-7-1 checksum.
 * @example abaRouting('011000015') // true
 */
export function abaRouting(text: string): boolean {
  if (!/^[0-9]{9}$/.test(text)) return false;
  const prefix = Number(text.slice(0, 2));
  const prefixOk = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  if (!prefixOk) return false;
  const d = [...text].map(Number) as number[];
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

const VALIDATORS: Readonly<Record<ValidatorName, (text: string) => boolean>> = {
  luhn,
  'iban-mod97': ibanMod97,
  'us-ssn': usSsn,
  'github-crc32': githubCrc32,
  phone,
  ip,
  'email-tld': emailTld,
  jwt,
  'aba-routing': abaRouting,
};

/** Every validator name, for schema enums and tests. */
export const VALIDATOR_NAMES = Object.keys(VALIDATORS) as ValidatorName[];

/**
 * Run a named validator on the candidate text (the secret group, or else the whole match).
 * Never throws on content: an unknown name or malformed text is simply invalid.
 * @example runValidator('luhn', '4111-1111-1111-1111') // true
 */
export function runValidator(name: ValidatorName, text: string): boolean {
  const validate = VALIDATORS[name];
  if (validate === undefined) return false;
  try {
    return validate(text);
  } catch {
    return false;
  }
}
