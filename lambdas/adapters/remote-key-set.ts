/**
 * A JSON Web Key Set fetched from a URL (Cognito's `/.well-known/jwks.json`) and kept, for jose's
 * `jwtVerify`: what jose's `createRemoteJWKSet` does — a cache with a maximum age, a cooldown
 * between refetches, a refetch when a token names a key the set does not have (key rotation), a
 * timeout — plus a size limit, over `node:https` instead of `fetch`. jose's remote set builds a
 * `Headers` at construction and fetches with `fetch`: both load Node's bundled undici, ~15 ms of
 * CPU at every cold start of the function that holds one (docs/benchmarks.md §3). The keys
 * themselves are jose's `createLocalJWKSet` over the fetched set.
 */
import { request as httpsRequest } from 'node:https';
import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTVerifyGetKey,
} from 'jose';

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

export const REMOTE_KEY_SET_DEFAULTS = {
  cacheMaxAgeMs: 10 * 60_000,
  cooldownMs: 30_000,
  timeoutMs: 5_000,
  maxBytes: 64 * 1024,
} as const;

/**
 * node:http for a plain-http URL (the local stack's token issuer) as the CommonJS module, loaded
 * only then: an ESM `import` of node:http loads undici (see webhook-http.ts).
 */
const httpRequest = () => process.getBuiltinModule('node:http').request;

/** GET the URL and parse its JSON body, within the time and size limits; throws KeySetUnavailable. */
function fetchJson(url: URL, timeoutMs: number, maxBytes: number): Promise<unknown> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new KeySetUnavailable(url.href, reason));
    };
    const req = send(
      url,
      {
        method: 'GET',
        // A fresh connection per fetch (one per cache period): a kept-alive socket would be reused
        // after Lambda froze the instance for minutes, when the server has long closed it.
        agent: false,
        headers: {
          accept: 'application/json, application/jwk-set+json',
          'user-agent': 'smart-registration/1',
        },
      },
      (res) => {
        res.on('error', (err) => fail(err.message));
        // No redirect is followed: Cognito answers its key set directly.
        if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}`);
        if (Number(res.headers['content-length']) > maxBytes) return fail(`larger than ${maxBytes} bytes`);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(`larger than ${maxBytes} bytes`);
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new KeySetUnavailable(url.href, 'the answer is not JSON'));
          }
        });
      },
    );
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    req.on('error', (err: Error & { code?: string }) => fail(err.code ?? err.message));
    req.end();
  });
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/** The key-lookup function `jwtVerify` takes, backed by the set at `url`. */
export function remoteKeySet(url: URL, options: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  // A misconfigured URL stops the function at init, as a missing variable does, instead of
  // rejecting every token with nothing in the logs.
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`The key set URL must be https: or http:, not ${url.protocol} (${url.href})`);
  const { cacheMaxAgeMs, cooldownMs, timeoutMs, maxBytes } = { ...REMOTE_KEY_SET_DEFAULTS, ...options };
  const now = options.now ?? Date.now;
  let keys: LocalKeySet | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  /** The fetch under way: tokens arriving meanwhile wait for it rather than start their own. */
  let pending: Promise<void> | undefined;

  const reload = () => {
    pending ??= fetchJson(url, timeoutMs, maxBytes)
      .then((json) => {
        try {
          keys = createLocalJWKSet(json as JSONWebKeySet);
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

  return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!keys || now() >= fetchedAt + cacheMaxAgeMs) await reload();
    try {
      return await (keys as LocalKeySet)(header, token);
    } catch (err) {
      // A key this set does not have: rotated in since the fetch — unless the set is that recent.
      if (!(err instanceof errors.JWKSNoMatchingKey) || now() < fetchedAt + cooldownMs) throw err;
      await reload();
      return (keys as LocalKeySet)(header, token);
    }
  };
}
