/**
 * A partner's registered keys (core/partner-keys.ts): a public JWK for ES256 or RS256 passes, and
 * every other kind of key is refused with an issue naming the key and the member — never a value,
 * so a private key given by mistake does not end up in an error message. Every key the schema
 * accepts is one jose imports and verifies a partner's message with.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { rsaKeyRefusals } from '../../lambdas/adapters/rsa-modulus.js';
import {
  MAX_PARTNER_KEYS,
  PartnerKeysSchema,
  rsaKeyIssuesOfPartners,
} from '../../lambdas/core/partner-keys.js';
import { IspConfigSchema } from '../../lambdas/core/service-config.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwkOf = (key: KeyObject) => key.export({ format: 'jwk' }) as Record<string, unknown>;
const ecPublic: Record<string, unknown> = {
  ...jwkOf(ec.publicKey),
  kid: 'partner-2026-01',
  alg: 'ES256',
  use: 'sig',
};
const rsaPublic: Record<string, unknown> = {
  ...jwkOf(rsa.publicKey),
  kid: 'partner-rsa',
  alg: 'RS256',
  use: 'sig',
};

const toBase64url = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.padStart(hex.length + (hex.length % 2), '0'), 'hex').toString('base64url');
};
const plusOne = (n: unknown) =>
  toBase64url(BigInt(`0x${Buffer.from(String(n), 'base64url').toString('hex')}`) + 1n);

/**
 * The issues of registering `keys`, as "path: message" lines: the schema's, then (once it accepts
 * them) the RSA rule's, as the seeding tool and the local stack check a configuration.
 */
async function issuesOf(keys: unknown[]): Promise<string[]> {
  const result = PartnerKeysSchema.safeParse(keys);
  if (!result.success) return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const issues = await rsaKeyIssuesOfPartners([{ keys: result.data }], rsaKeyRefusals);
  return issues.map((issue) => issue.replace(/^isps\.0\.keys\./, ''));
}

