/**
 * Tokens jwt-verify.ts refuses on purpose where jose would accept them (the documented stricter
 * refusals; everything else is held to jose by jwt-verify-parity.test.ts). Each case first shows
 * that jose accepts the token, so the test keeps saying something if jose changes.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { localKeySet, MAX_JWT_LENGTH, verifyJwt } from '../../lambdas/adapters/jwt-verify.js';
import { ACCESS_OPTIONS, ISSUER, NOW, NOW_S } from '../support/jwt-verify-options.js';
import { forgedForExponentOne } from '../support/rsa-forgery.js';

const claims = { iss: ISSUER, client_id: 'sp-1', token_use: 'access', iat: NOW_S - 60, exp: NOW_S + 3600 };

/** A published RSA key whose exponent is replaced: a key set that a compromised or wrong source serves. */
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaJwk = publicKey.export({ format: 'jwk' });
const withExponent = (e: string) => ({ keys: [{ ...rsaJwk, e, kid: 'k' }] });

describe('access tokens against an RSA key whose public exponent allows forgery', () => {
  const forged = forgedForExponentOne({ kid: 'k' }, claims);

  it('jose accepts the forged token for e = 1 (the attack is real)', async () => {
    const { payload } = await jwtVerify(forged, createLocalJWKSet(withExponent('AQ') as JSONWebKeySet), {
      algorithms: ['RS256'],
      issuer: ISSUER,
      currentDate: NOW,
    });
    expect(payload.client_id).toBe('sp-1');
  });

  it('verifyJwt refuses it, as compact-jws refuses partner keys with e = 1', async () => {
    await expect(verifyJwt(forged, localKeySet(withExponent('AQ'), 'RS256'), ACCESS_OPTIONS)).rejects.toThrow(
      /public exponent/,
    );
  });

  it.each([
    ['e = 2 (even)', 'Ag'],
    ['e = 1 with a leading zero byte', 'AAE'],
    ['e = 0', 'AA'],
  ])('refuses any token for a key with %s', async (_name, e) => {
    await expect(verifyJwt(forged, localKeySet(withExponent(e), 'RS256'), ACCESS_OPTIONS)).rejects.toThrow();
  });
});

describe('a token of any size', () => {
  const { privateKey, publicKey: verifying } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [{ ...verifying.export({ format: 'jwk' }), kid: 'k' }] };
  /** A validly signed access token padded by a claim to exactly `length` characters. */
  function tokenOfLength(length: number): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ alg: 'RS256', kid: 'k' });
    const signing = (pad: string) => `${header}.${encode({ ...claims, pad })}`;
    // The signature is 342 characters (256 bytes); 3 bytes of padding claim are 4 characters.
    const padBytes = Math.floor(((length - 1 - 342 - signing('').length) * 3) / 4);
    let input = signing('x'.repeat(padBytes));
    for (let extra = 1; input.length + 343 < length; extra += 1)
      input = signing('x'.repeat(padBytes + extra));
    const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect(token.length).toBe(length);
    return token;
  }
  let lookups = 0;
  const keys = localKeySet(jwks, 'RS256');
  const countingKeys: typeof keys = (header) => {
    lookups += 1;
    return keys(header);
  };

  it('one of 8,192 characters or fewer is verified', async () => {
    const token = tokenOfLength(MAX_JWT_LENGTH);
    expect((await verifyJwt(token, countingKeys, ACCESS_OPTIONS)).client_id).toBe('sp-1');
  });

  it('a longer one is refused before its key is looked up (jose would verify it)', async () => {
    const token = tokenOfLength(1_000_000);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as JSONWebKeySet), {
      algorithms: ['RS256'],
      issuer: ISSUER,
      currentDate: NOW,
    });
    expect(payload.client_id).toBe('sp-1');
    lookups = 0;
    await expect(verifyJwt(token, countingKeys, ACCESS_OPTIONS)).rejects.toThrow(/Longer than 8192/);
    await expect(verifyJwt(tokenOfLength(MAX_JWT_LENGTH + 1), countingKeys, ACCESS_OPTIONS)).rejects.toThrow(
      /Longer than 8192/,
    );
    expect(lookups).toBe(0);
  });
});
