/** The clock, issuer and access-token options the jwt-verify tests (parity, attacks) verify with. */
import type { JwtVerifyOptions } from '../../lambdas/adapters/jwt-verify.js';

export const NOW = new Date('2026-11-30T12:00:00Z');
export const NOW_S = NOW.getTime() / 1000;
export const ISSUER = 'https://srs.example';

/** createAccessTokenVerifier's options (access-token.ts) at NOW. */
export const ACCESS_OPTIONS: JwtVerifyOptions = {
  algorithm: 'RS256',
  issuer: ISSUER,
  requiredClaims: ['exp', 'iat', 'client_id', 'token_use'],
  clockToleranceSeconds: 5,
  now: NOW,
};
