/**
 * The claim checks of partner messages that the HTTP tests do not reach one by one: a critical
 * header, and missing or malformed iss, iat, jti and refId — each a 400 that records no jti.
 */
import { generateKeyPairSync, sign as signWith } from 'node:crypto';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type UnusableKey, verifyIspMessage } from '../../lambdas/adapters/isp-message.js';
import { forgedForExponentOne } from '../support/rsa-forgery.js';

let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicJwk: JWK;
const remembered: string[] = [];
const deps = {
  keysOf: async (issuer: string) => (issuer === 'Test-ISP' ? [publicJwk] : []),
  rememberJti: async (_issuer: string, jti: string) => {
    remembered.push(jti);
  },
};

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), alg: 'ES256' };
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Signed by the registered key; a header jose would not sign (crit) is assembled by hand. */
const sign = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
  const jws = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'isp-event+jwt' })
    .sign(privateKey);
  if (Object.keys(header).length === 0) return jws;
  const [, payload, signature] = jws.split('.');
  return `${b64({ alg: 'ES256', typ: 'isp-event+jwt', ...header })}.${payload}.${signature}`;
};
const valid = () => ({
  iss: 'Test-ISP',
  iat: now(),
  jti: `jti-${crypto.randomUUID()}`,
  refId: crypto.randomUUID(),
});

describe('verifyIspMessage refuses malformed claims with 400 and remembers nothing', () => {
  it.each([
    ['a critical header parameter', {}, { crit: ['x-ext'], 'x-ext': 1 }, 'Critical header'],
    ['no iss', { iss: undefined }, {}, 'iss claim'],
    ['no iat', { iat: undefined }, {}, 'iat claim'],
    ['a jti of 3 characters', { jti: 'abc' }, {}, 'jti claim'],
    ['a jti with spaces', { jti: 'has spaces in it' }, {}, 'jti claim'],
    ['no refId', { refId: undefined }, {}, 'refId claim'],
    // RFC 8725 §3.11: the route's typ is required, so a message signed for the other route is not read.
    [
      'no typ',
      {},
      { typ: undefined },
      'The typ header parameter is missing: this route takes typ isp-event+jwt.',
    ],
    ['the evidence route’s typ', {}, { typ: 'isp-evidence+jwt' }, 'Expected typ isp-event+jwt.'],
  ])('refuses %s', async (_case, change, header, detail) => {
    const before = remembered.length;
    const jws = await sign({ ...valid(), ...change }, header);

    const refusal = await verifyIspMessage(jws, 'event', deps).then(
      () => undefined,
      (err: unknown) => err as { status: number; detail: string },
    );

    expect(refusal?.status).toBe(400);
    expect(refusal?.detail).toContain(detail);
    expect(remembered.length).toBe(before);
  });

  // RFC 7515 §4.1.9: typ is a media type, its `application/` prefix optional and its case free.
  it.each(['isp-event+jwt', 'application/isp-event+jwt', 'Application/ISP-Event+JWT'])(
    'accepts the route’s typ written as %s',
    async (typ) => {
      const claims = valid();

      const jws = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ }).sign(privateKey);

      await expect(verifyIspMessage(jws, 'event', deps)).resolves.toMatchObject(claims);
    },
  );

  it('accepts the same message with every claim in place, and remembers its jti', async () => {
    const claims = valid();

    await expect(verifyIspMessage(await sign(claims), 'event', deps)).resolves.toMatchObject(claims);
    expect(remembered).toContain(claims.jti);
  });
});

describe('verifyIspMessage when the jti cannot be recorded', () => {
  it('passes throttling on by (a 503 the partner retries), instead of refusing the message as a replay', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'too fast', $metadata: {} });
    const failing = { ...deps, rememberJti: async () => Promise.reject(throttled) };

    const error = await verifyIspMessage(await sign(valid()), 'event', failing).catch((e: unknown) => e);

    expect(error).toBe(throttled);
  });

  it('still refuses a jti seen before with 401', async () => {
    const seen = {
      ...deps,
      rememberJti: async () => Promise.reject(new Error('Message id was seen before')),
    };

    const error = await verifyIspMessage(await sign(valid()), 'event', seen).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 401, detail: 'This message (jti) was received before.' });
  });
});

