/** @module scan/validators.test — each validator on known-good values and on the look-alikes it must reject. */
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { base62Checksum, crc32Latin1, luhnChecksum, runValidator } from './validators.js';

const accept = (name: Parameters<typeof runValidator>[0], values: string[]) =>
  it(`${name} accepts ${values.length} valid values`, () => {
    for (const v of values) expect(runValidator(name, v), v).toBe(true);
  });
const reject = (name: Parameters<typeof runValidator>[0], values: string[]) =>
  it(`${name} rejects ${values.length} invalid values`, () => {
    for (const v of values) expect(runValidator(name, v), v).toBe(false);
  });

describe('validators', () => {
  accept('luhn', ['4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', '6011111111111117', '3530111333300000', '2223003122003222']);
  reject('luhn', ['4111111111111112', '4111 1111-1111 1111', '1234567812345670', '9111111111111111', '0000000000000000', '4444444444444444', '37828224631000', '41111111111111111111']);
  it('luhnChecksum is the plain mod-10 sum', () => {
    expect(luhnChecksum('79927398713')).toBe(true);
    expect(luhnChecksum('79927398710')).toBe(false);
  });

  accept('iban-mod97', ['GB82WEST12345698765432', 'GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'CH9300762011623852957']);
  reject('iban-mod97', ['GB83WEST12345698765432', 'DE8937040044053201300', 'XX89370400440532013000', 'de89370400440532013000x', 'DE00370400440532013000']);

  accept('us-ssn', ['536-22-1234', '536 22 1234', '536221234', '001-01-0001', '665-99-9999']);
  reject('us-ssn', ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000', '078-05-1120', '219-09-9999', '123-45-6789', '111-11-1111', '536-22 1234', '53622-1234', '536-22-12345']);

  it('crc32Latin1 equals zlib crc32 of the latin1 bytes (any UTF-16 text)', () => {
    expect(crc32Latin1('')).toBe(0);
    expect(crc32Latin1('123456789')).toBe(0xcbf43926); // the CRC-32 check value
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(crc32Latin1(text)).toBe(crc32(Buffer.from(text, 'latin1')));
    }), { numRuns: 500 });
  });

  it('github-crc32 accepts tokens whose last 6 characters are base62(CRC32(body))', () => {
    const body = 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1';
    expect(runValidator('github-crc32', `ghp_${body}${base62Checksum(body)}`)).toBe(true);
    expect(runValidator('github-crc32', `npm_${body}${base62Checksum(body)}`)).toBe(true);
    expect(base62Checksum(body)).toMatch(/^[0-9A-Za-z]{6}$/);
  });
  reject('github-crc32', ['ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1000000', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'ghp_', 'no-underscore']);

  accept('phone', ['+44 20 7946 0958', '+1 415 555 2671', '(212) 736-5000', '+49 30 901820', '+33 6 12 34 56 78']);
  reject('phone', ['123-456-7890', '+1 555 0100', '12345', '0000000000', '+999 1234 5678']);

  accept('ip', ['203.0.113.7', '10.0.0.1', '255.255.255.255', '2001:db8::1', 'fe80::1ff:fe23:4567:890a', '::ffff:192.0.2.1']);
  reject('ip', ['1.2.3', '01.2.3.4', '256.1.1.1', '0.0.0.0', '0.1.2.3', '::', 'd::', '12:30:45', '00:1a:2b:3c:4d:5e', 'dead:beef:cafe']);

  accept('email-tld', ['jane.doe@example.com', 'a+b@mail.example.co.uk', 'x@uni.example.edu', 'ops@example.io']);
  reject('email-tld', ['user@localhost', 'admin@server.invalidtld', 'a@b', '@example.com', 'x@.com', 'x@com']);

  accept('jwt', ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', `${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`]);
  reject('jwt', ['eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.c2ln', 'not.a.jwt', `${Buffer.from('{"alg":1}').toString('base64url')}.e30.x`, '!!!.e30.x']);

  accept('aba-routing', ['011000015', '021000021', '121000358', '322271627']);
  reject('aba-routing', ['011000016', '123456789', '991000015', '01100001', '0110000150']);

  it('never throws: an unknown validator name is simply invalid', () => {
    expect(runValidator('nope' as never, 'x')).toBe(false);
  });
});
