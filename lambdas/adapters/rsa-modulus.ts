/**
 * The one check of an RSA public key's n and e, with the one wording of its refusals, for the three
 * places that take such a key: a partner key when it is registered (the local stack's configuration,
 * `npm run admin -- seed`), a key of the access tokens' fetched key set (remote-key-set.ts) and the
 * registered key a partner message is checked with (compact-jws.ts). The rule's cheap part is
 * partner-key-algorithms.ts rsaKeyIssues (2048 to 8192 bits, no prime factor below 1000, an odd
 * exponent of at least 3 and at most 8 bytes, both in canonical base64url); this adds the ones it
 * does not make synchronously, that the modulus is no prime and no perfect power (m^k).
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

/** What makes a modulus with no small factor one anyone can factor: a prime, or a perfect power m^k. */
type WeakModulus = 'prime' | 'power';

/**
 * The largest modulus the prime and power tests are run on. The prime test's cost grows with the
 * cube of the size (one Miller–Rabin round, measured on the shared 2-core build machine: 1.1 s at
 * 16384 bits, 9.4 s at 32768; the power test tries a root per prime exponent up to bits/10, on the
 * event loop), and a key set of 64 KB holds a modulus of some 390,000 bits: hours, with an
 * introspection container or a seed waiting. Above this a modulus is refused for its size alone,
 * and not as a formality: a stored key too, as whether anyone could sign with it goes unasked.
 */
const PRIME_TEST_MAX_BITS = 16384;

/**
 * A modulus over RSA_MAX_BITS costs more than it need; as a stored key's it is still tested (up to
 * PRIME_TEST_MAX_BITS), as a key to register or of the key set it is refused for its size alone.
 */
const isFormalSize = (bits: number) => bits > RSA_MAX_BITS && bits <= PRIME_TEST_MAX_BITS;

/** Moduli already decided in this container; registered keys only, so a few (bounded all the same). */
const decided = new Map<string, Promise<WeakModulus | undefined>>();
const MAX_DECIDED = 100;

/**
 * A start for Newton's method just above n's k-th root: the root from n's leading 53 bits in floating
 * point, raised by a margin far above a double's error, so that Newton needs two or three steps.
 */
function rootFromAbove(n: bigint, k: number): bigint {
  const bits = n.toString(2).length;
  const dropped = Math.max(0, bits - 53);
  const log2Root = (Math.log2(Number(n >> BigInt(dropped))) + dropped) / k + 1e-9;
  const whole = Math.floor(log2Root);
  if (whole <= 52) return BigInt(Math.ceil(2 ** log2Root)) + 1n;
  return (BigInt(Math.ceil(2 ** (log2Root - whole + 52))) + 1n) << BigInt(whole - 52);
}

/** The integer k-th root of n, rounded down: Newton's method, from above. */
function integerRoot(n: bigint, k: number): bigint {
  const exponent = BigInt(k);
  let x = rootFromAbove(n, k);
  for (;;) {
    const next = ((exponent - 1n) * x + n / x ** (exponent - 1n)) / exponent;
    if (next >= x) return x;
    x = next;
  }
}

/**
 * Whether n is m^k for some k ≥ 2 — such as a prime's power p^k, whose p anyone finds by taking
 * the k-th root (and then φ(n) = p^(k−1)(p − 1)); a real modulus, two distinct primes, never is. Only prime k need be tried (m^6 is
 * (m^3)^2), and only while the root can be at least SMALL_FACTOR_BOUND: a smaller one is a factor
 * the small-factor rule refused already. Under a millisecond for 2048 bits, about 5 for 8192.
 */
function isPerfectPower(n: bigint): boolean {
  const maxK = Math.floor(n.toString(2).length / Math.log2(SMALL_FACTOR_BOUND));
  for (let k = 2; k <= maxK; k++) {
    let prime = true;
    for (let d = 2; d * d <= k && prime; d++) prime = k % d !== 0;
    if (!prime) continue;
    if (integerRoot(n, k) ** BigInt(k) === n) return true;
  }
  return false;
}

