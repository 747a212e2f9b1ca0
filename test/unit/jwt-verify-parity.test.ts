/**
 * jwt-verify.ts against jose, on a generated corpus: order tokens and access tokens are verified
 * without jose (oauth-introspect's bundle leaves it out), and this is the check that nothing jose's
 * createLocalJWKSet + jwtVerify refused is now accepted, nor the reverse. Each token of the corpus
 * (valid ones, forged, expired and malformed ones) is checked against each key set (one key, a
 * rotation, keys that do not fit the header, keys jose cannot use), with the options of the order
 * token verifier and of the access token verifier, and the outcomes must be the same: the claims,
 * expired (jose's JWTExpired: an access token answers `expired`), no key of the set fits the header
 * (jose's JWKSNoMatchingKey: a remote set fetches again) or refused.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  InvalidKeySet,
  JwtExpired,
  type JwtVerifyOptions,
  localKeySet,
  NoMatchingKey,
  verifyJwt,
} from '../../lambdas/adapters/jwt-verify.js';
import { ACCESS_OPTIONS, ISSUER, NOW, NOW_S } from '../support/jwt-verify-options.js';

type Outcome = { claims: unknown } | 'expired' | 'no matching key' | 'refused' | 'not a key set';

async function joseOutcome(token: string, jwks: unknown, options: JwtVerifyOptions): Promise<Outcome> {
  let keys: ReturnType<typeof createLocalJWKSet>;
  try {
    keys = createLocalJWKSet(jwks as JSONWebKeySet);
  } catch {
    return 'not a key set';
  }
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: [options.algorithm],
      issuer: options.issuer,
      ...(options.typ ? { typ: options.typ } : {}),
      requiredClaims: [...options.requiredClaims],
      clockTolerance: options.clockToleranceSeconds,
      currentDate: options.now as Date,
    });
    return { claims: payload };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return 'expired';
    if (err instanceof errors.JWKSNoMatchingKey) return 'no matching key';
    return 'refused';
  }
}

async function ownOutcome(token: string, jwks: unknown, options: JwtVerifyOptions): Promise<Outcome> {
  let keys: ReturnType<typeof localKeySet>;
  try {
    keys = localKeySet(jwks, options.algorithm);
  } catch (err) {
    if (err instanceof InvalidKeySet) return 'not a key set';
    throw err;
  }
  try {
    return { claims: await verifyJwt(token, keys, options) };
  } catch (err) {
    if (err instanceof JwtExpired) return 'expired';
    if (err instanceof NoMatchingKey) return 'no matching key';
    return 'refused';
  }
}

const b64u = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const pair = (type: 'ec' | 'rsa', options: Record<string, unknown>) =>
  generateKeyPairSync(type as 'ec', options as { namedCurve: string });
const jwkOf = (key: KeyObject, extra: Record<string, unknown> = {}) =>
  ({ ...(key.export({ format: 'jwk' }) as JWK), ...extra }) as Record<string, unknown>;

const ecA = pair('ec', { namedCurve: 'P-256' });
const ecB = pair('ec', { namedCurve: 'P-256' });
const ecP384 = pair('ec', { namedCurve: 'P-384' });
const rsaA = pair('rsa', { modulusLength: 2048 });
const rsaB = pair('rsa', { modulusLength: 2048 });
const rsa1024 = pair('rsa', { modulusLength: 1024 });

/** A compact JWS of raw header and payload text, signed over their base64url as given. */
function token(header: unknown, claims: unknown, key: KeyObject, raw = false): string {
  const encodedHeader = raw ? String(header) : b64u(JSON.stringify(header));
  const encodedClaims = raw
    ? String(claims)
    : b64u(typeof claims === 'string' ? claims : JSON.stringify(claims));
  const input = `${encodedHeader}.${encodedClaims}`;
  const signature =
    key.asymmetricKeyType === 'ec'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${b64u(signature)}`;
}

const ORDER_OPTIONS: JwtVerifyOptions = {
  algorithm: 'ES256',
  typ: 'order+jwt',
  issuer: ISSUER,
  requiredClaims: ['iat', 'exp', 'jti', 'aud', 'sub'],
  clockToleranceSeconds: 5,
  now: NOW,
};

const orderClaims = {
  iss: ISSUER,
  sub: 'r-1',
  aud: 'Test-ISP',
  jti: 'j-1',
  iat: NOW_S - 60,
  exp: NOW_S + 600,
  refId: 'r-1',
};
const accessClaims = {
  iss: ISSUER,
  client_id: 'sp-1',
  token_use: 'access',
  scope: 'srs/read',
  iat: NOW_S - 60,
  exp: NOW_S + 3600,
};

/** Tokens for one algorithm's signer, header and claims: the good one and its variations. */
function tokensFor(
  good: KeyObject,
  other: KeyObject,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Record<string, string> {
  const t = (h: unknown, c: unknown, key = good) => token(h, c, key);
  const without = (name: string) => Object.fromEntries(Object.entries(claims).filter(([k]) => k !== name));
  const valid = t(header, claims);
  const [h, p, s] = valid.split('.') as [string, string, string];
  return {
    valid,
    'signed by another key': t(header, claims, other),
    'signature of another token': `${h}.${b64u(JSON.stringify({ ...claims, sub: 'x' }))}.${s}`,
    'signature cut': `${h}.${p}.${s.slice(0, -2)}`,
    'signature length 4n+1': `${h}.${p}.${s}A`,
    'signature empty': `${h}.${p}.`,
    'two parts': `${h}.${p}`,
    'four parts': `${valid}.x`,
    'header not JSON': token('bm90IGpzb24', p, good, true),
    'header an array': t(['alg'], claims),
    'header empty': token('', p, good, true),
    'claims not JSON': token(h, b64u('{"iss":'), good, true),
    'claims an array': t(header, [claims]),
    'claims a string': t(header, '"text"'),
    'claims with a BOM': token(h, b64u(`\ufeff${JSON.stringify(claims)}`), good, true),
    'claims not UTF-8': token(h, b64u(Buffer.from([0x7b, 0xff, 0x7d])), good, true),
    'alg none': t({ ...header, alg: 'none' }, claims),
    'alg HS256': t({ ...header, alg: 'HS256' }, claims),
    'alg of the other family': t({ ...header, alg: header.alg === 'ES256' ? 'RS256' : 'ES256' }, claims),
    'alg missing': t({ ...header, alg: undefined }, claims),
    'alg empty': t({ ...header, alg: '' }, claims),
    'kid unknown': t({ ...header, kid: 'unknown' }, claims),
    'kid a number': t({ ...header, kid: 7 }, claims),
    'kid absent': t({ ...header, kid: undefined }, claims),
    'typ absent': t({ ...header, typ: undefined }, claims),
    'typ with application/': t({ ...header, typ: `application/${String(header.typ ?? 'jwt')}` }, claims),
    'typ upper case': t({ ...header, typ: String(header.typ ?? 'jwt').toUpperCase() }, claims),
    'typ jwt': t({ ...header, typ: 'JWT' }, claims),
    'typ a number': t({ ...header, typ: 1 }, claims),
    'crit b64 true': t({ ...header, crit: ['b64'], b64: true }, claims),
    'crit b64 false': t({ ...header, crit: ['b64'], b64: false }, claims),
    'crit b64 twice': t({ ...header, crit: ['b64', 'b64'], b64: true }, claims),
    'crit b64 not boolean': t({ ...header, crit: ['b64'], b64: 'yes' }, claims),
    'crit b64 missing': t({ ...header, crit: ['b64'] }, claims),
    'crit exp': t({ ...header, crit: ['exp'], exp: 1 }, claims),
    'crit exp and b64': t({ ...header, crit: ['b64', 'exp'], exp: 1, b64: true }, claims),
    'crit empty': t({ ...header, crit: [] }, claims),
    'crit a string': t({ ...header, crit: 'b64', b64: true }, claims),
    'crit null': t({ ...header, crit: null }, claims),
    'b64 false without crit': t({ ...header, b64: false }, claims),
    'expired beyond the tolerance': t(header, { ...claims, exp: NOW_S - 6 }),
    'expired within the tolerance': t(header, { ...claims, exp: NOW_S - 4 }),
    'expiring at now - tolerance': t(header, { ...claims, exp: NOW_S - 5 }),
    'exp a string': t(header, { ...claims, exp: String(claims.exp) }),
    'exp null': t(header, { ...claims, exp: null }),
    'exp missing': t(header, without('exp')),
    'expired and wrong issuer': t(header, { ...claims, exp: NOW_S - 60, iss: 'https://other.example' }),
    'expired and iat a string': t(header, { ...claims, exp: NOW_S - 60, iat: 'then' }),
    'nbf in the future': t(header, { ...claims, nbf: NOW_S + 6 }),
    'nbf within the tolerance': t(header, { ...claims, nbf: NOW_S + 5 }),
    'nbf a string': t(header, { ...claims, nbf: 'now' }),
    'iat in the future': t(header, { ...claims, iat: NOW_S + 3600 }),
    'iat a string': t(header, { ...claims, iat: '1' }),
    'iat missing': t(header, without('iat')),
    'iss wrong': t(header, { ...claims, iss: 'https://other.example' }),
    'iss missing': t(header, without('iss')),
    'iss a list': t(header, { ...claims, iss: [ISSUER] }),
    'sub missing': t(header, without('sub')),
    'client_id missing': t(header, without('client_id')),
    'token_use missing': t(header, without('token_use')),
    'jti missing': t(header, without('jti')),
    'aud missing': t(header, without('aud')),
    'claims with __proto__': token(
      h,
      b64u(`{"__proto__":{"x":1},${JSON.stringify(claims).slice(1)}`),
      good,
      true,
    ),
    'exp 1e400': t(header, JSON.parse(JSON.stringify(claims).replace(/"exp":\d+/, '"exp":1e400'))),
  };
}

/** Key sets for tokens signed by `good` (its JWK `goodJwk`), `other` the key of a rotation. */
function keySetsFor(
  goodJwk: Record<string, unknown>,
  otherJwk: Record<string, unknown>,
  alg: 'ES256' | 'RS256',
): Record<string, unknown> {
  const { kid: _kid, ...noKid } = goodJwk;
  return {
    'the key': { keys: [goodJwk] },
    'a rotation': { keys: [otherJwk, goodJwk] },
    'the other key only': { keys: [otherJwk] },
    'two keys without kid': { keys: [noKid, { ...otherJwk, kid: undefined }] },
    'the key without kid': { keys: [noKid] },
    'the key twice': { keys: [goodJwk, goodJwk] },
    'alg of another algorithm': { keys: [{ ...goodJwk, alg: alg === 'ES256' ? 'ES384' : 'RS512' }] },
    'alg given': { keys: [{ ...goodJwk, alg }] },
    'use enc': { keys: [{ ...goodJwk, use: 'enc' }] },
    'use sig': { keys: [{ ...goodJwk, use: 'sig' }] },
    'key_ops sign': { keys: [{ ...goodJwk, key_ops: ['sign'] }] },
    'key_ops verify': { keys: [{ ...goodJwk, key_ops: ['verify'] }] },
    'key_ops twice verify': { keys: [{ ...goodJwk, key_ops: ['verify', 'verify'] }] },
    'key_ops a string': { keys: [{ ...goodJwk, key_ops: 'verify' }] },
    'ext false': { keys: [{ ...goodJwk, ext: false }] },
    'ext a string': { keys: [{ ...goodJwk, ext: 'true' }] },
    'kty oct': { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: goodJwk.kid }] },
    'an entry that is no object': { keys: ['key'] },
    'keys not a list': { keys: goodJwk },
    'no keys': {},
    'an empty set': { keys: [] },
    'an array': [goodJwk],
    null: null,
  };
}

const ecJwk = jwkOf(ecA.publicKey, { kid: 'ec-a' });
const ecSets: Record<string, unknown> = {
  ...keySetsFor(ecJwk, jwkOf(ecB.publicKey, { kid: 'ec-b' }), 'ES256'),
  'a P-384 key': { keys: [jwkOf(ecP384.publicKey, { kid: 'ec-a' })] },
  'the private key': { keys: [jwkOf(ecA.privateKey, { kid: 'ec-a' })] },
  'a point off the curve': { keys: [{ ...ecJwk, y: ecJwk.x }] },
  'the key as published (alg, use)': { keys: [{ ...ecJwk, alg: 'ES256', use: 'sig' }] },
};
const rsaJwk = jwkOf(rsaA.publicKey, { kid: 'rsa-a' });
const rsaSets: Record<string, unknown> = {
  ...keySetsFor(rsaJwk, jwkOf(rsaB.publicKey, { kid: 'rsa-b' }), 'RS256'),
  'a 1024-bit key': { keys: [jwkOf(rsa1024.publicKey, { kid: 'rsa-a' })] },
  'the private key': { keys: [jwkOf(rsaA.privateKey, { kid: 'rsa-a' })] },
  'an EC key': { keys: [{ ...ecJwk, kid: 'rsa-a' }] },
};

describe.each([
  {
    name: 'order tokens (ES256, typ order+jwt)',
    options: ORDER_OPTIONS,
    tokens: tokensFor(
      ecA.privateKey,
      ecB.privateKey,
      { alg: 'ES256', typ: 'order+jwt', kid: 'ec-a' },
      orderClaims,
    ),
    sets: ecSets,
    badSigner: rsa1024.privateKey,
    claims: orderClaims,
  },
  {
    name: 'access tokens (RS256)',
    options: ACCESS_OPTIONS,
    tokens: tokensFor(rsaA.privateKey, rsaB.privateKey, { alg: 'RS256', kid: 'rsa-a' }, accessClaims),
    sets: rsaSets,
    badSigner: rsa1024.privateKey,
    claims: accessClaims,
  },
])('$name', ({ options, tokens, sets, badSigner, claims }) => {
  it('the corpus reaches every outcome (it tests something)', async () => {
    const seen = new Set<string>();
    for (const compact of Object.values(tokens)) {
      const outcome = await joseOutcome(compact, sets['the key'], options);
      seen.add(typeof outcome === 'string' ? outcome : 'claims');
    }
    seen.add(String(await joseOutcome(tokens.valid as string, sets['no keys'], options)));
    seen.add(String(await joseOutcome(tokens.valid as string, sets['the other key only'], options)));
    expect([...seen].sort()).toEqual(['claims', 'expired', 'no matching key', 'not a key set', 'refused']);
  });

  it.each(Object.keys(sets))('with %s: every token as jose judges it', async (setName) => {
    const jwks = sets[setName];
    const differences: string[] = [];
    for (const [name, compact] of Object.entries(tokens)) {
      const [expected, actual] = [
        await joseOutcome(compact, jwks, options),
        await ownOutcome(compact, jwks, options),
      ];
      try {
        expect(actual).toEqual(expected);
      } catch {
        differences.push(`${name}: jose ${JSON.stringify(expected)}, ours ${JSON.stringify(actual)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('a token signed by a 1024-bit RSA key, against a set of that key, is refused by both', async () => {
    // Good claims and the signer's own key: only the modulus floor (or the key type) refuses it.
    const compact = token({ alg: options.algorithm, kid: 'small' }, claims, badSigner);
    const jwks = { keys: [jwkOf(createPublicKey(badSigner), { kid: 'small' })] };
    const expected = await joseOutcome(compact, jwks, options);
    expect(expected).toBe(options.algorithm === 'RS256' ? 'refused' : 'no matching key');
    expect(await ownOutcome(compact, jwks, options)).toEqual(expected);
  });

  it('any times and claim types: jose’s outcome (generated claims)', async () => {
    const time = fc.oneof(
      fc.integer({ min: NOW_S - 20, max: NOW_S + 20 }),
      fc.constantFrom(undefined, null, '0', NOW_S + 0.5, NOW_S - 5.5, -1, 0),
    );
    const text = fc.oneof(fc.constantFrom(ISSUER, undefined, 'access', 'sp-1'), fc.string({ maxLength: 4 }));
    const good = options.algorithm === 'ES256' ? ecA.privateKey : rsaA.privateKey;
    const header = options.algorithm === 'ES256' ? { alg: 'ES256', typ: 'order+jwt' } : { alg: 'RS256' };
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            iss: text,
            sub: text,
            aud: text,
            jti: text,
            client_id: text,
            token_use: text,
            iat: time,
            nbf: time,
            exp: time,
          },
          { requiredKeys: [] },
        ),
        async (claims) => {
          const compact = token(header, claims, good);
          expect(await ownOutcome(compact, sets['the key'], options)).toEqual(
            await joseOutcome(compact, sets['the key'], options),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