describe('verifyIspMessage with a registered key it cannot use', () => {
  /** Keys WebCrypto refuses to import for verifying (a DOMException, not a jose error). */
  const unusable = () => [
    { ...publicJwk, key_ops: ['sign'] },
    { ...publicJwk, crv: 'P-384' },
    { ...publicJwk, x: 'AAAA' },
  ];

  it('tries the next registered key instead of failing (a rotation with one bad entry still verifies)', async () => {
    const claims = valid();
    const withGood = { ...deps, keysOf: async () => [...unusable(), publicJwk] };
    await expect(verifyIspMessage(await sign(claims), 'event', withGood)).resolves.toMatchObject({
      jti: claims.jti,
    });
  });

  it('answers 401 (not signed with a registered key) when no key can verify, not a 500', async () => {
    const onlyBad = { ...deps, keysOf: async () => unusable() };
    await expect(verifyIspMessage(await sign(valid()), 'event', onlyBad)).rejects.toMatchObject({
      status: 401,
      slug: 'isp-message-rejected',
    });
  });

  it('tells which registered keys it could not use (position, kid, the error’s name), not their material', async () => {
    const told: UnusableKey[] = [];
    const withGood = {
      ...deps,
      keysOf: async () => [{ ...unusable()[0], kid: 'rotated-out' }, ...unusable().slice(1), publicJwk],
      onUnusableKey: (key: UnusableKey) => told.push(key),
    };

    await verifyIspMessage(await sign(valid()), 'event', withGood);

    expect(told).toStrictEqual([
      {
        issuer: 'Test-ISP',
        keyIndex: 0,
        kid: 'rotated-out',
        alg: 'ES256',
        errorName: 'SyntaxError',
        errorCode: undefined,
        reason: 'WebCrypto refused it (SyntaxError)',
      },
      {
        issuer: 'Test-ISP',
        keyIndex: 1,
        kid: undefined,
        alg: 'ES256',
        errorName: 'DataError',
        errorCode: undefined,
        reason: 'WebCrypto refused it (DataError)',
      },
      {
        issuer: 'Test-ISP',
        keyIndex: 2,
        kid: undefined,
        alg: 'ES256',
        errorName: 'DataError',
        errorCode: undefined,
        reason: 'WebCrypto refused it (DataError)',
      },
    ]);
  });

  it('does not call a key unusable because the signature is not its own, nor one for another algorithm', async () => {
    const told: UnusableKey[] = [];
    const other = await generateKeyPair('ES256', { extractable: true });
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const keys = [{ ...(await exportJWK(other.publicKey)) }, { ...(await exportJWK(rsa.publicKey)) }];
    const wrongKeys = {
      ...deps,
      keysOf: async () => keys,
      onUnusableKey: (key: UnusableKey) => told.push(key),
    };

    await expect(verifyIspMessage(await sign(valid()), 'event', wrongKeys)).rejects.toMatchObject({
      status: 401,
    });
    expect(told).toStrictEqual([]);
  });

  it('tells of an RSA key too short to verify RS256 (jose refuses it only at the check)', async () => {
    const told: UnusableKey[] = [];
    const { privateKey: rsaPrivate, publicKey: rsaPublic } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
    });
    // jose will not sign with it either: the JWS is made with node:crypto (RS256 is RSASSA-PKCS1-v1_5).
    const input = `${b64({ alg: 'RS256', typ: 'isp-event+jwt' })}.${b64(valid())}`;
    const jws = `${input}.${signWith('sha256', Buffer.from(input), rsaPrivate).toString('base64url')}`;
    const shortKey = {
      ...deps,
      keysOf: async () => [rsaPublic.export({ format: 'jwk' }) as JWK],
      onUnusableKey: (key: UnusableKey) => told.push(key),
    };

    await expect(verifyIspMessage(jws, 'event', shortKey)).rejects.toMatchObject({ status: 401 });
    expect(told).toMatchObject([
      {
        keyIndex: 0,
        alg: 'RS256',
        errorName: 'TypeError',
        reason: 'n has 1024 bits; RS256 keys here have 2048 to 8192',
      },
    ]);
  });

  it('tries and tells of a registered entry that is not a key (null, kty constructor), not a 500', async () => {
    const told: UnusableKey[] = [];
    const claims = valid();
    const entries = [
      null,
      { ...publicJwk, alg: undefined, kty: 'constructor' },
      publicJwk,
    ] as unknown as JWK[];
    const withBadEntries = {
      ...deps,
      keysOf: async () => entries,
      onUnusableKey: (key: UnusableKey) => told.push(key),
    };

    await expect(verifyIspMessage(await sign(claims), 'event', withBadEntries)).resolves.toMatchObject({
      jti: claims.jti,
    });
    expect(told).toMatchObject([
      { keyIndex: 0, kid: undefined, errorName: 'TypeError', reason: 'The key is not a JSON object' },
      { keyIndex: 1, errorName: 'JOSENotSupported', reason: 'Its kty is not EC' },
    ]);
    const onlyNull = { ...deps, keysOf: async () => [null] as unknown as JWK[] };
    await expect(verifyIspMessage(await sign(valid()), 'event', onlyNull)).rejects.toMatchObject({
      status: 401,
    });
  });

  const NOT_AN_EXPONENT =
    'e is not an odd exponent of at least 3 in at most 8 bytes of base64url (usually AQAB)';
  it.each([
    ['1', 'AQ', 'e is 1 (AQ): with it anyone can sign'],
    // Read as the number it is (1), as the import read it.
    ['1 after a zero byte', 'AAE', 'e is 1 (AQ): with it anyone can sign'],
    ['0', 'AA', NOT_AN_EXPONENT],
    ['empty', '', NOT_AN_EXPONENT],
    ['2', 'Ag', NOT_AN_EXPONENT],
    ['65536 (even)', 'AQAA', NOT_AN_EXPONENT],
  ])(
    'refuses a message for an RSA key with public exponent %s, and tells of the key',
    async (_e, e, reason) => {
      const told: UnusableKey[] = [];
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const registered = { ...(publicKey.export({ format: 'jwk' }) as JWK), e, kid: 'weak' };
      const before = remembered.length;
      // Made without any private key: with e = 1 the padded digest is its own signature.
      const forged = forgedForExponentOne({ typ: 'isp-event+jwt', kid: 'weak' }, valid());
      const weakKey = {
        ...deps,
        keysOf: async () => [registered],
        onUnusableKey: (key: UnusableKey) => told.push(key),
      };

      await expect(verifyIspMessage(forged, 'event', weakKey)).rejects.toMatchObject({
        status: 401,
        detail: 'The message is not signed with a key registered for its issuer.',
      });
      expect(remembered.length).toBe(before);
      expect(told).toStrictEqual([
        {
          issuer: 'Test-ISP',
          keyIndex: 0,
          kid: 'weak',
          alg: 'RS256',
          errorName: 'TypeError',
          errorCode: undefined,
          reason,
        },
      ]);
    },
  );
});

