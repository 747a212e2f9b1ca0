/**
 * The one check of an RSA public key's n and e, with the one wording of its refusals, for the three
 * places that take such a key: a partner key when it is registered (the local stack's configuration,
 * `npm run admin -- seed`), a key of the access tokens' fetched key set (remote-key-set.ts) and the
 * registered key a partner message is checked with (compact-jws.ts). The rule's cheap part is
 * partner-key-algorithms.ts rsaKeyIssues (2048 to 8192 bits, no prime factor below 1000, an odd
 * exponent of at least 3 and at most 8 bytes, both in canonical base64url); this adds the one it
 * cannot make synchronously, that the modulus is no prime.
 *
 * A prime modulus gives φ(n) = n − 1, so anyone derives the private exponent from the public key and
 * a forged signature verifies (test/support/rsa-forgery.ts). Neither WebCrypto nor jose checks it.
 * node:crypto's checkPrime (Miller–Rabin on libuv's thread pool, off the event loop) decides: one
 * modular exponentiation for a real modulus, 10 to 70 ms for 2048 bits on a loaded machine, hence
 * once per modulus per container.
 */
import { checkPrime } from 'node:crypto';
import {
  base64urlBytes,
  isSafeRsaPublicExponent,
  RSA_MAX_BITS,
  RSA_MAX_EXPONENT_BYTES,
  RSA_MIN_BITS,
  type RsaKeyIssue,
  rsaKeyIssues,
  SMALL_FACTOR_BOUND,
} from '../core/partner-key-algorithms.js';

/** Moduli already decided in this container; registered keys only, so a few (bounded all the same). */
const decided = new Map<string, Promise<boolean>>();
const MAX_DECIDED = 100;

/** Whether `modulus` (big-endian bytes) is a prime; each distinct one is tested once per container. */
function isPrimeModulus(modulus: Uint8Array): Promise<boolean> {
  const id = Buffer.from(modulus).toString('base64url');
  let verdict = decided.get(id);
  if (verdict) return verdict;
  verdict = new Promise<boolean>((resolve, reject) =>
    checkPrime(modulus, (err, prime) => (err ? reject(err) : resolve(prime))),
  );
  if (decided.size >= MAX_DECIDED) decided.clear();
  decided.set(id, verdict);
  // A failed test is not remembered.
  verdict.catch(() => decided.delete(id));
  return verdict;
}

/** A member of an RSA public key outside the rule and why: never the member's value (it goes to logs). */
export interface RsaKeyRefusal {
  member: 'n' | 'e';
  reason: string;
  /**
   * Whether only the key's form or cost is outside the rule, not what a signature proves: a modulus
   * over RSA_MAX_BITS, an exponent over RSA_MAX_EXPONENT_BYTES, a member not in minimal base64url.
   * Registration and the key set refuse it all the same; a stored partner key is not refused for
   * it when a message comes (compact-jws.ts), so that a rule added later does not lock out a sound
   * key before the operator seeds again (docs/isp-integration.md).
   */
  formal: boolean;
}

/** The one wording of each refusal: the operator reads it in a log line or in the seeding tool's error. */
function reasonOf(issue: RsaKeyIssue | { member: 'n'; kind: 'prime' }): string {
  switch (issue.kind) {
    case 'encoding':
      // Leading zero bytes are refused, as RFC 7518 §6.3.1.1 says ("MUST utilize the minimum
      // number of octets"), though jose takes them: see partner-key-algorithms.ts rsaKeyIssues.
      return 'n is not a modulus in base64url without leading zero bytes';
    case 'size':
      return `n has ${issue.bits} bits; RS256 keys here have ${RSA_MIN_BITS} to ${RSA_MAX_BITS}`;
    case 'small-factor':
      return `n has a prime factor below ${SMALL_FACTOR_BOUND}, so it is no product of two large primes`;
    case 'prime':
      return 'n is a prime, not the product of two primes: anyone can derive the private key from it';
    case 'one':
      return 'e is 1 (AQ): with it anyone can sign';
    case 'exponent':
      return `e is not an odd exponent of at least 3 in at most ${RSA_MAX_EXPONENT_BYTES} bytes of base64url (usually AQAB)`;
  }
}

/**
 * What is wrong with an RSA public key's `n` and `e` (a JWK's members, as given): n's refusals
 * first, then e's; none for a key inside the rule.
 */
export async function rsaKeyRefusals(n: unknown, e: unknown): Promise<RsaKeyRefusal[]> {
  const issues: (RsaKeyIssue | { member: 'n'; kind: 'prime' })[] = rsaKeyIssues(n, e);
  // A modulus of the wrong encoding, too short or with a small factor is not tested; one refused
  // only for being over RSA_MAX_BITS is (the check of a stored key ignores the size).
  const primeTestWorthIt = issues.every(
    (issue) => issue.member === 'e' || (issue.kind === 'size' && issue.bits > RSA_MAX_BITS),
  );
  if (primeTestWorthIt && (await isPrimeModulus(base64urlBytes(n) as Buffer)))
    issues.splice(issues.filter((issue) => issue.member === 'n').length, 0, { member: 'n', kind: 'prime' });
  return issues.map((issue) => ({
    member: issue.member,
    reason: reasonOf(issue),
    formal: isFormal(issue, e),
  }));
}

function isFormal(issue: RsaKeyIssue | { member: 'n'; kind: 'prime' }, e: unknown): boolean {
  switch (issue.kind) {
    case 'encoding':
      return true;
    case 'size':
      return issue.bits > RSA_MAX_BITS;
    case 'exponent': {
      // Too long or not minimal, but odd and at least 3: a signature still proves the private key.
      const exponent = base64urlBytes(e);
      return exponent !== undefined && exponent.length > 0 && isSafeRsaPublicExponent(exponent);
    }
    default:
      return false;
  }
}
