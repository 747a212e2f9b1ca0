/**
 * A partner message anyone can sign for a registered RSA key whose public exponent is 1: the
 * signature s verifies when s^e mod n is the PKCS #1 v1.5 encoding of the digest, and with e = 1
 * that encoding is its own signature. No private key is needed — which is why such a key is refused.
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
