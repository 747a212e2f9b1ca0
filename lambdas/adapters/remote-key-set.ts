/**
 * A JSON Web Key Set fetched from a URL (Cognito's `/.well-known/jwks.json`) and kept, for
 * `verifyJwt` (jwt-verify.ts): what jose's `createRemoteJWKSet` does — a cache with a maximum age, a cooldown
 * between refetches, a refetch when a token names a key the set does not have (key rotation), a
 * timeout — plus a size limit, over `node:https` (bounded-request.ts) instead of `fetch`. jose's remote set builds a
 * `Headers` at construction and fetches with `fetch`: both load Node's bundled undici, ~15 ms of
 * CPU at every cold start of the function that holds one (docs/benchmarks.md §3). The keys
 * themselves are `localKeySet` over the fetched set (jose's `createLocalJWKSet`).
 *
 * Beyond jose: an RSA key of the set is held to the rule a registered partner key is held to
 * (rsa-modulus.ts rsaKeyRefusals: 2048 to 8192 bits, no small prime factor and no prime modulus, an
 * exponent of at most 8 bytes, odd and at least 3; a modulus without leading zero bytes) when the set is
 * read: a key outside it is left out of the set and told (`onRefusedKey`), so a token naming it is
 * refused as one naming no key, before any import or verification. And a failed fetch starts the
 * cooldown as a successful one does: a key set endpoint that is down gets one fetch per cooldown,
 * not one per token. A set that has grown old is still used when fetching it again fails, for
 * `staleIfErrorMs` more (jose rejects every token then): one dropped connection to Cognito must not
 * refuse every token of the instance for a cooldown while it holds the key that signed them.
 */
import { isSignatureUse, KEY_ID } from '../core/partner-key-algorithms.js';
import { BoundedRequestFailed, boundedRequest } from './bounded-request.js';
import { isPlainObject } from './compact-jws.js';
import { type JwtAlgorithm, type KeyLookup, localKeySet, NoMatchingKey } from './jwt-verify.js';
import { oncePerInterval } from './recently-used.js';
import { rsaKeyRefusals } from './rsa-modulus.js';

/**
 * The kinds of failure to have a key set, coarser than the reason (which names the status, the
 * size, the system error): a log limited per kind still tells at once of a failure of another kind.
 */
export type KeySetFailure = 'network' | 'http-status' | 'too-large' | 'not-json' | 'not-a-key-set';

/** Why the key set could not be had: the token it was needed for is rejected. */
export class KeySetUnavailable extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly failure: KeySetFailure,
  ) {
    super(`JSON Web Key Set not available from ${url}: ${reason}`);
    this.name = 'KeySetUnavailable';
  }
}

export interface RemoteKeySetOptions {
  /** How long a fetched set is used before the next token fetches it again (jose's default: 10 min). */
  cacheMaxAgeMs?: number;
  /**
   * The least time after a fetch before a token naming an unknown key fetches the set again (jose's
   * default: 30 s): forged `kid`s cannot make every request a fetch. After a failed fetch, the least
   * time before the next (jose has none): tokens meanwhile are refused with the failure's reason.
   */
  cooldownMs?: number;
  /** The whole fetch — connect, answer, body (jose's default: 5 s). */
  timeoutMs?: number;
  /** The largest answer accepted; Cognito's two RSA keys are about 1 KB. */
  maxBytes?: number;
  /**
   * How long past its maximum age a set is still used while fetching it again fails (default: one
   * more maximum age). Past that, tokens are refused with the failure's reason.
   */
  staleIfErrorMs?: number;
  /** Told of each failed fetch while an old set is still used (once per fetch, not per token). */
  onStaleKeys?: (failure: KeySetUnavailable) => void;
  /** The clock the ages are read from (tests move it). */
  now?: () => number;
  /**
   * Told of each key of a fetched set that is left out (RefusedKey: never the key's members): once
   * per key (position, kid, reason) in REFUSED_KEY_TOLD_EVERY_MS, as an unusable registered partner
   * key is logged (partner-message-deps.ts), since each read of the set finds it again.
   */
  onRefusedKey?: (key: RefusedKey) => void;
}

/** How often one left-out key is told per key set (per container): once in this interval. */
const REFUSED_KEY_TOLD_EVERY_MS = 10 * 60_000;

/** A key of a fetched set left out, and why: its position and kid, never its members' values. */
export interface RefusedKey {
  url: string;
  keyIndex: number;
  /** The key's kid when it is a short plain one (it is the set's text, and goes to a log). */
  kid: string | undefined;
  reason: string;
  /** How many reads found it left out since it was last told, untold (REFUSED_KEY_TOLD_EVERY_MS). */
  warningsHeldBack: number;
}

interface RemoteKeySetSettings extends RemoteKeySetOptions {
  /** The algorithm of the tokens the set verifies. */
  algorithm: JwtAlgorithm;
}

export const REMOTE_KEY_SET_DEFAULTS = {
  cacheMaxAgeMs: 10 * 60_000,
  cooldownMs: 30_000,
  timeoutMs: 5_000,
  maxBytes: 64 * 1024,
} as const;

