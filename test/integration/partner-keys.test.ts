/**
 * A partner's registered keys on the embedded stack. Registering (`npm run admin -- seed`) refuses a
 * key the message check could not use, naming it, and writes nothing. A key that cannot be used
 * anyway (written straight into the table, as one stored before these checks) is skipped with the
 * usual 401, and the function logs a warning that names the key — never its material, the message
 * or its claims.
 */
import { generatePrime } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { signIspMessage } from '../../lambdas/adapters/isp-message.js';
import { toIspConfig } from '../../lambdas/core/service-config.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../local/config.js';
import { es256KeyPair } from '../../local/secrets.js';
import { startLocalStack } from '../../local/stack.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { postJws, testIspKey } from '../support/isp.js';
import { captureLogs, logRecords } from '../support/logs.js';
import { forgedForExponentOne, forgedForKnownFactors } from '../support/rsa-forgery.js';
import { useStack } from '../support/stack.js';

const stack = useStack({ rateLimits: false, logLevel: 'WARN' });

/** A random prime of `bits` bits (its top bit set), big-endian. */
const primeOf = (bits: number) =>
  new Promise<Buffer>((resolve, reject) =>
    generatePrime(bits, (err, prime) => (err ? reject(err) : resolve(Buffer.from(prime)))),
  );
const prime2048 = () => primeOf(2048);

/** The WARN lines among what the functions wrote, parsed. */
const warningsIn = (written: string) => logRecords(written, { level: 'WARN' });

/** A partner registered with `keys`, written into the table the way seeding writes one. */
async function registerDirectly(issuer: string, keys: JWK[]): Promise<void> {
  const testIsp = stack().config.isps.find((isp) => isp.issuer === 'Test-ISP');
  if (!testIsp) throw new Error('Test-ISP is missing from the local configuration');
  await stack().repository.putIsp(
    toIspConfig({ ...testIsp, issuer, keys: keys as Record<string, unknown>[] }),
  );
}

