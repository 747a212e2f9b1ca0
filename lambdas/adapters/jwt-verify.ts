/**
 * JWT verification (RFC 7519) against a JSON Web Key Set on WebCrypto (Node's `crypto.subtle`): what
 * jose 6's createLocalJWKSet and jwtVerify do for one algorithm (ES256 or RS256) and the options the
 * service's two verifiers give (issuer, typ, required claims, clock tolerance), without jose's
 * modules in the bundle (about 17 KB of oauth-introspect's, ~2 ms of its cold start;
 * docs/benchmarks.md §3).
 *
 * Tokens cross a trust boundary, so this accepts and refuses exactly what jose did — except a
 * token for an RSA key whose public exponent is below 3 or even, which jose takes and this refuses,
 * and a token longer than MAX_JWT_LENGTH (test/unit/jwt-verify-attacks.test.ts) — in jose's
 * order: the header, `crit`, the algorithm, then the key lookup (which may fetch a remote set), the
 * signature, the claims. Of jose's many errors three matter to the callers and are kept apart:
 * NoMatchingKey (a remote set fetches again: a key rotated in), JwtExpired (an access token is
 * `expired`, not `invalid`), and any other refusal (JwtInvalid, or the error the key lookup threw).
 * test/unit/jwt-verify-parity.test.ts holds all of it to jose on a generated corpus.
 */
import type { webcrypto } from 'node:crypto';
import { isTyp } from '../core/jose-typ.js';
import { isSignatureUse } from '../core/partner-key-algorithms.js';
import {
  ALGORITHMS,
  decodeBase64url,
  decodeProtectedHeader,
  isPlainObject,
  UnusableKeyError,
  usableKey,
} from './compact-jws.js';

type CryptoKey = webcrypto.CryptoKey;
/** The two algorithms (jose's table entries for them, compact-jws.ts ALGORITHMS). */
export type JwtAlgorithm = 'ES256' | 'RS256';

/** A token refused (jose's JWSInvalid, JWTInvalid, JWTClaimValidationFailed, JWSSignatureVerificationFailed …). */
export class JwtInvalid extends Error {
  override name = 'JwtInvalid';
}

/** A token whose `exp` has passed, all else being right (jose's JWTExpired). */
export class JwtExpired extends JwtInvalid {
  override name = 'JwtExpired';
}

/** No key of the set fits the token's header (jose's JWKSNoMatchingKey). */
export class NoMatchingKey extends JwtInvalid {
  override name = 'NoMatchingKey';
}

/** Not a JSON Web Key Set (jose's JWKSInvalid when the set is created). */
export class InvalidKeySet extends Error {
  override name = 'InvalidKeySet';
}

/** The verification key for a token's protected header, as jose's key-set functions find it. */
export type KeyLookup = (protectedHeader: Record<string, unknown>) => Promise<CryptoKey>;

/** jose's isUsableJWK: whether a key of the set may verify a token with this `alg` and `kid`. */
function isUsable(jwk: Record<string, unknown>, alg: JwtAlgorithm, kid: unknown): boolean {
  const { kty, key_ops: keyOps, ext, kid: jwkKid, alg: jwkAlg, use, crv } = jwk;
  const entry = ALGORITHMS[alg];
  const curve = 'namedCurve' in entry.importParams ? entry.importParams.namedCurve : undefined;
  return (
    (ext === undefined || typeof ext === 'boolean') &&
    (keyOps === undefined ||
      (Array.isArray(keyOps) &&
        keyOps.every((op, i) => typeof op === 'string' && keyOps.indexOf(op) === i) &&
        keyOps.includes('verify'))) &&
    kty === entry.kty &&
    (kid === undefined || (typeof kid === 'string' && kid === jwkKid)) &&
    (jwkAlg === undefined ? kty !== 'AKP' : alg === jwkAlg) &&
    isSignatureUse(use) &&
    (!curve || crv === curve)
  );
}

