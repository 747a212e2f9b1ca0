/**
 * What a partner key must be to check signatures here, read by the registration check
 * (core/partner-keys.ts) and by the message verification (adapters/compact-jws.ts), whose function
 * loads no zod (so not from partner-keys.ts, which does).
 */

/** The smallest RSA modulus RS256 takes (jose's floor too). */
export const RSA_MIN_BITS = 2048;
/**
 * The largest: a verification's cost grows with the modulus (a 16384-bit key's costs about 4 times
 * an 8192-bit one's), and nobody signs with more.
 */
export const RSA_MAX_BITS = 8192;
/** The longest RSA public exponent, in bytes: a verification's cost grows with it too (AQAB is 3). */
export const RSA_MAX_EXPONENT_BYTES = 8;

/**
 * Whether a JWK's `use` lets it check signatures (RFC 7517 §4.2): absent, or "sig". A key
 * published or registered for encryption ("enc") is never taken for a signature, whatever else it is.
 */
export const isSignatureUse = (use: unknown): boolean => use === undefined || use === 'sig';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The bytes of a base64url member in its canonical form (no padding, no stray bits), else undefined. */
export function base64urlBytes(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !BASE64URL.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : undefined;
}

/** The number of bits of a big-endian unsigned integer without leading zero bytes. */
const bitLength = (bytes: Uint8Array): number => (bytes.length - 1) * 8 + (bytes[0] ?? 0).toString(2).length;

/** What is wrong with an RSA public key's n or e for RS256 here (the prime and prime-power tests aside: rsa-modulus.ts). */
export type RsaKeyIssue =
  | { member: 'n'; kind: 'encoding' }
  | { member: 'n'; kind: 'size'; bits: number }
  | { member: 'n'; kind: 'small-factor' }
  | { member: 'e'; kind: 'one' }
  | { member: 'e'; kind: 'exponent' };

/**
 * The one rule for an RSA key's members, for a registered partner key, a key of a fetched key set
 * and the key a partner message is checked with: n canonical base64url of RSA_MIN_BITS to
 * RSA_MAX_BITS bits without a small prime factor; e canonical base64url of at most
 * RSA_MAX_EXPONENT_BYTES, odd and at least 3. Cheap (no key import, 168 remainders): a key outside
 * it costs no more than this check. Its callers go through rsa-modulus.ts rsaKeyRefusals, which
 * adds the prime and prime-power tests and words each refusal once.
 */
export function rsaKeyIssues(n: unknown, e: unknown): RsaKeyIssue[] {
  const issues: RsaKeyIssue[] = [];
  const modulus = base64urlBytes(n);
  // A modulus with a leading zero byte is refused, though it is the same number and jose (WebCrypto's
  // import) takes it: RFC 7518 §6.3.1.1 says the minimal encoding MUST be used, Cognito's key sets
  // use it (a 2048-bit n whose top bit is set is 256 bytes, not the 257 of a signed encoder), and
  // AWS STS refuses the longer form too, so no key set we fetch is expected to carry it. Refusing it
  // keeps one text per modulus (the prime test's cache key) and the bit count read from the bytes
  // honest. A partner's key with one is refused when registered, with the reason.
  if (modulus === undefined || modulus.length === 0 || modulus[0] === 0)
    issues.push({ member: 'n', kind: 'encoding' });
  else if (bitLength(modulus) < RSA_MIN_BITS)
    issues.push({ member: 'n', kind: 'size', bits: bitLength(modulus) });
  else {
    // Over RSA_MAX_BITS a key is refused for its cost, not its strength: whether anyone could sign
    // with it is still asked, for the check of a stored key that ignores the cost (compact-jws.ts),
    // up to rsa-modulus.ts PRIME_TEST_MAX_BITS.
    if (bitLength(modulus) > RSA_MAX_BITS)
      issues.push({ member: 'n', kind: 'size', bits: bitLength(modulus) });
    if (hasSmallPrimeFactor(modulus)) issues.push({ member: 'n', kind: 'small-factor' });
  }
  const exponent = base64urlBytes(e);
  if (exponent?.length === 1 && exponent[0] === 1) issues.push({ member: 'e', kind: 'one' });
  else if (
    exponent === undefined ||
    exponent.length === 0 ||
    exponent.length > RSA_MAX_EXPONENT_BYTES ||
    exponent[0] === 0 ||
    !isSafeRsaPublicExponent(exponent)
  )
    issues.push({ member: 'e', kind: 'exponent' });
  return issues;
}

/**
 * An RSA public exponent (big-endian bytes) with which a signature proves the private key: odd and
 * at least 3. Under e = 1 the padded digest is its own signature (anyone signs); jose and WebCrypto
 * take such a key, this service does not.
 */
export function isSafeRsaPublicExponent(bytes: Uint8Array): boolean {
  const e = bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
  return e >= 3n && e % 2n === 1n;
}

/**
 * The algorithm a partner key of each type signs with here (a registered key need not name its
 * `alg`).
 */
export const ALG_OF_KTY: Readonly<Record<string, 'ES256' | 'RS256' | undefined>> = {
  EC: 'ES256',
  RSA: 'RS256',
};

/** The bound below which an RSA modulus may have no prime factor. */
export const SMALL_FACTOR_BOUND = 1000;
let smallPrimes: bigint[] | undefined;
/** The primes below `bound` (Eratosthenes). */
function sieve(bound: number): bigint[] {
  const composite = new Uint8Array(bound);
  const primes: bigint[] = [];
  for (let k = 2; k < bound; k += 1) {
    if (composite[k]) continue;
    primes.push(BigInt(k));
    for (let multiple = k * k; multiple < bound; multiple += k) composite[multiple] = 1;
  }
  return primes;
}
/**
 * Whether an RSA modulus (big-endian bytes) has a prime factor below SMALL_FACTOR_BOUND — an even
 * one included. A real modulus is the product of two primes of half its size; one with a small
 * factor beside a large prime gives anyone φ(n), and so the private exponent. (168 remainders: a
 * few microseconds; the primes are sieved by the first call.)
 */
export function hasSmallPrimeFactor(bytes: Uint8Array): boolean {
  smallPrimes ??= sieve(SMALL_FACTOR_BOUND);
  const n = bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
  return smallPrimes.some((p) => n % p === 0n && n !== p);
}

/** A key id: printable, no spaces or quotes (it appears in logs and JWS headers), at most 128 characters. */
export const KEY_ID = /^[A-Za-z0-9._~:+/=-]{1,128}$/;