describe('registered partner keys', () => {
  it.each([
    ['an ES256 key as the local stack generates it (kid, alg, use)', ecPublic],
    ['an RS256 key of 2048 bits', rsaPublic],
    ['an EC key with nothing but kty, crv, x and y', jwkOf(ec.publicKey)],
    [
      'an RSA key of 4096 bits with key_ops ["verify"]',
      { ...jwkOf(generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey), key_ops: ['verify'] },
    ],
    ['a key with a certificate chain member', { ...ecPublic, x5t: 'c29tZS10aHVtYnByaW50' }],
  ])('accepts %s, and jose verifies a message with it', async (_case, key) => {
    expect(await issuesOf([key])).toStrictEqual([]);

    const alg = key.kty === 'EC' ? 'ES256' : 'RS256';
    const privateKey = key.kty === 'EC' ? ec.privateKey : key.n === rsaPublic.n ? rsa.privateKey : undefined;
    const imported = await importJWK(key as JWK, alg);
    if (privateKey) {
      const jws = await new CompactSign(new TextEncoder().encode('{}'))
        .setProtectedHeader({ alg })
        .sign(privateKey);
      await expect(compactVerify(jws, imported)).resolves.toBeDefined();
    }
  });

  it.each([
    [
      'a private EC key',
      { ...jwkOf(ec.privateKey), kid: 'oops' },
      [
        '0.d: Key oops: A private or secret key member (d) must never be registered: give the public key only.',
      ],
    ],
    [
      'an HMAC (oct) key',
      { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' },
      [
        '0.k: Key: A private or secret key member (k) must never be registered: give the public key only.',
        '0.kty: Key: kty must be EC (for ES256) or RSA (for RS256).',
      ],
    ],
    [
      'an EC key on P-384',
      { ...jwkOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey), kid: 'k384' },
      [
        '0.crv: Key k384: An EC key must be on curve P-256 (ES256).',
        '0.x: Key k384: x must be the base64url of 32 bytes (a P-256 coordinate).',
        '0.y: Key k384: y must be the base64url of 32 bytes (a P-256 coordinate).',
      ],
    ],
    [
      'an EC key without y',
      { ...ecPublic, y: undefined },
      ['0.y: Key partner-2026-01: y must be the base64url of 32 bytes (a P-256 coordinate).'],
    ],
    [
      'an EC key whose x is padded base64',
      { ...ecPublic, x: `${ecPublic.x}=` },
      ['0.x: Key partner-2026-01: x must be the base64url of 32 bytes (a P-256 coordinate).'],
    ],
    [
      'an EC point off the curve',
      { ...ecPublic, y: ecPublic.x },
      ['0: Key partner-2026-01: x and y are not a point on curve P-256.'],
    ],
    [
      'an RSA key without n',
      { ...rsaPublic, n: undefined },
      ['0.n: Key partner-rsa: n is not a modulus in base64url without leading zero bytes'],
    ],
    [
      'an RSA key whose modulus is even (n + 1 of a real one)',
      { ...rsaPublic, n: plusOne(rsaPublic.n) },
      ['0.n: Key partner-rsa: n has a prime factor below 1000, so it is no product of two large primes'],
    ],
    [
      'an RSA key whose modulus is 997 times a 2040-bit number',
      { ...rsaPublic, n: toBase64url(997n * (2n ** 2039n + 1n)) },
      ['0.n: Key partner-rsa: n has a prime factor below 1000, so it is no product of two large primes'],
    ],
    [
      'an RSA key without e',
      { ...rsaPublic, e: undefined },
      [
        '0.e: Key partner-rsa: e is not an odd exponent of at least 3 in at most 8 bytes of base64url (usually AQAB)',
      ],
    ],
    [
      'an RSA key with e = 1 (a truncated AQAB: anyone could sign with it)',
      { ...rsaPublic, e: 'AQ' },
      ['0.e: Key partner-rsa: e is 1 (AQ): with it anyone can sign'],
    ],
    [
      'an RSA key with an even e (65536)',
      { ...rsaPublic, e: 'AQAA' },
      [
        '0.e: Key partner-rsa: e is not an odd exponent of at least 3 in at most 8 bytes of base64url (usually AQAB)',
      ],
    ],
    [
      'an RSA key of 1024 bits',
      { ...jwkOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey) },
      ['0.n: Key: n has 1024 bits; RS256 keys here have 2048 to 8192'],
    ],
    [
      'a private RSA key',
      { ...jwkOf(rsa.privateKey), kid: 'rsa-private' },
      ['d', 'p', 'q', 'dp', 'dq', 'qi'].map(
        (m) =>
          `0.${m}: Key rsa-private: A private or secret key member (${m}) must never be registered: give the public key only.`,
      ),
    ],
    [
      'key_ops without verify',
      { ...ecPublic, key_ops: ['sign'] },
      ['0.key_ops: Key partner-2026-01: key_ops must be ["verify"] (a public key only verifies).'],
    ],
    [
      'key_ops with verify and sign (WebCrypto refuses the import)',
      { ...ecPublic, key_ops: ['verify', 'sign'] },
      ['0.key_ops: Key partner-2026-01: key_ops must be ["verify"] (a public key only verifies).'],
    ],
    [
      'use enc',
      { ...ecPublic, use: 'enc' },
      ['0.use: Key partner-2026-01: use must be "sig" (the key checks signatures).'],
    ],
    [
      'alg ES384',
      { ...ecPublic, alg: 'ES384' },
      ['0.alg: Key partner-2026-01: alg must be ES256 for an EC key (or left out).'],
    ],
    [
      'alg RS256 on an EC key',
      { ...ecPublic, alg: 'RS256' },
      ['0.alg: Key partner-2026-01: alg must be ES256 for an EC key (or left out).'],
    ],
    [
      'alg none',
      { ...rsaPublic, alg: 'none' },
      ['0.alg: Key partner-rsa: alg must be RS256 for an RSA key (or left out).'],
    ],
    [
      'a kid with a space',
      { ...ecPublic, kid: 'my key' },
      ['0.kid: Key: kid must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ : + / = -.'],
    ],
    [
      'a kid of 129 characters',
      { ...ecPublic, kid: 'k'.repeat(129) },
      ['0.kid: Key: kid must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ : + / = -.'],
    ],
    [
      'a numeric kid',
      { ...ecPublic, kid: 7 },
      ['0.kid: Key: kid must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ : + / = -.'],
    ],
  ])('refuses %s, naming the key and the member', async (_case, key, expected) => {
    const defined = Object.fromEntries(Object.entries(key).filter(([, v]) => v !== undefined));
    expect(await issuesOf([defined])).toStrictEqual(expected);
  });

  it('never repeats a private member’s value in its issues', () => {
    const privateJwk = jwkOf(rsa.privateKey);
    const text = JSON.stringify(PartnerKeysSchema.safeParse([privateJwk]).error);

    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(text).not.toContain(privateJwk[member]);
  });

  it('refuses one kid twice, naming the second', async () => {
    expect(await issuesOf([ecPublic, { ...rsaPublic, kid: ecPublic.kid }])).toStrictEqual([
      '1.kid: Key partner-2026-01: this kid is registered twice; each key needs its own.',
    ]);
  });

  it(`accepts ${MAX_PARTNER_KEYS} keys and refuses one more`, async () => {
    const keys = Array.from({ length: MAX_PARTNER_KEYS + 1 }, (_, i) => ({ ...ecPublic, kid: `k${i}` }));

    expect(await issuesOf(keys.slice(0, MAX_PARTNER_KEYS))).toStrictEqual([]);
    expect(await issuesOf(keys)).toStrictEqual([': Must hold at most 10 items.']);
  });

  it('is what a partner’s configuration checks, under isps.N.keys', () => {
    const result = IspConfigSchema.safeParse({
      issuer: 'Some-ISP',
      adapter: 'http',
      loa: 3,
      jurisdictions: ['ZERTES'],
      realtimeMethods: ['video'],
      offline: false,
      webflow: true,
      timeoutSeconds: 3600,
      orderValiditySeconds: 3600,
      keys: [ecPublic, { ...ecPublic, kid: 'second', crv: 'P-521' }],
    });

    expect(result.error?.issues.map((i) => i.path.join('.'))).toStrictEqual(['keys.1.crv']);
  });
});
