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
