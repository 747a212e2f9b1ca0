/**
 * Compact JWS (RFC 7515 §7.1) with ES256 and RS256 on WebCrypto (Node's `crypto.subtle`): what
 * jose 6's decodeProtectedHeader, importJWK, compactVerify and SignJWT do for these two algorithms,
 * without jose's modules in the bundle (about 16 KB of isp-callback's; docs/benchmarks.md §3).
 *
 * Partner messages cross a trust boundary, so this accepts and refuses exactly what jose did: each
 * step makes jose's checks in jose's order and hands WebCrypto the arguments jose handed it — the
 * key import is WebCrypto's own, not node:crypto's createPublicKey, which would derive a public key
 * from a private JWK and ignore key_ops and ext, and import an RSA key of any size. A key jose
 * could not use throws UnusableKeyError (jose threw while importing it, or a TypeError about the
 * key while verifying); a message this key does not verify resolves undefined (jose's JWSInvalid
 * and JWSSignatureVerificationFailed). test/unit/compact-jws-parity.test.ts holds both to jose on
 * a generated corpus of keys and messages.
 *
 * Three differences, all refusals: a header with `crit` never verifies here (jose honours
 * `crit: ["b64"]`; verifyIspMessage refuses every `crit` with a 400 before it verifies, as it did
 * with jose); an RSA key outside the rule a partner key is registered under cannot be used where
 * the breach lets another sign (rsa-modulus.ts rsaKeyRefusals: jose and WebCrypto take e = 1, with
 * which the padded digest is its own signature, an even e, and a modulus that is a prime or has a
 * small prime factor, whose private exponent follows from the public key); and a key whose `use` is
 * not "sig" checks no signature (RFC 7517 §4.2; jose ignores `use` when it imports a key).
 */
import type { webcrypto } from 'node:crypto';
import { isSafeRsaPublicExponent, isSignatureUse, RSA_MIN_BITS } from '../core/partner-key-algorithms.js';
import { rsaKeyRefusals } from './rsa-modulus.js';

type CryptoKey = webcrypto.CryptoKey;
export type JwsAlgorithm = 'ES256' | 'RS256';

/** jose's table entries (lib/jws_algorithms.js) for the two algorithms: what WebCrypto is given. */
export const ALGORITHMS = {
  ES256: {
    kty: 'EC',
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    signParams: { name: 'ECDSA', hash: 'SHA-256' },
    minRsaBits: undefined,
  },
  RS256: {
    kty: 'RSA',
    importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    signParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    minRsaBits: RSA_MIN_BITS,
  },
} as const;

/** The name and string code of the error jose threw for a key (its own, or WebCrypto's under it). */
export interface KeyRefusal {
  name: string;
  code: string | undefined;
}
const JOSE_TYPE_ERROR: KeyRefusal = { name: 'TypeError', code: undefined };
const JOSE_NOT_SUPPORTED: KeyRefusal = { name: 'JOSENotSupported', code: 'ERR_JOSE_NOT_SUPPORTED' };

/**
 * A registered key that cannot check (or make) a signature of this algorithm at all. `refusal` is
 * what jose threw for it, so that the operator's log names the same error as when jose checked.
 */
