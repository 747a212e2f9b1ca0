/**
 * Access tokens verified against a key set fetched over HTTP, as oauth-introspect fetches Cognito's
 * (adapters/remote-key-set.ts), from a real JWKS server on loopback: the set is fetched once and
 * kept, a rotated-in key is fetched when a token names it (not sooner than the cooldown allows),
 * an old set is fetched again, and a server that is slow, down, or answers something that is not
 * a small JSON Web Key Set gets the token rejected (an inactive token, never a 500).
 */
import { generatePrime, randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  InvalidAccessToken,
  KEYS_UNAVAILABLE_LOGGED_EVERY_MS,
} from '../../lambdas/adapters/access-token.js';
import { KeySetUnavailable, remoteKeySet } from '../../lambdas/adapters/remote-key-set.js';
import { connectionClosed, JwksServer, statusOnly } from '../support/jwks-server.js';
import { captureLogs, logRecords } from '../support/logs.js';

const ISSUER = 'https://cognito-idp.eu-central-2.amazonaws.com/eu-central-2_test';

interface SigningKey {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  publicJwk: JWK;
}

async function rsaKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const keySet = (...keys: SigningKey[]): JSONWebKeySet => ({ keys: keys.map((k) => k.publicJwk) });

async function accessToken(key: SigningKey): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'demo-portal', token_use: 'access', scope: 'srs/read', jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(key.privateKey);
}

/** A clock the test moves: cache age and cooldown without waiting. */
function testClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const CACHE_MAX_AGE_MS = 600_000;
const COOLDOWN_MS = 30_000;

let first: SigningKey;
let second: SigningKey;
let server: JwksServer;
let url: URL;

beforeAll(async () => {
  [first, second] = await Promise.all([rsaKey('key-1'), rsaKey('key-2')]);
});

afterEach(async () => {
  await server?.stop();
});

async function startServer() {
  server = new JwksServer();
  url = await server.start();
}

function verifierWith(
  clock: ReturnType<typeof testClock>,
  extra: { timeoutMs?: number; maxBytes?: number } = {},
) {
  return createAccessTokenVerifier({
    issuer: ISSUER,
    jwks: url,
    fetch: { cacheMaxAgeMs: CACHE_MAX_AGE_MS, cooldownMs: COOLDOWN_MS, now: clock.now, ...extra },
  });
}