/**
 * jose's createLocalJWKSet for tokens of one algorithm: throws InvalidKeySet for what is no key set;
 * the lookup throws NoMatchingKey when no key fits the header, JwtInvalid when several do (jose's
 * JWKSMultipleMatchingKeys) or the one that fits is not a public key, and WebCrypto's error for a
 * key it cannot import. A key is imported once per set.
 */
export function localKeySet(jwks: unknown, alg: JwtAlgorithm): KeyLookup {
  let snapshot: unknown;
  try {
    snapshot = structuredClone(jwks);
  } catch {
    throw new InvalidKeySet('JSON Web Key Set malformed');
  }
  if (
    !isPlainObject(snapshot) ||
    !Array.isArray(snapshot.keys) ||
    !Array.from(snapshot.keys).every(isPlainObject)
  )
    throw new InvalidKeySet('JSON Web Key Set malformed');
  const keys = snapshot.keys as Record<string, unknown>[];
  const metadata = keys.map((jwk) => {
    const normalized: Record<string, unknown> = { __proto__: null, ...jwk };
    if (Array.isArray(normalized.key_ops)) normalized.key_ops = [...normalized.key_ops];
    return normalized;
  });
  const imported = new Map<Record<string, unknown>, Promise<CryptoKey>>();
  return async (header) => {
    if (header.alg !== alg) throw new JwtInvalid('Unsupported "alg" value for a JSON Web Key Set');
    const candidates = keys.filter((_, i) =>
      isUsable(metadata[i] as Record<string, unknown>, alg, header.kid),
    );
    const [jwk] = candidates;
    if (!jwk) throw new NoMatchingKey('No key of the set matches the token');
    if (candidates.length !== 1) throw new JwtInvalid('Several keys of the set match the token');
    let key = imported.get(jwk);
    if (!key) {
      key = importPublicKey(jwk, alg);
      imported.set(jwk, key);
      key.catch(() => imported.delete(jwk));
    }
    return key;
  };
}

/** jose's jwkToKey(entry, jwk, true) and its check that a key set holds public keys only. */
async function importPublicKey(jwk: Record<string, unknown>, alg: JwtAlgorithm): Promise<CryptoKey> {
  const isPrivate = Boolean(jwk.d || jwk.priv);
  const { alg: _alg, use: _use, ...members }: Record<string, unknown> = { ...jwk, ext: true };
  const key = await crypto.subtle.importKey(
    'jwk',
    members as webcrypto.JsonWebKey,
    ALGORITHMS[alg].importParams,
    true,
    (jwk.key_ops ?? [isPrivate ? 'sign' : 'verify']) as webcrypto.KeyUsage[],
  );
  if (key.type !== 'public') throw new JwtInvalid('JSON Web Key Set members must be public keys');
  return key;
}

export interface JwtVerifyOptions {
  /** The one algorithm accepted. */
  algorithm: JwtAlgorithm;
  /** The only accepted `iss`. */
  issuer: string;
  /** The `typ` header required (compared as jose does: `application/` optional, any case). */
  typ?: string;
  /** Claims the token must have (besides `iss`). */
  requiredClaims: readonly string[];
  clockToleranceSeconds: number;
  now?: Date;
}

/** jose's check of a JOSE header's `crit` and `b64` (only `b64` is recognized): the payload's `b64`. */
function encodedPayload(header: Record<string, unknown>): boolean {
  const { crit } = header;
  if (crit === undefined) return true;
  if (
    !Array.isArray(crit) ||
    crit.length === 0 ||
    crit.some((parameter) => typeof parameter !== 'string' || parameter.length === 0)
  )
    throw new JwtInvalid('"crit" must be an array of non-empty strings');
  for (const parameter of crit as string[])
    if (parameter !== 'b64' || !Object.hasOwn(header, parameter))
      throw new JwtInvalid(`"crit" names ${parameter}`);
  if (typeof header.b64 !== 'boolean') throw new JwtInvalid('"b64" must be a boolean');
  return header.b64;
}

