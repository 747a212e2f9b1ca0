/**
 * Tokens jwt-verify.ts refuses on purpose where jose would accept them (the documented stricter
 * refusals; everything else is held to jose by jwt-verify-parity.test.ts). Each case first shows
 * that jose accepts the token, so the test keeps saying something if jose changes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type JwtVerifyOptions, localKeySet, verifyJwt } from '../../lambdas/adapters/jwt-verify.js';
import { forgedForExponentOne } from '../support/rsa-forgery.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ISSUER = 'https://srs.example';
const ACCESS_OPTIONS: JwtVerifyOptions = {
  algorithm: 'RS256',
  issuer: ISSUER,
  requiredClaims: ['exp', 'iat', 'client_id', 'token_use'],
  clockToleranceSeconds: 5,
  now: NOW,
};
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
