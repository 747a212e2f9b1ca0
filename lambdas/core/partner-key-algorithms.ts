/**
 * What a partner key must be to check signatures here, read by the registration check
 * (core/partner-keys.ts) and by the message verification (adapters/compact-jws.ts), whose function
 * loads no zod (so not from partner-keys.ts, which does).
 */

/** The smallest RSA modulus RS256 takes (jose's floor too). */
export const RSA_MIN_BITS = 2048;

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
