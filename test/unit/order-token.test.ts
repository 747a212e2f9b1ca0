/**
 * Order tokens: signing and verification with the service's key (RFC 8725 checks), the keys from
 * the environment, and the pure introspection rules (who learns what about which token).
 */
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signOrderToken } from '../../lambdas/adapters/order-token.js';
import {
  orderTokenPublicJwks,
  orderTokenSigningKey,
  publicJwkOf,
} from '../../lambdas/adapters/order-token-keys.js';
import {
  InvalidOrderToken,
  looksLikeOrderToken,
  verifyOrderToken,
} from '../../lambdas/adapters/order-token-verifier.js';
import { decideIntrospection, type VerifiedToken } from '../../lambdas/core/introspection.js';
import {
  ActiveAccessToken,
  ActiveOrderToken,
  IntrospectionResponse,
} from '../../lambdas/core/introspection-response.js';
import { OrderTokenClaims, OrderTokenHeader } from '../../lambdas/core/introspection-schemas.js';
import type { Status } from '../../lambdas/core/order.js';
import { type IntrospectionDeps, introspectToken } from '../../lambdas/usecases/introspect-token.js';

const ISSUER = 'https://srs.example';
const REF_ID = '7a5c1e3f-3b0e-4c8e-9a57-1f1e2d3c4b5a';
const NOW = new Date('2026-03-01T10:00:00.000Z');
const EXPIRES = new Date('2026-03-01T14:00:00.000Z');

async function es256Key(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(publicJwkOf(jwk)), alg: 'ES256' };
}

let key: JWK;
let otherKey: JWK;

beforeAll(async () => {
  key = await es256Key();
  otherKey = await es256Key();
});

const input = (overrides: Partial<Parameters<typeof signOrderToken>[0]> = {}) => ({
  issuer: ISSUER,
  audience: 'BankIdent-Demo',
  refId: REF_ID,
  method: 'bank',
  loa: 4 as const,
  expiresAt: EXPIRES,
  now: NOW,
  ...overrides,
});

const jwksOf = (...keys: JWK[]) => ({ keys: keys.map(publicJwkOf) });
const verifyAt = (token: string, at: Date, keys = jwksOf(key)) =>
  verifyOrderToken(token, { jwks: keys, issuer: ISSUER, now: at });

