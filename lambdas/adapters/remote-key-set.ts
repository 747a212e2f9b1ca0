/**
 * A JSON Web Key Set fetched from a URL (Cognito's `/.well-known/jwks.json`) and kept, for
 * `verifyJwt` (jwt-verify.ts): what jose's `createRemoteJWKSet` does — a cache with a maximum age, a cooldown
 * between refetches, a refetch when a token names a key the set does not have (key rotation), a
 * timeout — plus a size limit, over `node:https` (bounded-request.ts) instead of `fetch`. jose's remote set builds a
 * `Headers` at construction and fetches with `fetch`: both load Node's bundled undici, ~15 ms of
 * CPU at every cold start of the function that holds one (docs/benchmarks.md §3). The keys
 * themselves are `localKeySet` over the fetched set (jose's `createLocalJWKSet`).
 */
import { BoundedRequestFailed, boundedRequest } from './bounded-request.js';
import { type JwtAlgorithm, type KeyLookup, localKeySet, NoMatchingKey } from './jwt-verify.js';

/** Why the key set could not be had: the token it was needed for is rejected. */
export class KeySetUnavailable extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
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
   * default: 30 s): forged `kid`s cannot make every request a fetch.
   */
  cooldownMs?: number;
  /** The whole fetch — connect, answer, body (jose's default: 5 s). */
  timeoutMs?: number;
  /** The largest answer accepted; Cognito's two RSA keys are about 1 KB. */
  maxBytes?: number;
  /** The clock the ages are read from (tests move it). */
  now?: () => number;
}

export interface RemoteKeySetSettings extends RemoteKeySetOptions {
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
  const unavailable = (reason: string) => new KeySetUnavailable(url.href, reason);
  const answer = await boundedRequest(url, {
    method: 'GET',
    headers: { accept: 'application/json, application/jwk-set+json', 'user-agent': 'smart-registration/1' },
    timeoutMs,
    maxAnswerBytes: maxBytes,
  }).catch((err: unknown) => {
    if (!(err instanceof BoundedRequestFailed)) throw err;
    // An error status says more than the size of its page.
    if (err.statusCode !== undefined && err.statusCode !== 200) throw unavailable(`HTTP ${err.statusCode}`);
    if (err.kind === 'timeout') throw unavailable(`no answer within ${timeoutMs} ms`);
    if (err.kind === 'too-large') throw unavailable(`larger than ${maxBytes} bytes`);
    // The status came, the body did not: a server or proxy dropping the connection mid-answer.
    if (err.statusCode !== undefined)
      throw unavailable(`HTTP ${err.statusCode} cut off before its end (${err.message})`);
    throw unavailable(err.message);
  });
  // No redirect is followed: Cognito answers its key set directly.
  if (answer.statusCode !== 200) throw unavailable(`HTTP ${answer.statusCode}`);
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw unavailable('the answer is not JSON');
  }
}

/** The key-lookup function `verifyJwt` takes, backed by the set at `url`. */
export function remoteKeySet(url: URL, options: RemoteKeySetSettings): KeyLookup {
  // A misconfigured URL stops the function at init, as a missing variable does, instead of
  // rejecting every token with nothing in the logs.
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`The key set URL must be https: or http:, not ${url.protocol} (${url.href})`);
  const { cacheMaxAgeMs, cooldownMs, timeoutMs, maxBytes } = { ...REMOTE_KEY_SET_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  let keys: KeyLookup | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  /** The fetch under way: tokens arriving meanwhile wait for it rather than start their own. */
  let pending: Promise<void> | undefined;

  const reload = () => {
    pending ??= fetchJson(url, timeoutMs, maxBytes)
      .then((json) => {
        try {
          keys = localKeySet(json, options.algorithm);
        } catch {
          throw new KeySetUnavailable(url.href, 'the answer is not a JSON Web Key Set');
        }
        fetchedAt = now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  return async (header) => {
    if (!keys || now() >= fetchedAt + cacheMaxAgeMs) await reload();
    try {
      return await (keys as KeyLookup)(header);
    } catch (err) {
      // A key this set does not have: rotated in since the fetch — unless the set is that recent.
      if (!(err instanceof NoMatchingKey) || now() < fetchedAt + cooldownMs) throw err;
      await reload();
      return (keys as KeyLookup)(header);
    }
  };
}