/** GET the URL and parse its JSON body, within the time and size limits; throws KeySetUnavailable. */
async function fetchJson(url: URL, timeoutMs: number, maxBytes: number): Promise<unknown> {
  const unavailable = (failure: KeySetFailure, reason: string) =>
    new KeySetUnavailable(url.href, reason, failure);
  const answer = await boundedRequest(url, {
    method: 'GET',
    headers: { accept: 'application/json, application/jwk-set+json', 'user-agent': 'smart-registration/1' },
    timeoutMs,
    maxAnswerBytes: maxBytes,
  }).catch((err: unknown) => {
    if (!(err instanceof BoundedRequestFailed)) throw err;
    // An error status says more than the size of its page.
    if (err.statusCode !== undefined && err.statusCode !== 200)
      throw unavailable('http-status', `HTTP ${err.statusCode}`);
    if (err.kind === 'timeout') throw unavailable('network', `no answer within ${timeoutMs} ms`);
    if (err.kind === 'too-large') throw unavailable('too-large', `larger than ${maxBytes} bytes`);
    // The status came, the body did not: a server or proxy dropping the connection mid-answer.
    if (err.statusCode !== undefined)
      throw unavailable('network', `HTTP ${err.statusCode} cut off before its end (${err.message})`);
    throw unavailable('network', err.message);
  });
  // No redirect is followed: Cognito answers its key set directly.
  if (answer.statusCode !== 200) throw unavailable('http-status', `HTTP ${answer.statusCode}`);
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw unavailable('not-json', 'the answer is not JSON');
  }
}

/**
 * The set without the RSA keys that break the registration's rule, and those keys. Only keys that
 * could check a signature are judged (an `enc` key is never used: jwt-verify.ts); each is told with
 * the first reason rsaKeyRefusals gives, the words its registration and its partner messages get.
 */
async function withoutRefusedKeys(
  json: unknown,
  url: string,
): Promise<{ set: unknown; refused: Omit<RefusedKey, 'warningsHeldBack'>[] }> {
  if (!isPlainObject(json) || !Array.isArray(json.keys)) return { set: json, refused: [] };
  const verdicts = await Promise.all(
    Array.from(json.keys as unknown[], async (jwk): Promise<string | undefined> => {
      if (!isPlainObject(jwk) || jwk.kty !== 'RSA' || !isSignatureUse(jwk.use)) return undefined;
      const [refusal] = await rsaKeyRefusals(jwk.n, jwk.e);
      return refusal?.reason;
    }),
  );
  const refused: Omit<RefusedKey, 'warningsHeldBack'>[] = [];
  const keys = (json.keys as unknown[]).filter((jwk, keyIndex) => {
    const reason = verdicts[keyIndex];
    if (reason === undefined) return true;
    const { kid } = jwk as { kid?: unknown };
    refused.push({
      url,
      keyIndex,
      kid: typeof kid === 'string' && KEY_ID.test(kid) ? kid : undefined,
      reason,
    });
    return false;
  });
  return { set: { ...json, keys }, refused };
}

/** The key-lookup function `verifyJwt` takes, backed by the set at `url`. */
export function remoteKeySet(url: URL, options: RemoteKeySetSettings): KeyLookup {
  // A misconfigured URL stops the function at init, as a missing variable does, instead of
  // rejecting every token with nothing in the logs.
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`The key set URL must be https: or http:, not ${url.protocol} (${url.href})`);
  const { cacheMaxAgeMs, cooldownMs, timeoutMs, maxBytes } = { ...REMOTE_KEY_SET_DEFAULTS, ...options };
  const staleIfErrorMs = options.staleIfErrorMs ?? cacheMaxAgeMs;
  const now = options.now ?? Date.now;
  let keys: KeyLookup | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  /** The last fetch's failure and when it came: until the cooldown is over, tokens get it. */
  let failure: { error: KeySetUnavailable; at: number } | undefined;
  /** The fetch under way: tokens arriving meanwhile wait for it rather than start their own. */
  let pending: Promise<void> | undefined;
  /** Each left-out key, by position, kid and reason: told once per interval, with the reads untold since. */
  const toldRecently = oncePerInterval<string>(REFUSED_KEY_TOLD_EVERY_MS, { now });
  const tell = (key: Omit<RefusedKey, 'warningsHeldBack'>) => {
    const warningsHeldBack = toldRecently(JSON.stringify([key.keyIndex, key.kid, key.reason]));
    if (warningsHeldBack !== undefined) options.onRefusedKey?.({ ...key, warningsHeldBack });
  };

  const failingRecently = () => failure !== undefined && now() < failure.at + cooldownMs;
  const usableWhenStale = () => keys !== undefined && now() < fetchedAt + cacheMaxAgeMs + staleIfErrorMs;

  const reload = () => {
    if (failure && failingRecently()) return Promise.reject(failure.error);
    pending ??= fetchJson(url, timeoutMs, maxBytes)
      .then(async (json) => {
        const { set, refused } = await withoutRefusedKeys(json, url.href);
        try {
          keys = localKeySet(set, options.algorithm);
        } catch {
          throw new KeySetUnavailable(url.href, 'the answer is not a JSON Web Key Set', 'not-a-key-set');
        }
        fetchedAt = now();
        failure = undefined;
        for (const key of refused) tell(key);
      })
      .catch((err: unknown) => {
        if (err instanceof KeySetUnavailable) {
          failure = { error: err, at: now() };
          if (usableWhenStale()) options.onStaleKeys?.(err);
        }
        throw err;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  return async (header) => {
    if (!keys || now() >= fetchedAt + cacheMaxAgeMs) {
      try {
        await reload();
      } catch (err) {
        // Stale if error: the old set still verifies what it can, for a bounded time.
        if (!(err instanceof KeySetUnavailable) || !usableWhenStale()) throw err;
      }
    }
    try {
      return await (keys as KeyLookup)(header);
    } catch (err) {
      // A key this set does not have: rotated in since the fetch — unless the set is that recent,
      // or the last attempt to fetch it failed that recently.
      if (!(err instanceof NoMatchingKey) || now() < fetchedAt + cooldownMs || failingRecently()) throw err;
      await reload();
      return (keys as KeyLookup)(header);
    }
  };
}