export class UnusableKeyError extends Error {
  override name = 'UnusableKeyError';
  constructor(
    message: string,
    readonly refusal: KeyRefusal = JOSE_TYPE_ERROR,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * base64url as jose decodes it on Node 24 (no `Uint8Array.fromBase64`: jose refuses `+` and `/`,
 * then calls atob): ASCII whitespace is dropped, up to two `=` end a length divisible by 4, a length
 * one more than a multiple of 4 is refused, and the unused bits of the last character are not
 * checked. Undefined where jose throws.
 */
export function decodeBase64url(text: string): Buffer | undefined {
  const stripped = text.replace(/[\t\n\f\r ]/g, '');
  const unpadded = stripped.length % 4 === 0 ? stripped.replace(/={1,2}$/, '') : stripped;
  if (!/^[\w-]*$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  return Buffer.from(unpadded, 'base64url');
}

/** jose's isObject: a plain object (not an array, null, a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Object.prototype.toString.call(value) !== '[object Object]'
  )
    return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * The protected header of a compact JWS as jose's decodeProtectedHeader reads it (3 or 5 parts, the
 * first not empty, base64url, UTF-8 without a bad byte — a leading BOM is dropped — and a JSON
 * object); undefined where jose throws.
 */
export function decodeProtectedHeader(compact: string): Record<string, unknown> | undefined {
  const parts = compact.split('.');
  const encoded = parts.length === 3 || parts.length === 5 ? parts[0] : undefined;
  if (!encoded) return undefined;
  const bytes = decodeBase64url(encoded);
  if (!bytes) return undefined;
  try {
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    return isPlainObject(header) ? header : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The number a base64url member holds as jose and WebCrypto read it, in minimal base64url (no
 * padding, spaces or leading zero bytes); the member itself where it is not base64url.
 */
function minimalBase64url(member: unknown): unknown {
  const bytes = typeof member === 'string' ? decodeBase64url(member) : undefined;
  if (bytes === undefined) return member;
  const first = bytes.findIndex((byte) => byte !== 0);
  return bytes.subarray(first === -1 ? bytes.length : first).toString('base64url');
}

/**
 * jose's importJWK(jwk, alg) for ES256/RS256: a plain object, `ext` a boolean and `key_ops` unique
 * strings when present, the key type of the algorithm; then WebCrypto imports it as jose asked
 * (without `alg` and `use`, key_ops as the usages, extractable unless `ext` is false). An `oct`
 * key jose imported as bytes it later refused for these algorithms: `'bytes'` here.
 */
async function importJwk(value: unknown, alg: JwsAlgorithm): Promise<CryptoKey | 'bytes'> {
  if (!isPlainObject(value)) throw new UnusableKeyError('The key is not a JSON object');
  // Its own members only: a member a polluted Object.prototype lends (a kty for a key without one)
  // is not the registered key's, neither here nor when WebCrypto reads the dictionary.
  const jwk: Record<string, unknown> = Object.assign(Object.create(null), value);
  const { ext, key_ops: keyOps, kty } = jwk;
  if (ext !== undefined && typeof ext !== 'boolean') throw new UnusableKeyError('Its ext is not a boolean');
  if (
    keyOps !== undefined &&
    (!Array.isArray(keyOps) ||
      keyOps.some((op) => typeof op !== 'string') ||
      new Set(keyOps).size !== keyOps.length)
  )
    throw new UnusableKeyError('Its key_ops are not unique strings');
  if (kty === 'oct') {
    if (typeof jwk.k !== 'string' || !decodeBase64url(jwk.k))
      throw new UnusableKeyError('Its k is not base64url');
    return 'bytes';
  }
  // jose's refusals of another key type: a TypeError for an AKP key not naming this alg, else
  // "not supported".
  if (kty === 'AKP' && (typeof jwk.alg !== 'string' || jwk.alg !== alg))
    throw new UnusableKeyError(`An AKP key for ${String(jwk.alg)} cannot verify ${alg}`);
  if (kty !== ALGORITHMS[alg].kty)
    throw new UnusableKeyError(`Its kty is not ${ALGORITHMS[alg].kty}`, JOSE_NOT_SUPPORTED);
  const isPrivate = Boolean(jwk.d || jwk.priv);
  const { alg: _alg, use: _use, ...members }: Record<string, unknown> = { ...jwk, ext };
  const keyData: Record<string, unknown> = Object.assign(Object.create(null), members);
  try {
    return await crypto.subtle.importKey(
      'jwk',
      keyData as webcrypto.JsonWebKey,
      ALGORITHMS[alg].importParams,
      ext ?? !isPrivate,
      (keyOps ?? [isPrivate ? 'sign' : 'verify']) as webcrypto.KeyUsage[],
    );
  } catch (err) {
    // WebCrypto refuses the key (a DOMException) or one of its members (a TypeError); anything
    // else is not about the key and is not swallowed (jose let it through too).
    if (err instanceof DOMException || err instanceof TypeError) {
      const code = (err as { code?: unknown }).code;
      throw new UnusableKeyError(
        `WebCrypto refused it (${err.name})`,
        { name: err.name, code: typeof code === 'string' ? code : undefined },
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * jose's checks of an imported key before it signs or verifies (prepareKey, checkCryptoKey,
 * checkModulusLength): public to verify and private to sign, this algorithm, curve or hash, the
 * usage, and an RSA modulus of at least 2048 bits; then, beyond jose, a public exponent that
 * makes forgery as hard as the modulus does (at the step of the modulus check, so that the same
 * messages reach it).
 */
export function usableKey(key: CryptoKey | 'bytes', alg: JwsAlgorithm, usage: 'sign' | 'verify'): CryptoKey {
  if (key === 'bytes') throw new UnusableKeyError(`A secret key cannot ${usage} ${alg}`);
  const { importParams, minRsaBits } = ALGORITHMS[alg];
  if (key.type !== (usage === 'verify' ? 'public' : 'private'))
    throw new UnusableKeyError(`A ${key.type} key cannot ${usage}`);
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  if (
    algorithm.name !== importParams.name ||
    ('hash' in importParams && algorithm.hash?.name !== importParams.hash) ||
    ('namedCurve' in importParams && algorithm.namedCurve !== importParams.namedCurve)
  )
    throw new UnusableKeyError(`The key is not for ${alg}`);
  if (!key.usages.includes(usage)) throw new UnusableKeyError(`Its usages lack ${usage}`);
  const { modulusLength } = key.algorithm as { modulusLength?: unknown };
  if (minRsaBits !== undefined && (typeof modulusLength !== 'number' || modulusLength < minRsaBits))
    throw new UnusableKeyError(`${alg} takes an RSA key of ${minRsaBits} bits or more`);
  const { publicExponent } = key.algorithm as { publicExponent?: unknown };
  if (
    minRsaBits !== undefined &&
    !(publicExponent instanceof Uint8Array && isSafeRsaPublicExponent(publicExponent))
  )
    throw new UnusableKeyError(`${alg} takes an RSA key whose public exponent is odd and at least 3`);
  return key;
}

/**
 * The payload of a compact JWS whose header names `alg` and no `crit`, if `jwk` verifies its
 * signature; undefined if not (jose's compactVerify after importJWK, in jose's order: the
 * signature's encoding is read before the key is checked). Throws UnusableKeyError for a key that
 * cannot verify `alg` at all.
 */
export async function verifiedPayload(
  compact: string,
  jwk: unknown,
  alg: JwsAlgorithm,
): Promise<Uint8Array | undefined> {
  const imported = await importJwk(jwk, alg);
  const parts = compact.split('.');
  const header = decodeProtectedHeader(compact);
  if (parts.length !== 3 || header?.alg !== alg || header.crit !== undefined) return undefined;
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const signature = decodeBase64url(encodedSignature);
  // jose encodes the signing input as ASCII and refuses any other character.
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  if (!signature || /[\u0080-\u{10FFFF}]/u.test(signingInput)) return undefined;
  // Beyond jose, at its check of the key's size: an RSA key is held to the rule its registration
  // and the access tokens' key set follow, in the same words (rsa-modulus.ts) — the numbers the
  // import read, and only the parts whose breach lets another sign or checks nothing (not the form
  // or the cost: a stored key registered before a rule keeps working until the next seed).
  if (alg === 'RS256' && imported !== 'bytes') {
    const { n, e } = jwk as { n?: unknown; e?: unknown };
    const refusal = (
      await rsaKeyRefusals(minimalBase64url(n), minimalBase64url(e), { storedKey: true })
    ).find(({ formal }) => !formal);
    if (refusal) throw new UnusableKeyError(refusal.reason);
  }
  const key = usableKey(imported, alg, 'verify');
  // Beyond jose (which ignores `use`): a key registered for encryption checks no signature
  // (RFC 7517 §4.2), as a fetched key set's such key does not (jwt-verify.ts).
  const { use } = jwk as { use?: unknown };
  if (!isSignatureUse(use)) throw new UnusableKeyError('Its use is not "sig": it is no signature key');
  try {
    const verified = await crypto.subtle.verify(
      ALGORITHMS[alg].signParams,
      key,
      signature,
      Buffer.from(signingInput, 'latin1'),
    );
    return verified ? decodeBase64url(encodedPayload) : undefined;
  } catch {
    return undefined; // jose: JWSSignatureVerificationFailed
  }
}

/** A compact JWS of `payload` under `header` (which names `alg`), as jose's SignJWT makes it. */
export async function signCompact(
  header: { alg: JwsAlgorithm; [parameter: string]: unknown },
  payload: Record<string, unknown>,
  privateJwk: unknown,
): Promise<string> {
  const key = usableKey(await importJwk(privateJwk, header.alg), header.alg, 'sign');
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = await crypto.subtle.sign(
    ALGORITHMS[header.alg].signParams,
    key,
    Buffer.from(signingInput),
  );
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}