describe('a registered key that cannot be used', () => {
  it('is skipped with the usual 401, and logged as a warning naming the partner and the key', async () => {
    const issuer = 'Broken-Key-ISP';
    const { privateJwk, publicJwk } = await es256KeyPair();
    // The registered point is not on the curve (y replaced by x): no shape check sees it, WebCrypto refuses it.
    const offCurve = { ...publicJwk, y: publicJwk.x };
    await registerDirectly(issuer, [offCurve]);
    const refId = crypto.randomUUID();
    const jws = await signIspMessage('event', { iss: issuer, refId, event: 'waiting-for-doc' }, privateJwk);

    let answer: Awaited<ReturnType<typeof postJws>> | undefined;
    const written = await captureLogs(async () => {
      answer = await postJws(stack(), '/isp/v1/events', jws);
    });

    expect(answer?.status).toBe(401);
    expect(answer?.body).toMatchObject({
      type: expect.stringMatching(/isp-message-rejected$/),
      detail: 'The message is not signed with a key registered for its issuer.',
    });
    expect(warningsIn(written)).toStrictEqual([
      expect.objectContaining({
        message: 'registered partner key cannot be used; messages it signs are refused',
        function_name: 'isp-callback',
        issuer,
        keyIndex: 0,
        kid: publicJwk.kid,
        alg: 'ES256',
        errorName: 'DataError',
      }),
    ]);
    for (const material of [publicJwk.x, privateJwk.d, jws.split('.')[1], jws.split('.')[2], refId])
      expect(written).not.toContain(material);
  });

  it('is logged once per key in 10 minutes, however many messages it fails to check', async () => {
    const issuer = 'Flooding-ISP';
    const { privateJwk, publicJwk } = await es256KeyPair();
    const second = await es256KeyPair();
    await registerDirectly(issuer, [
      { ...publicJwk, y: publicJwk.x },
      { ...second.publicJwk, y: second.publicJwk.x },
    ]);
    // Without kid, so that each message tries both broken keys.
    const { kid: _kid, ...noKid } = privateJwk;
    const statuses: number[] = [];
    const written = await captureLogs(async () => {
      for (let i = 0; i < 5; i += 1) {
        const jws = await signIspMessage(
          'event',
          { iss: issuer, refId: crypto.randomUUID(), event: 'waiting-for-doc' },
          noKid,
        );
        statuses.push((await postJws(stack(), '/isp/v1/events', jws)).status);
      }
    });

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(warningsIn(written)).toStrictEqual([
      expect.objectContaining({ issuer, keyIndex: 0, kid: publicJwk.kid, warningsHeldBack: 0 }),
      expect.objectContaining({ issuer, keyIndex: 1, kid: second.publicJwk.kid, warningsHeldBack: 0 }),
    ]);
  });

  it('is logged but does not stop a good key registered beside it from verifying (a rotation)', async () => {
    const issuer = 'Rotating-ISP';
    const good = await es256KeyPair();
    const broken = { ...(await es256KeyPair()).publicJwk, crv: 'P-384', kid: 'old-2025' };
    await registerDirectly(issuer, [broken, good.publicJwk]);
    // Signed without kid, so that each registered key is tried; the order is not this partner's (404).
    const { kid: _kid, ...noKid } = good.privateJwk;
    const jws = await signIspMessage(
      'event',
      { iss: issuer, refId: crypto.randomUUID(), event: 'waiting-for-doc' },
      noKid,
    );

    let status: number | undefined;
    const written = await captureLogs(async () => {
      status = (await postJws(stack(), '/isp/v1/events', jws)).status;
    });

    expect(status).toBe(404);
    expect(written).toContain('"kid":"old-2025"');
    expect(written).not.toContain(`"kid":"${good.publicJwk.kid}"`);
  });

  /** A registered RSA "key" with its `e`, and a message anyone signs for it without a private key. */
  type Forgery = (
    header: Record<string, unknown>,
    claims: Record<string, unknown>,
  ) => Promise<{ n: string; e: string; jws: string }>;
  const byKnownFactors =
    (primes: () => Promise<Buffer>[]): Forgery =>
    async (header, claims) => {
      const { modulus, jws } = forgedForKnownFactors(await Promise.all(primes()), header, claims);
      return { n: modulus.toString('base64url'), e: 'AQAB', jws };
    };
  it.each<[string, Forgery, string]>([
    [
      'public exponent is 1',
      async (header, claims) => {
        const { publicKey } = await generateKeyPair('RS256', { extractable: true });
        const { n } = await exportJWK(publicKey);
        return { n: n as string, e: 'AQ', jws: forgedForExponentOne(header, claims) };
      },
      'e is 1 (AQ): with it anyone can sign',
    ],
    [
      'modulus is a prime',
      byKnownFactors(() => [prime2048()]),
      'n is a prime, not the product of two primes: anyone can derive the private key from it',
    ],
    [
      'modulus is 3 times a prime',
      byKnownFactors(() => [Promise.resolve(Buffer.from([3])), primeOf(2047)]),
      'n has a prime factor below 1000, so it is no product of two large primes',
    ],
  ])(
    'refuses a message anyone can sign for an RSA "key" whose %s, and logs the key',
    async (_case, forge, reason) => {
      const issuer = `Weak-Key-ISP-${crypto.randomUUID()}`;
      const refId = crypto.randomUUID();
      const { n, e, jws } = await forge(
        { typ: 'isp-event+jwt', kid: 'weak' },
        {
          iss: issuer,
          iat: Math.floor(Date.now() / 1000),
          jti: `jti-${refId}`,
          refId,
          event: 'waiting-for-doc',
        },
      );
      await registerDirectly(issuer, [{ kty: 'RSA', n, e, kid: 'weak', alg: 'RS256' }]);

      let answer: Awaited<ReturnType<typeof postJws>> | undefined;
      const written = await captureLogs(async () => {
        answer = await postJws(stack(), '/isp/v1/events', jws);
      });

      // Without the check the signature verifies, and the message reaches the order lookup (404).
      expect(answer?.status).toBe(401);
      expect(answer?.body).toMatchObject({
        detail: 'The message is not signed with a key registered for its issuer.',
      });
      expect(warningsIn(written)).toStrictEqual([
        expect.objectContaining({
          message: 'registered partner key cannot be used; messages it signs are refused',
          issuer,
          kid: 'weak',
          alg: 'RS256',
          errorName: 'TypeError',
          reason,
        }),
      ]);
      expect(written).not.toContain(refId);
    },
  );

  it('logs nothing for a message merely signed with a key the partner does not have', async () => {
    const written = await captureLogs(async () => {
      const jws = await signIspMessage(
        'event',
        { iss: 'Test-ISP', refId: crypto.randomUUID(), event: 'waiting-for-doc' },
        { ...(await es256KeyPair()).privateJwk, kid: testIspKey().kid },
      );
      expect((await postJws(stack(), '/isp/v1/events', jws)).status).toBe(401);
    });

    expect(warningsIn(written)).toStrictEqual([]);
  });
});