/** A `NumericDate` claim: undefined when absent, refused when not a number. */
function numericDate(claims: Record<string, unknown>, claim: string): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new JwtInvalid(`"${claim}" claim must be a number`);
  return value;
}

/**
 * The longest token verified (the introspection form's cap, MAX_INTROSPECTED_TOKEN, too): the
 * service's order tokens are under 1 KB, Cognito's access tokens a few KB.
 */
export const MAX_JWT_LENGTH = 8192;

/** The token's claims if `keys` verifies it and its claims pass `options` (jose's jwtVerify). */
export async function verifyJwt(
  token: string,
  keys: KeyLookup,
  options: JwtVerifyOptions,
): Promise<Record<string, unknown>> {
  // Beyond jose: no work (decoding, key lookup, a remote fetch, hashing) for a token of any size.
  if (token.length > MAX_JWT_LENGTH) throw new JwtInvalid(`Longer than ${MAX_JWT_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtInvalid('Invalid Compact JWS');
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string];
  const header = decodeProtectedHeader(token);
  if (!header) throw new JwtInvalid('JWS Protected Header is invalid');
  const b64 = encodedPayload(header);
  if (typeof header.alg !== 'string' || !header.alg) throw new JwtInvalid('"alg" missing or invalid');
  if (header.alg !== options.algorithm) throw new JwtInvalid('"alg" not allowed');
  const key = await keys(header);
  // jose encodes the signing input as ASCII and refuses any other character.
  const signingInput = `${encodedHeader}.${encodedClaims}`;
  if (/[\u0080-\u{10FFFF}]/u.test(signingInput)) throw new JwtInvalid('Not ASCII');
  const signature = decodeBase64url(encodedSignature);
  if (!signature) throw new JwtInvalid('Failed to base64url decode the signature');
  // The key checks partner messages' keys get (compact-jws.ts), beyond jose's: e = 1 refused too,
  // since under it the padded digest is its own signature and a key set is not trusted to never
  // serve one.
  try {
    usableKey(key, options.algorithm, 'verify');
  } catch (err) {
    if (err instanceof UnusableKeyError) throw new JwtInvalid(err.message);
    throw err;
  }
  const { signParams } = ALGORITHMS[options.algorithm];
  let verified = false;
  try {
    verified = await crypto.subtle.verify(signParams, key, signature, Buffer.from(signingInput, 'latin1'));
  } catch {
    verified = false;
  }
  if (!verified) throw new JwtInvalid('Signature verification failed');
  const payload = b64 ? decodeBase64url(encodedClaims) : undefined;
  if (!payload) throw new JwtInvalid(b64 ? 'Failed to base64url decode the payload' : 'Unencoded payload');
  return validClaims(header, payload, options);
}

/** jose's validateClaimsSet for these options, its checks in its order. */
function validClaims(
  header: Record<string, unknown>,
  payload: Uint8Array,
  options: JwtVerifyOptions,
): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new JwtInvalid('JWT Claims Set must be a top-level JSON object');
  }
  if (!isPlainObject(claims)) throw new JwtInvalid('JWT Claims Set must be a top-level JSON object');
  if (options.typ !== undefined && !isTyp(header.typ, options.typ))
    throw new JwtInvalid('unexpected "typ" JWT header value');
  for (const claim of [...options.requiredClaims, 'iss'])
    if (!Object.hasOwn(claims, claim)) throw new JwtInvalid(`missing required "${claim}" claim`);
  if (claims.iss !== options.issuer) throw new JwtInvalid('unexpected "iss" claim value');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.clockToleranceSeconds;
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) throw new JwtInvalid('"nbf" claim timestamp check failed');
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now - tolerance) throw new JwtExpired('"exp" claim timestamp check failed');
  return claims;
}
