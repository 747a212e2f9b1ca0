/** The clock, issuer and access-token options the jwt-verify tests (parity, attacks) verify with. */
import {
  ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
  ACCESS_TOKEN_REQUIRED_CLAIMS,
} from '../../lambdas/adapters/access-token.js';
import type { JwtVerifyOptions } from '../../lambdas/adapters/jwt-verify.js';

export const NOW = new Date('2026-11-30T12:00:00Z');
export const NOW_S = NOW.getTime() / 1000;
export const ISSUER = 'https://srs.example';

/** createAccessTokenVerifier's options (access-token.ts) at NOW: its own, so the tests follow a change. */
export const ACCESS_OPTIONS: JwtVerifyOptions = {
  algorithm: 'RS256',
  issuer: ISSUER,
  requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
  clockToleranceSeconds: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
  now: NOW,
};