async function rejectionOf(verify: AccessTokenVerifier, token: string): Promise<unknown> {
  return verify(token).then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** A verifier on a fresh server serving the first key, which has fetched the set once. */
async function verifierAfterFirstFetch() {
  await startServer();
  server.serve(keySet(first));
  const clock = testClock();
  const verify = verifierWith(clock);
  await verify(await accessToken(first));
  expect(server.requests).toBe(1);
  return { clock, verify };
}

/** A fresh server answering as `answer` says, a verifier of its set on a clock the test moves, and a token. */
async function verifierOf(answer: (server: JwksServer) => void) {
  await startServer();
  answer(server);
  const clock = testClock();
  return { clock, verify: verifierWith(clock), token: await accessToken(first) };
}

describe('an access token verified against the fetched key set', () => {
  it('is accepted, and the set is fetched once for every token while it is fresh', async () => {
    await startServer();
    server.serve(keySet(first));
    const verify = verifierWith(testClock());

    const claims = await Promise.all(
      [accessToken(first), accessToken(first), accessToken(first)].map(async (t) => verify(await t)),
    );
    const later = await verify(await accessToken(first));

    expect(claims.map((c) => c.client_id)).toEqual(['demo-portal', 'demo-portal', 'demo-portal']);
    expect(later.scope).toBe('srs/read');
    expect(server.requests).toBe(1);
  });

  it('fetches the set again once it is older than its maximum age', async () => {
    const { clock, verify } = await verifierAfterFirstFetch();

    clock.advance(CACHE_MAX_AGE_MS - 1);
    await verify(await accessToken(first));
    expect(server.requests).toBe(1);
    clock.advance(1);
    await verify(await accessToken(first));

    expect(server.requests).toBe(2);
    // On a new connection: a kept-alive one would be found closed after the instance was frozen.
    expect(server.clientPorts[1]).not.toBe(server.clientPorts[0]);
  });

  it('fetches a rotated-in key when a token names it, after the cooldown and not before', async () => {
    const { clock, verify } = await verifierAfterFirstFetch();
    server.serve(keySet(first, second));

    // Within the cooldown an unknown kid is refused without a fetch: forged kids cost nothing.
    clock.advance(COOLDOWN_MS - 1);
    const early = await rejectionOf(verify, await accessToken(second));
    expect(early).toBeInstanceOf(InvalidAccessToken);
    expect(server.requests).toBe(1);

    clock.advance(1);
    const claims = await verify(await accessToken(second));
    expect(claims.client_id).toBe('demo-portal');
    expect(server.requests).toBe(2);
    // The old key is still in the new set.
    await verify(await accessToken(first));
    expect(server.requests).toBe(2);
  });

  it('refuses a token whose key is in no set, with one fetch per cooldown', async () => {
    const { clock, verify } = await verifierAfterFirstFetch();

    clock.advance(COOLDOWN_MS);
    const unknown = await accessToken(second);
    expect(await rejectionOf(verify, unknown)).toBeInstanceOf(InvalidAccessToken);
    expect(await rejectionOf(verify, unknown)).toBeInstanceOf(InvalidAccessToken);

    expect(server.requests).toBe(2);
  });
});

describe('a key set that cannot be had', () => {
  /** The reason remoteKeySet gives, for the first token, with the limits given. */
  async function reasonFor(options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<string> {
    const getKey = remoteKeySet(url, { ...options, algorithm: 'RS256' });
    const err = await Promise.resolve(getKey({ alg: 'RS256', kid: first.kid })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeySetUnavailable);
    expect((err as KeySetUnavailable).url).toBe(url.href);
    return (err as KeySetUnavailable).reason;
  }

  it.each([
    ['not JSON', '<html>maintenance</html>', 'the answer is not JSON'],
    ['JSON without a keys list', { keys: 'none' }, 'the answer is not a JSON Web Key Set'],
    ['a list of strings', { keys: ['a'] }, 'the answer is not a JSON Web Key Set'],
  ])('answered with %s: %s', async (_, body, reason) => {
    await startServer();
    server.serve(body);

    expect(await reasonFor()).toBe(reason);
  });

  it('answered with an error status or a redirect (not followed)', async () => {
    await startServer();
    server.answer = statusOnly(503);
    expect(await reasonFor()).toBe('HTTP 503');
    server.answer = (res) => {
      res.writeHead(302, { location: 'https://attacker.example/jwks.json' }).end();
    };
    expect(await reasonFor()).toBe('HTTP 302');
  });

  it('larger than the limit, declared or streamed without a length', async () => {
    await startServer();
    const big = JSON.stringify({ keys: [first.publicJwk], padding: 'x'.repeat(4096) });
    // A declared length over the limit ends the exchange at the headers: this server sends 512
    // bytes of its 16 MB and then waits, which a reader going on would wait out until its timeout.
    server.answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(16 * 1024 * 1024) });
      res.write(big.slice(0, 512));
    };
    expect(await reasonFor({ maxBytes: 1024 })).toBe('larger than 1024 bytes');

    server.answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
      for (let i = 0; i < 8; i++) res.write(big.slice(i * 600, (i + 1) * 600));
      res.end(big.slice(4800));
    };
    expect(await reasonFor({ maxBytes: 1024 })).toBe('larger than 1024 bytes');
  });

  it('not answering within the timeout', async () => {
    await startServer();
    server.answer = () => {}; // holds the request open

    expect(await reasonFor({ timeoutMs: 200 })).toBe('no answer within 200 ms');
  });

  it('at a URL that is neither https: nor http: — refused when the key set is made, at init', () => {
    expect(() => remoteKeySet(new URL('ftp://keys.example/jwks.json'), { algorithm: 'RS256' })).toThrow(
      'The key set URL must be https: or http:, not ftp: (ftp://keys.example/jwks.json)',
    );
  });

  it('cut off in the middle of its answer, after its status and part of its body', async () => {
    await startServer();
    server.answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2048' });
      // Cut once the headers and the first bytes are on their way, not before.
      res.write('{"keys":[', () => res.socket?.destroy());
    };

    expect(await reasonFor()).toBe('HTTP 200 cut off before its end (ECONNRESET)');
  });

  it('closed before it answered anything', async () => {
    await startServer();
    server.answer = connectionClosed;

    expect(await reasonFor()).toBe('ECONNRESET');
  });

  it('not listening', async () => {
    await startServer();
    await server.stop();

    expect(await reasonFor()).toBe('ECONNREFUSED');
  });

  it('rejects the token as invalid, logs why without the token, and fetches again after the cooldown', async () => {
    const { clock, verify, token } = await verifierOf((s) => s.serve({ keys: 'none' }));

    let err: unknown;
    const written = await captureLogs(async () => {
      err = await rejectionOf(verify, token);
    });

    expect(err).toBeInstanceOf(InvalidAccessToken);
    expect(err).toMatchObject({ code: 'invalid', message: 'Token keys not available' });
    expect(logRecords(written)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'access token keys not available',
        url: url.href,
        reason: 'the answer is not a JSON Web Key Set',
      }),
    ]);
    expect(written).not.toContain(token.split('.')[2]);
    // The server back, the next token is verified once the failure's cooldown is over.
    server.serve(keySet(first));
    clock.advance(COOLDOWN_MS);
    expect((await verify(token)).client_id).toBe('demo-portal');
    expect(server.requests).toBe(2);
  });
});