describe('signOrderToken', () => {
  it('signs ES256 with typ order+jwt and the key id in the header', async () => {
    const token = await signOrderToken(input(), key);

    expect(OrderTokenHeader.parse(decodeProtectedHeader(token))).toEqual({
      alg: 'ES256',
      typ: 'order+jwt',
      kid: key.kid,
    });
  });

  it('carries iss, aud, sub and refId, method, loa, scope, iat, exp at the order’s expiry and a jti', async () => {
    const claims = OrderTokenClaims.parse(decodeJwt(await signOrderToken(input(), key)));

    expect(claims).toEqual({
      iss: ISSUER,
      aud: 'BankIdent-Demo',
      sub: REF_ID,
      refId: REF_ID,
      method: 'bank',
      loa: 4,
      scope: 'identification',
      iat: NOW.getTime() / 1000,
      exp: EXPIRES.getTime() / 1000,
      jti: expect.any(String),
    });
  });

  it('gives every token its own jti', async () => {
    const a = decodeJwt(await signOrderToken(input(), key));
    const b = decodeJwt(await signOrderToken(input(), key));

    expect(a.jti).not.toBe(b.jti);
  });

  it('derives the kid from the key’s thumbprint when the JWK has none', async () => {
    const { kid: _kid, ...withoutKid } = key;

    const token = await signOrderToken(input(), withoutKid);

    expect(decodeProtectedHeader(token).kid).toBe(await calculateJwkThumbprint(publicJwkOf(key)));
  });

  it('refuses a key that is not a private P-256 key', async () => {
    await expect(signOrderToken(input(), publicJwkOf(key))).rejects.toThrow(/private EC P-256/);
    const { y: _y, ...withoutY } = key;
    await expect(signOrderToken(input(), withoutY)).rejects.toThrow(/private EC P-256/);
  });

  it('refuses a key whose d does not belong to its x and y, and one that may not sign', async () => {
    // Node would import either; the tokens would then fail every verification against the
    // published x and y (jose's importJWK refused both).
    const mixed = { ...key, d: otherKey.d };
    await expect(signOrderToken(input(), mixed)).rejects.toThrow(/d does not belong to its x and y/);
    await expect(signOrderToken(input(), { ...key, key_ops: ['verify'] })).rejects.toThrow(/allow signing/);
    expect(await signOrderToken(input(), { ...key, key_ops: ['sign'] })).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('signs with the key a JWK holds now, not with one imported for an earlier key', async () => {
    const jwk = { ...key };
    await signOrderToken(input(), jwk);
    Object.assign(jwk, { d: otherKey.d, x: otherKey.x, y: otherKey.y, kid: otherKey.kid });

    const token = await signOrderToken(input(), jwk);

    expect((await verifyAt(token, NOW, jwksOf(otherKey))).refId).toBe(REF_ID);
  });

  it('writes the header and claims as jose’s SignJWT does, with a signature jose verifies', async () => {
    const token = await signOrderToken(input(), key);
    const [header, payload, signature] = token.split('.');
    const claims = decodeJwt(token);
    const byJose = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'order+jwt', kid: key.kid as string })
      .sign(await importJWK(key, 'ES256'));

    expect(`${header}.${payload}`).toBe(byJose.split('.').slice(0, 2).join('.'));
    expect(Buffer.from(signature as string, 'base64url')).toHaveLength(64); // R || S, not DER
    const { payload: verified } = await jwtVerify(token, createLocalJWKSet(jwksOf(key)), {
      algorithms: ['ES256'],
      typ: 'order+jwt',
      currentDate: NOW,
    });
    expect(verified).toEqual(claims);
  });

  it('names a key without kid by the thumbprint jose computes (RFC 7638)', async () => {
    for (let i = 0; i < 5; i++) {
      const fresh = await es256Key();
      const { kid: _kid, ...withoutKid } = fresh;
      expect(decodeProtectedHeader(await signOrderToken(input(), withoutKid)).kid).toBe(
        await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: fresh.x, y: fresh.y }),
      );
    }
  });
});

