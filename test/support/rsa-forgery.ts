/**
 * A partner message anyone can sign for a registered RSA key whose public exponent is 1: the
 * signature s verifies when s^e mod n is the PKCS #1 v1.5 encoding of the digest, and with e = 1
 * that encoding is its own signature. No private key is needed — which is why such a key is refused.
 * The same for a "key" whose modulus has factors anyone knows (forgedForKnownFactors).
 */
import { createHash } from 'node:crypto';

/** EMSA-PKCS1-v1_5 of SHA-256 (RFC 8017 §9.2) over `input`, `length` bytes long (the modulus's). */
export function pkcs1Sha256Encoded(input: string, length: number): Buffer {
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(input).digest(),
  ]);
  return Buffer.concat([
    Buffer.from([0, 1]),
    Buffer.alloc(length - digestInfo.length - 3, 0xff),
    Buffer.from([0]),
    digestInfo,
  ]);
}

/** A compact RS256 JWS of `header` and `claims` "signed" for a 2048-bit key with e = 1. */
export function forgedForExponentOne(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', ...header })}.${encode(claims)}`;
  return `${input}.${pkcs1Sha256Encoded(input, 256).toString('base64url')}`;
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (value: bigint, length: number) =>
  Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}
/** x with a·x ≡ 1 (mod m), for a and m coprime (extended Euclid). */
function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r, oldS, s] = [a % m, m, 1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/**
 * A compact RS256 JWS of `header` and `claims` signed for a registered "RSA key" of exponent AQAB
 * whose modulus is the product of `primes` (distinct, big-endian bytes), all known to the forger —
 * a modulus that is a prime, or one with a small factor beside one large prime: φ(n) = Π(p − 1)
 * follows, and so does the private exponent 65537⁻¹ mod φ(n). Answers the modulus and the JWS.
 */
export function forgedForKnownFactors(
  primes: readonly Uint8Array[],
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): { modulus: Buffer; jws: string } {
  const factors = primes.map(toBigInt);
  const n = factors.reduce((product, p) => product * p, 1n);
  const phi = factors.reduce((product, p) => product * (p - 1n), 1n);
  const length = Math.ceil(n.toString(16).length / 2);
  const d = modInverse(65537n, phi);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', ...header })}.${encode(claims)}`;
  const signature = modPow(toBigInt(pkcs1Sha256Encoded(input, length)), d, n);
  return { modulus: toBytes(n, length), jws: `${input}.${toBytes(signature, length).toString('base64url')}` };
}