// Found in the partner-integration review: while the key set endpoint was down, every refused
// token wrote this ERROR line, a log flood for as long as the outage lasted.
describe('a key set endpoint that stays down', () => {
  it('is logged once per 10 minutes per verifier, with the tokens refused meanwhile counted; each token still refused as before', async () => {
    const { clock, verify, token } = await verifierOf((s) => (s.answer = statusOnly(503)));
    const refusals: unknown[] = [];
    const refuse = async (times: number) => {
      for (let i = 0; i < times; i++) refusals.push(await rejectionOf(verify, token));
    };

    const written = await captureLogs(async () => {
      // At the first line's time: 15 tokens, the first logged.
      await Promise.all(Array.from({ length: 5 }, () => refuse(1)));
      await refuse(10);
      // Fetched again after each cooldown, failing again, until 9 min 30 s: 38 tokens.
      for (let i = 0; i < 19; i++) {
        clock.advance(COOLDOWN_MS);
        await refuse(2);
      }
      // A moment before 10 minutes: held back still.
      clock.advance(COOLDOWN_MS - 1);
      await refuse(1);
      // A moment after: logged, with the 53 held back; the next ones held back again.
      clock.advance(2);
      await refuse(4);
    });

    const lines = logRecords(written);
    const line = (errorsHeldBack: number) =>
      expect.objectContaining({
        level: 'ERROR',
        message: 'access token keys not available',
        url: url.href,
        reason: 'HTTP 503',
        errorsHeldBack,
      });
    expect(lines).toEqual([line(0), line(14 + 38 + 1)]);
    expect(server.requests).toBe(1 + 19 + 1);
    expect(refusals).toHaveLength(15 + 38 + 1 + 4);
    // The interval the clock was moved through above.
    expect(KEYS_UNAVAILABLE_LOGGED_EVERY_MS).toBe(600_000);
    for (const err of refusals)
      expect(err).toMatchObject({
        name: 'InvalidAccessToken',
        code: 'invalid',
        message: 'Token keys not available',
      });
  });
});