describe('registering keys (admin seed)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'srs-partner-keys-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** The local configuration with one more partner holding `keys`, and Test-ISP's timeout changed. */
  function configFile(keys: unknown[]): string {
    const config = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
    const testIsp = config.isps.find((isp: { issuer: string }) => isp.issuer === 'Test-ISP');
    testIsp.timeoutSeconds = 4321;
    config.isps.push({ ...testIsp, issuer: 'New-ISP', clients: [], keys });
    const file = join(folder, `config-${crypto.randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  it('refuses a private key and a key on another curve, naming each, and writes nothing', async () => {
    const { privateJwk } = await es256KeyPair();
    const p384 = await exportJWK((await generateKeyPair('ES384')).publicKey);
    const before = await stack().repository.getIsp('Test-ISP');

    const out = await runAdmin(
      [
        'seed',
        configFile([
          { ...privateJwk, kid: 'new-2026' },
          { ...p384, kid: 'new-p384' },
        ]),
      ],
      tableEnv(stack()),
    );

    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      'isps.7.keys.0.d: Key new-2026: A private or secret key member (d) must never be registered: give the public key only.',
    );
    expect(out.stderr).toContain(
      'isps.7.keys.1.crv: Key new-p384: An EC key must be on curve P-256 (ES256).',
    );
    expect(out.stderr).not.toContain(privateJwk.d);
    expect(await stack().repository.getIsp('New-ISP')).toBeUndefined();
    expect(await stack().repository.getIsp('Test-ISP')).toStrictEqual(before);
  });

  it('refuses an RSA key whose modulus is a prime, naming it, and writes nothing; the stack does not start with it', async () => {
    const prime = await prime2048();
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const usable = { ...(await exportJWK(publicKey)), kid: 'rsa-good' };
    const primeKey = { kty: 'RSA', n: prime.toString('base64url'), e: 'AQAB', kid: 'rsa-prime' };
    const before = await stack().repository.getIsp('Test-ISP');
    const expected =
      'isps.7.keys.1.n: Key rsa-prime: n is a prime, not the product of two primes: anyone can derive the private key from it';

    const out = await runAdmin(['seed', configFile([usable, primeKey])], tableEnv(stack()));

    expect(out.code).toBe(2);
    expect(out.stderr).toContain(expected);
    expect(out.stderr).not.toContain('isps.7.keys.0');
    expect(await stack().repository.getIsp('New-ISP')).toBeUndefined();
    expect(await stack().repository.getIsp('Test-ISP')).toStrictEqual(before);

    const config = loadConfig(configFile([usable, primeKey]));
    await expect(startLocalStack({ config })).rejects.toThrow(
      expect.objectContaining({
        name: 'InvalidConfiguration',
        message: `Invalid configuration:\n  ${expected}`,
      }),
    );
  });

  it('seeds the same file once the keys are public keys it can use', async () => {
    const { publicJwk } = await es256KeyPair();

    const out = await runAdmin(['seed', configFile([publicJwk])], tableEnv(stack()));

    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect((await stack().repository.getIsp('New-ISP'))?.keys).toStrictEqual([publicJwk]);
    expect((await stack().repository.getIsp('Test-ISP'))?.timeoutSeconds).toBe(4321);
  });
});
