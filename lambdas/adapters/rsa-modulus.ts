/**
 * Whether an RSA public key's modulus is a prime: then φ(n) = n − 1 is public and anyone derives the
 * private exponent from the public key — a forged signature verifies (test/support/rsa-forgery.ts).
 * Neither WebCrypto nor jose checks it. node:crypto's checkPrime (Miller–Rabin on libuv's thread
 * pool, off the event loop) decides: one modular exponentiation for a real modulus, 10 to 70 ms for
 * 2048 bits on a loaded machine, hence once per modulus per container. The registration check (the
 * local stack, `npm run admin -- seed`) and the message verification (compact-jws.ts) ask it.
 */
import { checkPrime } from 'node:crypto';

/** Moduli already decided in this container; registered keys only, so a few (bounded all the same). */
const decided = new Map<string, Promise<boolean>>();
const MAX_DECIDED = 100;

/** Whether `modulus` (big-endian bytes) is a prime; each distinct one is tested once per container. */
export function isPrimeModulus(modulus: Uint8Array): Promise<boolean> {
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