// Found in review: the limit was one line per verifier whatever the failure, so the endpoint
// coming back with an error status, or answering something else, went unseen for up to 10 minutes.
describe('a key set endpoint failing in another way', () => {
  it('is logged at once, each kind of failure once per 10 minutes with its own count of tokens held back', async () => {
    const { clock, verify, token } = await verifierOf((s) => (s.answer = connectionClosed));
    /** After the cooldown, the next token fetches the set again: answered by `answer`. */
    const refetchAnswered = async (answer: JwksServer['answer']) => {
      server.answer = answer;
      clock.advance(COOLDOWN_MS);
      await rejectionOf(verify, token);
    };

    const written = await captureLogs(async () => {
      await rejectionOf(verify, token);
      await rejectionOf(verify, token);
      await refetchAnswered(statusOnly(503));
      await refetchAnswered((res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":'),
      );
      await refetchAnswered(statusOnly(500));
      await refetchAnswered(connectionClosed);
      clock.advance(KEYS_UNAVAILABLE_LOGGED_EVERY_MS);
      await refetchAnswered(statusOnly(503));
    });

    const lines = logRecords(written);
    const line = (failure: string, reason: string, errorsHeldBack: number) =>
      expect.objectContaining({
        level: 'ERROR',
        message: 'access token keys not available',
        url: url.href,
        failure,
        reason,
        errorsHeldBack,
      });
    expect(lines).toEqual([
      line('network', 'ECONNRESET', 0),
      line('http-status', 'HTTP 503', 0),
      line('not-json', 'the answer is not JSON', 0),
      // 10 min 30 s after its first line: the 500 of 9 minutes before was held back.
      line('http-status', 'HTTP 503', 1),
    ]);
    expect(server.requests).toBe(6);
  });
});

describe('a failed fetch starts the cooldown', () => {
  it('fetches a key set endpoint that answers 503 once per cooldown, not once per token', async () => {
    const { clock, verify, token } = await verifierOf((s) => (s.answer = statusOnly(503)));

    const together = await Promise.all(Array.from({ length: 5 }, () => rejectionOf(verify, token)));
    for (let i = 0; i < 10; i++) together.push(await rejectionOf(verify, token));
    expect(together.every((err) => err instanceof InvalidAccessToken)).toBe(true);
    expect(server.requests).toBe(1);

    clock.advance(COOLDOWN_MS - 1);
    expect(await rejectionOf(verify, token)).toBeInstanceOf(InvalidAccessToken);
    expect(server.requests).toBe(1);
    clock.advance(1);
    expect(await rejectionOf(verify, token)).toBeInstanceOf(InvalidAccessToken);
    expect(server.requests).toBe(2);

    // The endpoint back: fetched again once the cooldown of the last failure is over, and kept.
    server.serve(keySet(first));
    clock.advance(COOLDOWN_MS);
    expect((await verify(token)).client_id).toBe('demo-portal');
    expect((await verify(token)).client_id).toBe('demo-portal');
    expect(server.requests).toBe(3);
  });

  it('keeps verifying with the set it has when a refetch for an unknown kid fails, and waits out the cooldown', async () => {
    const { clock, verify } = await verifierAfterFirstFetch();
    server.answer = connectionClosed;
    clock.advance(COOLDOWN_MS);
    const unknown = await accessToken(second);

    expect(await rejectionOf(verify, unknown)).toBeInstanceOf(InvalidAccessToken);
    expect(server.requests).toBe(2);
    expect(await rejectionOf(verify, unknown)).toBeInstanceOf(InvalidAccessToken);
    expect((await verify(await accessToken(first))).client_id).toBe('demo-portal');
    expect(server.requests).toBe(2);

    server.serve(keySet(first, second));
    clock.advance(COOLDOWN_MS);
    expect((await verify(unknown)).client_id).toBe('demo-portal');
    expect(server.requests).toBe(3);
  });
});

describe('a set grown old that cannot be fetched again (stale if error)', () => {
  it('still verifies with the old set for one more maximum age, telling each failed fetch once, then refuses', async () => {
    const { clock, verify } = await verifierAfterFirstFetch();
    server.answer = connectionClosed;
    const token = await accessToken(first);
    clock.advance(CACHE_MAX_AGE_MS);

    const logged = await captureLogs(async () => {
      expect((await verify(token)).client_id).toBe('demo-portal');
      expect(server.requests).toBe(2);
      // Within the failure's cooldown: no fetch, the old set answers.
      clock.advance(COOLDOWN_MS - 1);
      expect((await verify(token)).client_id).toBe('demo-portal');
      expect(server.requests).toBe(2);
      // The next fetch fails too, and is told again.
      clock.advance(1);
      expect((await verify(token)).client_id).toBe('demo-portal');
      expect(server.requests).toBe(3);
    });
    const warnings = logRecords(logged);
    expect(warnings.map(({ level, message, url: at }) => ({ level, message, at }))).toEqual([
      {
        level: 'WARN',
        message: 'access token keys not fetched again; the old set is used meanwhile',
        at: url.href,
      },
      {
        level: 'WARN',
        message: 'access token keys not fetched again; the old set is used meanwhile',
        at: url.href,
      },
    ]);
    expect(logged).not.toContain(token.split('.')[2]);

    // Two maximum ages after the last good fetch, the old set is no longer used.
    clock.advance(CACHE_MAX_AGE_MS - COOLDOWN_MS - 1);
    expect((await verify(token)).client_id).toBe('demo-portal');
    clock.advance(1);
    expect(await rejectionOf(verify, token)).toBeInstanceOf(InvalidAccessToken);

    // The endpoint back: fetched after the cooldown, and the token verifies again.
    server.serve(keySet(first));
    clock.advance(COOLDOWN_MS);
    expect((await verify(token)).client_id).toBe('demo-portal');
  });
});

describe('a key of the fetched set outside the rule registered partner keys follow', () => {
  const b64 = (n: bigint) =>
    Buffer.from(n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, '0'), 'hex').toString(
      'base64url',
    );
  /** A random odd number of exactly `bits` bits. */
  const oddOf = (bits: number) => {
    const bytes = randomBytes(bits / 8);
    bytes[0] = (bytes[0] as number) | 0x80;
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 1;
    return BigInt(`0x${bytes.toString('hex')}`);
  };
  const rsa = (kid: string, n: string, e = 'AQAB'): JWK => ({
    kty: 'RSA',
    kid,
    alg: 'RS256',
    use: 'sig',
    n,
    e,
  });
  let prime: bigint;
  beforeAll(async () => {
    prime = await new Promise<bigint>((resolve, reject) =>
      generatePrime(2048, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p))),
    );
  });

  it('is left out when the set is read, told once without its members, and the other keys still verify', async () => {
    const firstN = BigInt(`0x${Buffer.from(first.publicJwk.n as string, 'base64url').toString('hex')}`);
    const refusedKeys = [
      rsa('huge', b64(oddOf(16384))),
      rsa('short', b64(oddOf(1024))),
      rsa('long-e', first.publicJwk.n as string, b64(oddOf(72))),
      rsa('e-one', first.publicJwk.n as string, 'AQ'),
      rsa('small-factor', b64(firstN * 3n)),
      rsa('prime', b64(prime)),
    ];
    await startServer();
    server.serve({ keys: [...refusedKeys, first.publicJwk] });
    const clock = testClock();
    const verify = verifierWith(clock);
    const importKey = vi.spyOn(crypto.subtle, 'importKey');

    let results: unknown[] = [];
    const written = await captureLogs(async () => {
      results = [await verify(await accessToken(first))];
      for (const { kid } of refusedKeys)
        results.push(await rejectionOf(verify, await accessToken({ ...first, kid: kid as string })));
      // Read again after the cooldown (a token naming a key the set lacks): the same keys are left
      // out, and not told again.
      clock.advance(COOLDOWN_MS);
      results.push(await rejectionOf(verify, await accessToken({ ...first, kid: 'unknown' })));
      results.push(await verify(await accessToken(first)));
    });
    const imported = importKey.mock.calls.map(([, jwk]) => (jwk as JWK).kid);
    importKey.mockRestore();

    expect(results[0]).toMatchObject({ client_id: 'demo-portal' });
    expect(results.slice(1, -1).every((err) => err instanceof InvalidAccessToken)).toBe(true);
    expect(results.at(-1)).toMatchObject({ client_id: 'demo-portal' });
    expect(server.requests).toBe(2);
    // Only the one usable key was imported (once per set read): none of the others cost an import
    // or a verification.
    expect(imported).toEqual(['key-1', 'key-1']);
    const warnings = (text: string) => logRecords(text, { level: 'WARN' });
    const told = ({ kid, keyIndex, reason, warningsHeldBack }: Record<string, unknown>) => ({
      kid,
      keyIndex,
      reason,
      warningsHeldBack,
    });
    expect(warnings(written)[0]).toMatchObject({
      message: 'access token key set: a key is left out; tokens it signs are refused',
      url: url.href,
    });
    expect(warnings(written).map(told)).toEqual([
      {
        kid: 'huge',
        keyIndex: 0,
        reason: 'n has 16384 bits; RS256 keys here have 2048 to 8192',
        warningsHeldBack: 0,
      },
      {
        kid: 'short',
        keyIndex: 1,
        reason: 'n has 1024 bits; RS256 keys here have 2048 to 8192',
        warningsHeldBack: 0,
      },
      {
        kid: 'long-e',
        keyIndex: 2,
        reason: 'e is not an odd exponent of at least 3 in at most 8 bytes of base64url (usually AQAB)',
        warningsHeldBack: 0,
      },
      { kid: 'e-one', keyIndex: 3, reason: 'e is 1 (AQ): with it anyone can sign', warningsHeldBack: 0 },
      {
        kid: 'small-factor',
        keyIndex: 4,
        reason: 'n has a prime factor below 1000, so it is no product of two large primes',
        warningsHeldBack: 0,
      },
      {
        kid: 'prime',
        keyIndex: 5,
        reason: 'n is a prime, not the product of two primes: anyone can derive the private key from it',
        warningsHeldBack: 0,
      },
    ]);
    // Ten minutes after it was told, the next read tells it again, with the reads it held back.
    const later = await captureLogs(async () => {
      clock.advance(CACHE_MAX_AGE_MS);
      await verify(await accessToken(first));
    });
    expect(server.requests).toBe(3);
    expect(warnings(later).map(told)[0]).toEqual({
      kid: 'huge',
      keyIndex: 0,
      reason: 'n has 16384 bits; RS256 keys here have 2048 to 8192',
      warningsHeldBack: 1,
    });
    expect(warnings(later)).toHaveLength(6);
    for (const key of refusedKeys) expect(written).not.toContain((key.n as string).slice(0, 40));
  });

  it('a key for encryption (use enc) is not used for a token, whatever its size', async () => {
    await startServer();
    server.serve({ keys: [{ ...first.publicJwk, use: 'enc' }] });
    const verify = verifierWith(testClock());

    expect(await rejectionOf(verify, await accessToken(first))).toBeInstanceOf(InvalidAccessToken);
  });
});