describe('verifyOrderToken', () => {
  it('returns the claims of a token it signed, before its expiry', async () => {
    const token = await signOrderToken(input(), key);

    const claims = await verifyAt(token, new Date(NOW.getTime() + 60_000));

    expect(claims.refId).toBe(REF_ID);
    expect(claims.aud).toBe('BankIdent-Demo');
  });

  it('accepts a token signed with any key of the published set (rotation)', async () => {
    const token = await signOrderToken(input(), otherKey);

    await expect(verifyAt(token, NOW, jwksOf(key, otherKey))).resolves.toMatchObject({ refId: REF_ID });
  });

  it('refuses an expired token', async () => {
    const token = await signOrderToken(input(), key);

    await expect(verifyAt(token, new Date(EXPIRES.getTime() + 10_000))).rejects.toBeInstanceOf(
      InvalidOrderToken,
    );
  });

  it('refuses a token signed by a key that is not published', async () => {
    const token = await signOrderToken(input(), otherKey);

    await expect(verifyAt(token, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, payload, signature] = (await signOrderToken(input(), key)).split('.');
    const changed = { ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), aud: 'Test-ISP' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;

    await expect(verifyAt(tampered, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it('refuses a token of another issuer', async () => {
    const token = await signOrderToken(input({ issuer: 'https://elsewhere.example' }), key);

    await expect(verifyAt(token, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const token = new UnsecuredJWT({ ...decodeJwt(await signOrderToken(input(), key)) }).encode();

    await expect(verifyAt(token, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it('refuses a correctly signed JWT without typ order+jwt', async () => {
    const claims = decodeJwt(await signOrderToken(input(), key));
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid as string })
      .sign(await importJWK(key, 'ES256'));

    await expect(verifyAt(token, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it('refuses a correctly signed order token whose subject is not its refId (claims the reader accepts)', async () => {
    const claims = decodeJwt(await signOrderToken(input(), key));
    const token = await new SignJWT({ ...claims, sub: '9d2f6b1e-3c4a-4f5b-8e7d-1a2b3c4d5e6f' })
      .setProtectedHeader({ alg: 'ES256', typ: 'order+jwt', kid: key.kid as string })
      .sign(await importJWK(key, 'ES256'));

    await expect(verifyAt(token, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it('refuses a correctly signed order token whose claims are incomplete', async () => {
    const { method: _m, ...claims } = decodeJwt(await signOrderToken(input(), key));
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'order+jwt', kid: key.kid as string })
      .sign(await importJWK(key, 'ES256'));

    await expect(verifyAt(token, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
  });

  it.each([['not-a-token'], [''], ['a.b'], [`${'a'.repeat(9000)}.b.c`]])(
    'refuses garbage (%#)',
    async (garbage) => {
      await expect(verifyAt(garbage, NOW)).rejects.toBeInstanceOf(InvalidOrderToken);
    },
  );
});

describe('looksLikeOrderToken', () => {
  it('tells an order token from other JWTs and from garbage by its typ, without verifying', async () => {
    const other = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(await importJWK(key, 'ES256'));

    expect(looksLikeOrderToken(await signOrderToken(input(), key))).toBe(true);
    expect(looksLikeOrderToken(other)).toBe(false);
    expect(looksLikeOrderToken('garbage')).toBe(false);
  });

  it('reads typ as verifyOrderToken does: application/order+jwt in any case is an order token too', async () => {
    for (const typ of ['application/order+jwt', 'Order+JWT']) {
      const written = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', typ })
        .sign(await importJWK(key, 'ES256'));
      expect(looksLikeOrderToken(written), typ).toBe(true);
    }
  });
});

describe('keys from the environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.ORDER_TOKEN_PRIVATE_JWK = saved.ORDER_TOKEN_PRIVATE_JWK;
    process.env.ORDER_TOKEN_PUBLIC_JWKS = saved.ORDER_TOKEN_PUBLIC_JWKS;
    if (saved.ORDER_TOKEN_PRIVATE_JWK === undefined) delete process.env.ORDER_TOKEN_PRIVATE_JWK;
    if (saved.ORDER_TOKEN_PUBLIC_JWKS === undefined) delete process.env.ORDER_TOKEN_PUBLIC_JWKS;
  });

  it('publishes the public half of ORDER_TOKEN_PRIVATE_JWK, with no private member', async () => {
    process.env.ORDER_TOKEN_PRIVATE_JWK = JSON.stringify(key);
    delete process.env.ORDER_TOKEN_PUBLIC_JWKS;

    const jwks = await orderTokenPublicJwks();

    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('publishes ORDER_TOKEN_PUBLIC_JWKS when set (the new and the previous key during a rotation)', async () => {
    process.env.ORDER_TOKEN_PRIVATE_JWK = JSON.stringify(key);
    process.env.ORDER_TOKEN_PUBLIC_JWKS = JSON.stringify(jwksOf(key, otherKey));

    const jwks = await orderTokenPublicJwks();

    expect(jwks.keys.map((k) => k.kid)).toEqual([key.kid, otherKey.kid]);
  });

  it('strips private members even if the published set carries them by mistake', async () => {
    process.env.ORDER_TOKEN_PUBLIC_JWKS = JSON.stringify({ keys: [key] });

    const jwks = await orderTokenPublicJwks();

    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('reads a changed ORDER_TOKEN_PRIVATE_JWK on the next use', async () => {
    process.env.ORDER_TOKEN_PRIVATE_JWK = JSON.stringify(key);
    const first = await orderTokenSigningKey();
    process.env.ORDER_TOKEN_PRIVATE_JWK = JSON.stringify(otherKey);

    const second = await orderTokenSigningKey();

    expect(first.kid).toBe(key.kid);
    expect(second.kid).toBe(otherKey.kid);
  });

  it('fails when no signing key is configured', () => {
    delete process.env.ORDER_TOKEN_PRIVATE_JWK;

    expect(() => orderTokenSigningKey()).toThrow(/ORDER_TOKEN_PRIVATE_JWK/);
  });
});

describe('decideIntrospection', () => {
  const orderClaims = OrderTokenClaims.parse({
    iss: ISSUER,
    aud: 'BankIdent-Demo',
    sub: REF_ID,
    refId: REF_ID,
    method: 'bank',
    loa: 4,
    scope: 'identification',
    iat: 1_772_359_200,
    exp: 1_772_373_600,
    jti: '0f8fad5b-d9cb-469f-a165-70867728950e',
  });
  const orderToken: VerifiedToken = { kind: 'order', claims: orderClaims };
  const accessToken: VerifiedToken = {
    kind: 'access',
    claims: {
      client_id: 'demo-bank',
      scope: 'srs/read srs/write',
      iss: ISSUER,
      sub: 'demo-bank',
      iat: 1_772_359_200,
      exp: 1_772_362_800,
      jti: 'a-jti',
    },
  };
  const bankIdent = { clientId: 'bankident-demo', ispIssuer: 'BankIdent-Demo' };
  const testIsp = { clientId: 'test-isp', ispIssuer: 'Test-ISP' };
  const demoBank = { clientId: 'demo-bank' };
  const demoPortal = { clientId: 'demo-portal' };
  const open = (status: Status = 'initialized') => ({
    issuer: 'BankIdent-Demo',
    clientId: 'demo-bank',
    status,
  });

  it('holds the claims of its order-token answer to the claims’ one definition, not a copy', () => {
    const claims = Object.entries(OrderTokenClaims.shape);
    expect(Object.keys(ActiveOrderToken.shape).sort()).toEqual(
      ['active', 'client_id', 'token_type', ...claims.map(([name]) => name)].sort(),
    );
    // The same rule objects: a claim's rule changed in OrderTokenClaims changes the answer's.
    for (const [name, rule] of claims)
      expect(ActiveOrderToken.shape[name as keyof typeof ActiveOrderToken.shape], name).toBe(rule);
  });

  it('refuses an order-token answer whose claims break the claims’ rules, as the token itself would be refused', () => {
    const answer = { active: true, token_type: 'order+jwt', client_id: 'demo-bank', ...orderClaims };
    expect(ActiveOrderToken.safeParse(answer).success).toBe(true);
    // The copy this replaced took any non-empty method; a method name is lower case, 1 to 32 characters.
    for (const [claim, value] of [
      ['method', 'Video Ident'],
      ['method', 'x'.repeat(33)],
      ['loa', 2],
      ['scope', 'srs/read'],
      ['refId', 'not-a-uuid'],
    ] as const) {
      const wrong = { ...answer, [claim]: value };
      expect(OrderTokenClaims.safeParse({ ...orderClaims, [claim]: value }).success, claim).toBe(false);
      expect(
        ActiveOrderToken.safeParse(wrong).error?.issues.map((i) => i.path.join('.')),
        claim,
      ).toEqual([claim]);
    }
  });

  it('answers the partner the token is addressed to in full, naming the SP as client_id', () => {
    const answer = decideIntrospection(bankIdent, orderToken, open());

    expect(ActiveOrderToken.parse(answer)).toEqual({
      active: true,
      token_type: 'order+jwt',
      client_id: 'demo-bank',
      ...orderClaims,
    });
  });

  it.each([
    ['another partner', testIsp, orderToken, open()],
    ['an SP, even the one that started the order', demoBank, orderToken, open()],
    ['the right partner, for an order that does not exist', bankIdent, orderToken, undefined],
    [
      'the right partner, for an order of another partner',
      bankIdent,
      orderToken,
      { ...open(), issuer: 'Test-ISP' },
    ],
    ['a partner, for an SP’s access token', bankIdent, accessToken, undefined],
    ['another SP, for an SP’s access token', demoPortal, accessToken, undefined],
    ['anyone, for a token that did not verify', demoBank, { kind: 'invalid' } as VerifiedToken, undefined],
  ])('answers {"active": false} alone to %s', (_case, caller, token, order) => {
    expect(decideIntrospection(caller, token, order)).toEqual({ active: false });
  });

  it.each([['data-ready'], ['terms-accepted'], ['cancelled'], ['failed']] as const)(
    'treats the order token as inactive once the order is %s',
    (status) => {
      expect(decideIntrospection(bankIdent, orderToken, open(status))).toEqual({ active: false });
    },
  );

  it.each([['created'], ['initialized'], ['waiting-for-doc'], ['done']] as const)(
    'treats the order token as active while the order is %s',
    (status) => {
      expect(decideIntrospection(bankIdent, orderToken, open(status))).toMatchObject({ active: true });
    },
  );

  it('answers an SP about its own access token in full', () => {
    const answer = decideIntrospection(demoBank, accessToken);

    expect(ActiveAccessToken.parse(answer)).toEqual({
      active: true,
      token_type: 'access_token',
      ...accessToken.claims,
    });
    expect(IntrospectionResponse.safeParse(answer).success).toBe(true);
  });
});

describe('introspectToken', () => {
  const claims = OrderTokenClaims.parse({
    iss: ISSUER,
    aud: 'BankIdent-Demo',
    sub: REF_ID,
    refId: REF_ID,
    method: 'bank',
    loa: 4,
    scope: 'identification',
    iat: 1_772_359_200,
    exp: 1_772_373_600,
    jti: '0f8fad5b-d9cb-469f-a165-70867728950e',
  });

  function deps(overrides: Partial<IntrospectionDeps> = {}) {
    const ordersRead: string[] = [];
    const d: IntrospectionDeps = {
      isOrderToken: () => true,
      verifyOrderToken: async () => claims,
      verifyAccessToken: async () => {
        throw new Error('not an access token');
      },
      ispIssuerOfClient: async (id) => ({ 'bankident-demo': 'BankIdent-Demo', 'test-isp': 'Test-ISP' })[id],
      orderFacts: async (refId) => {
        ordersRead.push(refId);
        return { issuer: 'BankIdent-Demo', clientId: 'demo-bank', status: 'initialized' };
      },
      ...overrides,
    };
    return { d, ordersRead };
  }

  it('reads the order for the token’s own audience and answers in full', async () => {
    const { d, ordersRead } = deps();

    const answer = await introspectToken(d, 'bankident-demo', 'token');

    expect(answer).toMatchObject({ active: true, refId: REF_ID, client_id: 'demo-bank' });
    expect(ordersRead).toEqual([REF_ID]);
  });

  it('does not even read the order for anyone else', async () => {
    const { d, ordersRead } = deps();

    const answers = [
      await introspectToken(d, 'test-isp', 'token'),
      await introspectToken(d, 'demo-bank', 'token'),
    ];

    expect(answers).toEqual([{ active: false }, { active: false }]);
    expect(ordersRead).toEqual([]);
  });

  it('answers {"active": false} when verification fails, whatever the error', async () => {
    const { d } = deps({
      verifyOrderToken: async () => {
        throw new TypeError('boom');
      },
    });

    await expect(introspectToken(d, 'bankident-demo', 'token')).resolves.toEqual({ active: false });
  });
});
