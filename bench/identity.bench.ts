/** @module bench/identity — createIdentityResolver().resolve vs the usual bare jose jwtVerify, in the same run. */
import { pathToFileURL } from 'node:url';
import Benchmark from 'benchmark';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createIdentityResolver, hashApiKey } from '../engine/index.js';
import { makeKey, signToken } from '../engine/identity/testing.js';

/** One row of results (same shape as bench/types.ts BenchResult). */
interface BenchResult { suite: string; name: string; hz: number; rme: number; unit?: string; ratio?: number; note?: string }

const NOW = Math.floor(Date.now() / 1000);

function runSuite(suite: Benchmark.Suite): Promise<Benchmark[]> {
  return new Promise((resolve) => {
    suite.on('complete', function (this: Benchmark.Suite) {
      resolve(this.map((b: Benchmark) => b));
    }).run({ async: true });
  });
}

const deferred = (fn: () => Promise<unknown>) => ({
  defer: true,
  fn: (deferred: { resolve(): void }) => void fn().then(() => deferred.resolve()),
});

/**
 * Measure resolve() for RS256 and ES256 tokens and API keys against bare jose verification
 * (what most services do today: jwtVerify with a key set, no shape checks or claim bounds).
 *
 * @example
 * const rows = await run(); // ratio = sluice hz / bare jose hz
 */
export async function run(): Promise<BenchResult[]> {
  const [rsa, ec] = await Promise.all([makeKey('RS256', 'rsa'), makeKey('ES256', 'ec')]);
  const keys = [rsa.publicJwk, ec.publicJwk];
  const apiKeys = Array.from({ length: 20 }, (_, i) => ({ id: `k${i}`, hash: hashApiKey(`sk_key_${i}_abcdef`), sub: `svc${i}`, groups: [] }));
  const jwt = { issuer: 'https://idp.test', audience: 'sluice', keys, algorithms: ['RS256', 'ES256'] };
  // Every call a full verification (as for a token seen the first time) ...
  const resolver = createIdentityResolver({ jwt: { ...jwt, verifiedCacheSize: 0 }, apiKeys });
  // ... and the default: a token seen before is answered from the verified-token cache.
  const remembering = createIdentityResolver({ jwt, apiKeys });
  const jwks = createLocalJWKSet({ keys });
  const tokens = { RS256: await signToken(rsa, {}, { nowSec: NOW }), ES256: await signToken(ec, {}, { nowSec: NOW }) };
  const rows: BenchResult[] = [];
  for (const [alg, token] of Object.entries(tokens)) {
    const bare = async () => jwtVerify(token, jwks, { issuer: 'https://idp.test', audience: 'sluice', algorithms: [alg] });
    const ours = async () => {
      const identity = await resolver.resolve({ authorization: `Bearer ${token}` });
      if (!identity.authenticated) throw new Error(`bench token refused: ${identity.reason}`);
    };
    const again = async () => {
      const identity = await remembering.resolve({ authorization: `Bearer ${token}` });
      if (!identity.authenticated) throw new Error(`bench token refused: ${identity.reason}`);
    };
    await ours();
    await again();
    const [b, o, r] = await runSuite(
      new Benchmark.Suite(`identity ${alg}`).add('jose jwtVerify (bare)', deferred(bare)).add('sluice resolve', deferred(ours))
        .add('sluice resolve, token seen before', deferred(again)),
    );
    rows.push({ suite: `identity ${alg}`, name: 'jose jwtVerify (bare)', hz: b!.hz, rme: b!.stats.rme, unit: 'tokens/s' });
    rows.push({ suite: `identity ${alg}`, name: 'sluice resolve', hz: o!.hz, rme: o!.stats.rme, unit: 'tokens/s', ratio: o!.hz / b!.hz, note: 'full verification every call; ratio vs bare jose' });
    rows.push({ suite: `identity ${alg}`, name: 'sluice resolve, token seen before', hz: r!.hz, rme: r!.stats.rme, unit: 'tokens/s', ratio: r!.hz / b!.hz, note: 'verified-token cache hit (default); bare jose re-verifies' });
  }
  const apiKey = async () => resolver.resolve({ 'x-api-key': 'sk_key_19_abcdef' });
  const [k] = await runSuite(new Benchmark.Suite('identity api-key').add('sluice resolve (20 stored keys)', deferred(apiKey)));
  rows.push({ suite: 'identity api-key', name: 'sluice resolve (20 stored keys)', hz: k!.hz, rme: k!.stats.rme, unit: 'keys/s' });
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await run()) {
    const ratio = row.ratio === undefined ? '' : `  ratio ${row.ratio.toFixed(2)}`;
    console.log(`${row.suite.padEnd(18)} ${row.name.padEnd(32)} ${Math.round(row.hz).toLocaleString('en').padStart(9)} ${row.unit} ±${row.rme.toFixed(1)}%${ratio}`);
  }
}
