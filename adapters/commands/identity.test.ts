/** @module cli/identity.test — `sluice identity hash-key|new-key` through the real router. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIdentityResolver } from '../../engine/index.js';
import { runCliCaptured } from './cli-test-helpers.js';

const run = runCliCaptured;

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('sluice identity', () => {
  it('hash-key prints the stored form of a key given as an argument', async () => {
    expect(await run(['identity', 'hash-key', 'sk_test_123'])).toEqual({ code: 0, out: `${sha('sk_test_123')}\n`, err: '' });
  });

  it('hash-key - reads the key from stdin (first line, trimmed)', async () => {
    const result = await run(['identity', 'hash-key', '-'], 'sk_from_stdin\n');
    expect(result.out).toBe(`${sha('sk_from_stdin')}\n`);
  });

  it('new-key prints a key whose hash authenticates through a resolver', async () => {
    const result = await run(['identity', 'new-key', '--prefix', 'svc_']);
    expect(result.code).toBe(0);
    const key = /^key: {2}(\S+)$/m.exec(result.out)?.[1];
    const hash = /^hash: (\S+)$/m.exec(result.out)?.[1];
    expect(key?.startsWith('svc_')).toBe(true);
    const resolver = createIdentityResolver({ apiKeys: [{ id: 'new', hash: hash!, sub: 'svc', groups: ['g'] }] });
    expect(await resolver.resolve({ 'x-api-key': key! })).toMatchObject({ authenticated: true, sub: 'svc' });
  });

  it.each([
    [['identity'], 'missing action'],
    [['identity', 'rotate'], "unknown action 'rotate'"],
    [['identity', 'hash-key', 'has space'], 'visible ASCII'],
    [['identity', 'hash-key', 'a', 'b'], 'one key'],
    [['identity', 'hash-key', 'k', '--prefix', 'x'], 'only for new-key'],
    [['identity', 'new-key', '--bogus'], 'bogus'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
  });

  it('--help prints the help text', async () => {
    const result = await run(['identity', '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('hash-key');
  });
});