describe('verifyIspMessage with a member name given twice (signature confusion)', () => {
  const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecDeps = {
    ...deps,
    keysOf: async () => [{ ...(ecPair.publicKey.export({ format: 'jwk' }) as JWK), alg: 'ES256' }],
  };
  /** A JWS of exactly this header and payload text, correctly signed (jose would serialize them anew). */
  const signedText = (headerText: string, payloadText: string) => {
    const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payloadText).toString('base64url')}`;
    const signature = signWith('sha256', Buffer.from(input), {
      key: ecPair.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };
  const HEADER = '{"alg":"ES256","typ":"isp-event+jwt"}';
  const claimsText = (extra: string) => {
    const { iss, iat, jti, refId } = valid();
    return `{"iss":"${iss}","iat":${iat},"jti":"${jti}","refId":"${refId}",${extra}}`;
  };
  const refusal = (jws: string) =>
    verifyIspMessage(jws, 'event', ecDeps).then(
      () => undefined,
      (err: unknown) => err as { status: number; detail: string },
    );

  it('accepts the message signed as written when each name is given once', async () => {
    const claims = await verifyIspMessage(signedText(HEADER, claimsText('"event":"done"')), 'event', ecDeps);
    expect(claims.event).toBe('done');
  });

  it.each([
    [
      'at the top level',
      '"event":"done","event":"cancelled"',
      '"event" twice in one object at its top level',
    ],
    [
      'deep in the evidence',
      '"evidence":{"verified_claims":{"claims":{"given_name":"A","given_name":"B"}}}',
      '"given_name" twice in one object in evidence.verified_claims.claims',
    ],
    ['once escaped', '"event":"done","\\u0065vent":"cancelled"', '"event" twice'],
    [
      'in an array of objects',
      '"evidence":{"list":[{"type":"a"},{"type":"a","type":"b"}]}',
      '"type" twice in one object in evidence.list.1',
    ],
    [
      'not a plain name (not repeated back)',
      '"<x y>":1,"<x y>":2',
      'names a member name twice in one object at its top level',
    ],
  ])(
    'refuses a payload naming a member twice %s with 400, before the signature or the jti',
    async (_case, extra, detail) => {
      const before = remembered.length;
      const result = await refusal(signedText(HEADER, claimsText(extra)));
      expect(result?.status).toBe(400);
      expect(result?.detail).toContain(detail);
      expect(remembered.length).toBe(before);
      // Refused for its form, not its signature: a JWS with a made-up signature gets the same answer.
      const [header, payload] = signedText(HEADER, claimsText(extra)).split('.');
      expect((await refusal(`${header}.${payload}.AAAA`))?.detail).toBe(result?.detail);
    },
  );

  it('refuses a header naming alg or kid twice', async () => {
    const result = await refusal(
      signedText('{"alg":"ES256","typ":"isp-event+jwt","kid":"a","kid":"b"}', claimsText('"event":"done"')),
    );
    expect(result).toMatchObject({
      status: 400,
      detail: expect.stringContaining('The header names "kid" twice'),
    });
  });

  it('refuses a payload that is not UTF-8 (two byte sequences read as one name)', async () => {
    const [before, after] = claimsText('"event":"done","x@":1').split('@') as [string, string];
    const payload = Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]);
    const input = `${Buffer.from(HEADER).toString('base64url')}.${payload.toString('base64url')}`;
    const signature = signWith('sha256', Buffer.from(input), {
      key: ecPair.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    const jws = `${input}.${signature.toString('base64url')}`;
    expect(await refusal(jws)).toMatchObject({ status: 400, detail: 'The payload is not a JSON object.' });
  });
});

describe('verifyIspMessage with a registered key for encryption (use enc)', () => {
  it('does not take it for a signature (RFC 7517 §4.2) and tells the operator, while use sig verifies', async () => {
    const told: UnusableKey[] = [];
    const jws = await sign(valid());
    const withUse = (use: string) => ({
      ...deps,
      keysOf: async () => [{ ...publicJwk, kid: 'k-1', use }],
      onUnusableKey: (key: UnusableKey) => told.push(key),
    });

    await expect(verifyIspMessage(jws, 'event', withUse('enc'))).rejects.toMatchObject({ status: 401 });
    expect(told).toMatchObject([
      {
        keyIndex: 0,
        kid: 'k-1',
        errorName: 'TypeError',
        reason: 'Its use is not "sig": it is no signature key',
      },
    ]);
    await expect(verifyIspMessage(jws, 'event', withUse('sig'))).resolves.toMatchObject({ iss: 'Test-ISP' });
  });
});

// Found by probing: a message whose exp had passed (exp: 1) or whose nbf lay a day ahead was
// applied; the handler dropped exp without reading it.
describe('verifyIspMessage holds a message to its own exp and nbf', () => {
  const outcome = async (claims: Record<string, unknown>) =>
    verifyIspMessage(await sign({ ...valid(), ...claims }), 'event', deps).then(
      () => 'accepted',
      (err: { status: number; detail: string }) => `${err.status} ${err.detail}`,
    );

  /** Claims with times relative to the moment the message is signed (seconds from now). */
  const relative = (times: Record<string, number>) =>
    Object.fromEntries(Object.entries(times).map(([claim, offset]) => [claim, now() + offset]));

  it.each([
    ['exp ten years ago', { exp: -10 * 365 * 86_400 }, '401 The message has expired: its exp has passed.'],
    ['exp 6 minutes ago', { exp: -360 }, '401 The message has expired: its exp has passed.'],
    ['nbf a day ahead', { nbf: 86_400 }, '401 The message is not valid yet: its nbf lies ahead.'],
    ['nbf 6 minutes ahead', { nbf: 360 }, '401 The message is not valid yet: its nbf lies ahead.'],
  ])('refuses %s, remembering no jti', async (_case, times, expected) => {
    const before = remembered.length;
    expect(await outcome(relative(times))).toBe(expected);
    expect(remembered.length).toBe(before);
  });

  it.each([
    ['exp a string', { exp: '1796080932' }, '400 The exp claim must be a number (seconds since the epoch).'],
    ['nbf null', { nbf: null }, '400 The nbf claim must be a number (seconds since the epoch).'],
  ])('refuses %s, remembering no jti', async (_case, claims, expected) => {
    const before = remembered.length;
    expect(await outcome(claims)).toBe(expected);
    expect(remembered.length).toBe(before);
  });

  it.each([
    ['exp a minute ahead', { exp: 60 }],
    ['exp 4 minutes ago (within the partner clock allowance)', { exp: -240 }],
    ['nbf 4 minutes ahead (within the allowance)', { nbf: 240 }],
    ['nbf a minute ago and exp a minute ahead', { nbf: -60, exp: 60 }],
  ])('accepts %s', async (_case, times) => {
    expect(await outcome(relative(times))).toBe('accepted');
  });

  it('names no accepted algorithm for an alg that is not a string', async () => {
    const [, payload, signature] = (await sign(valid())).split('.');
    const jws = `${b64({ alg: ['ES256'], typ: 'isp-event+jwt' })}.${payload}.${signature}`;
    await expect(verifyIspMessage(jws, 'event', deps)).rejects.toMatchObject({
      status: 401,
      detail: 'The alg header parameter must be the string ES256 or RS256.',
    });
  });
});
