/**
 * The one module that verifies OAuth 2.0 access tokens: Cognito's in AWS, the local authorization
 * server's on the embedded stack. Checks follow RFC 8725: an algorithm allow-list (RS256 only, as
 * Cognito signs), the issuer, expiry with little leeway, `token_use: access`, a client id. Verified
 * on WebCrypto as jose's jwtVerify did (jwt-verify.ts): no jose in the bundle.
 */
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { JwtExpired, localKeySet, verifyJwt } from './jwt-verify.js';
import { logger } from './logger.js';
import { oncePerInterval } from './recently-used.js';
import {
  KeySetUnavailable,
  type RefusedKey,
  type RemoteKeySetOptions,
  remoteKeySet,
} from './remote-key-set.js';

export interface AccessTokenClaims extends JWTPayload {
  client_id: string;
  scope: string;
  token_use: 'access';
}

export class InvalidAccessToken extends Error {
  constructor(
    message: string,
    readonly code: 'expired' | 'invalid',
  ) {
    super(message);
    this.name = 'InvalidAccessToken';
  }
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  /** Either the key set itself (local, tests) or where to fetch it (Cognito's `/.well-known/jwks.json`). */
  jwks: JSONWebKeySet | URL;
  /** For a URL: the cache, cooldown, timeout and size limit of its fetches (remote-key-set.ts). */
  fetch?: RemoteKeySetOptions;
  clockToleranceSeconds?: number;
  /** The clock (milliseconds) a token's expiry is read on, for tests. */
  now?: () => number;
}

export type AccessTokenVerifier = (token: string) => Promise<AccessTokenClaims>;

/** The operator's line for a key of the set left out (remote-key-set.ts): never the key's members. */
function warnRefusedKey(key: RefusedKey): void {
  logger.warn('access token key set: a key is left out; tokens it signs are refused', { ...key });
}

/** The operator's line for a failed refetch while the old set still verifies (remote-key-set.ts). */
function warnStaleKeys(failure: KeySetUnavailable): void {
  logger.warn('access token keys not fetched again; the old set is used meanwhile', {
    url: failure.url,
    reason: failure.reason,
  });
}

/**
 * How often a verifier logs that its key set cannot be had: once in this interval per URL and kind
 * of failure (per instance, like an unusable partner key's warning). While the key set endpoint is
 * down every token is refused for it, and a line per token would flood the log for the length of the
 * outage; a failure of another kind meanwhile (the endpoint back, answering an error status) is new
 * to the operator and is logged at once.
 */
export const KEYS_UNAVAILABLE_LOGGED_EVERY_MS = 10 * 60_000;

/** The claims every access token must carry (Cognito's access tokens carry them all). */
export const ACCESS_TOKEN_REQUIRED_CLAIMS = ['exp', 'iat', 'client_id', 'token_use'] as const;
/** How far apart the token's clock and ours may be, by default. */
export const ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  // Per URL and kind of failure; on the key set's clock (tests move it).
  const keysUnavailableLine = oncePerInterval<string>(KEYS_UNAVAILABLE_LOGGED_EVERY_MS, {
    now: options.fetch?.now ?? Date.now,
  });
  const logKeysUnavailable = (err: KeySetUnavailable) => {
    const errorsHeldBack = keysUnavailableLine(JSON.stringify([err.url, err.failure]));
    if (errorsHeldBack === undefined) return;
    logger.error('access token keys not available', {
      url: err.url,
      reason: err.reason,
      failure: err.failure,
      // Tokens refused for a failure of this kind since its last line, unlogged (KEYS_UNAVAILABLE_LOGGED_EVERY_MS).
      errorsHeldBack,
    });
  };
  const keySet =
    options.jwks instanceof URL
      ? remoteKeySet(options.jwks, {
          onRefusedKey: warnRefusedKey,
          onStaleKeys: warnStaleKeys,
          ...options.fetch,
          algorithm: 'RS256',
        })
      : localKeySet(options.jwks, 'RS256');
  return async (token) => {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new InvalidAccessToken('Malformed token', 'invalid');
    try {
      const payload: JWTPayload = await verifyJwt(token, keySet, {
        issuer: options.issuer,
        algorithm: 'RS256',
        clockToleranceSeconds: options.clockToleranceSeconds ?? ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ACCESS_TOKEN_REQUIRED_CLAIMS,
        ...(options.now ? { now: new Date(options.now()) } : {}),
      });
      if (payload.token_use !== 'access') throw new InvalidAccessToken('Not an access token', 'invalid');
      if (typeof payload.client_id !== 'string' || payload.client_id === '') {
        throw new InvalidAccessToken('Token without client', 'invalid');
      }
      return {
        ...payload,
        scope: typeof payload.scope === 'string' ? payload.scope : '',
      } as AccessTokenClaims;
    } catch (err) {
      if (err instanceof InvalidAccessToken) throw err;
      if (err instanceof JwtExpired) throw new InvalidAccessToken('Token expired', 'expired');
      if (err instanceof KeySetUnavailable) {
        // The caller learns only that the token was not accepted; the operator, why.
        logKeysUnavailable(err);
        throw new InvalidAccessToken('Token keys not available', 'invalid');
      }
      throw new InvalidAccessToken('Token rejected', 'invalid');
    }
  };
}

/** Space-separated OAuth scopes → set. */
export function scopesOf(claims: Pick<AccessTokenClaims, 'scope'>): Set<string> {
  return new Set(claims.scope.split(' ').filter(Boolean));
}