/** Whether `modulus` (big-endian bytes) is weak; each distinct one is decided once per container. */
function weakModulus(modulus: Uint8Array): Promise<WeakModulus | undefined> {
  const id = Buffer.from(modulus).toString('base64url');
  let verdict = decided.get(id);
  if (verdict) return verdict;
  verdict = new Promise<boolean>((resolve, reject) =>
    checkPrime(modulus, (err, prime) => (err ? reject(err) : resolve(prime))),
  ).then((prime): WeakModulus | undefined => {
    if (prime) return 'prime';
    return isPerfectPower(BigInt(`0x${Buffer.from(modulus).toString('hex')}`)) ? 'power' : undefined;
  });
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
   * over RSA_MAX_BITS (up to PRIME_TEST_MAX_BITS), an exponent over RSA_MAX_EXPONENT_BYTES, a member
   * not in minimal base64url.
   * Registration and the key set refuse it all the same; a stored partner key is not refused for
   * it when a message comes (compact-jws.ts), so that a rule added later does not lock out a sound
   * key before the operator seeds again (docs/isp-integration.md).
   */
  formal: boolean;
}

/** The one wording of each refusal: the operator reads it in a log line or in the seeding tool's error. */
function reasonOf(issue: RsaKeyIssue | { member: 'n'; kind: WeakModulus }): string {
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
    case 'power':
      return 'n is a perfect power (m^k), not the product of two distinct primes: anyone can derive the private key from it';
    case 'one':
      return 'e is 1 (AQ): with it anyone can sign';
    case 'exponent':
      return `e is not an odd exponent of at least 3 in at most ${RSA_MAX_EXPONENT_BYTES} bytes of base64url (usually AQAB)`;
  }
}

/**
 * What is wrong with an RSA public key's `n` and `e` (a JWK's members, as given): n's refusals
 * first, then e's; none for a key inside the rule.
 *
 * `storedKey`: the caller is the check of a stored partner key (compact-jws.ts), which ignores the
 * formal refusals, so a modulus over RSA_MAX_BITS is still tested for weakness (up to
 * PRIME_TEST_MAX_BITS). Registration and the key set refuse a key for any refusal: there the size
 * alone decides and such a modulus is refused without the prime and power tests (about a second of
 * CPU at 16384 bits, for a key refused anyway).
 */
export async function rsaKeyRefusals(
  n: unknown,
  e: unknown,
  { storedKey = false }: { storedKey?: boolean } = {},
): Promise<RsaKeyRefusal[]> {
  const issues: (RsaKeyIssue | { member: 'n'; kind: WeakModulus })[] = rsaKeyIssues(n, e);
  // A modulus of the wrong encoding, of the wrong size or with a small factor is not tested; for a
  // stored key, one refused only for being over RSA_MAX_BITS is, up to PRIME_TEST_MAX_BITS.
  const primeTestWorthIt = issues.every(
    (issue) => issue.member === 'e' || (storedKey && issue.kind === 'size' && isFormalSize(issue.bits)),
  );
  const weak = primeTestWorthIt ? await weakModulus(base64urlBytes(n) as Buffer) : undefined;
  if (weak)
    issues.splice(issues.filter((issue) => issue.member === 'n').length, 0, { member: 'n', kind: weak });
  return issues.map((issue) => ({
    member: issue.member,
    reason: reasonOf(issue),
    formal: isFormal(issue, e),
  }));
}

function isFormal(issue: RsaKeyIssue | { member: 'n'; kind: WeakModulus }, e: unknown): boolean {
  switch (issue.kind) {
    case 'encoding':
      return true;
    case 'size':
      return isFormalSize(issue.bits);
    case 'exponent': {
      // Too long or not minimal, but odd and at least 3: a signature still proves the private key.
      const exponent = base64urlBytes(e);
      return exponent !== undefined && exponent.length > 0 && isSafeRsaPublicExponent(exponent);
    }
    default:
      return false;
  }
}
