/**
 * The public keys a partner signs its events and evidence with (`keys` of its configuration),
 * checked when they are registered — the local stack's configuration file and `npm run admin -- seed`
 * read the same schema — so that a key the message check could never use is refused with the reason
 * instead of every message of that partner being refused with a 401 later.
 *
 * A key is a public JWK (RFC 7517/7518) for ES256 (EC on P-256) or RS256 (RSA of 2048 to 8192
 * bits, n and e held to the RSA rule of rsa-modulus.ts rsaKeyRefusals by `rsaKeyIssuesOfPartners`,
 * asynchronous, checked after the schema).
 * Messages (issues) name the member and never repeat a value: a registered "public" key may be a
 * private one by mistake, and its private members must not reach an error or a log.
 */
import { createPublicKey } from 'node:crypto';
import {
  ALG_OF_KTY,
  base64urlBytes,
  isSignatureUse,
  KEY_ID,
  rsaKeyIssues,
} from './partner-key-algorithms.js';
import * as z from './zod.js';

/** How many keys a partner may have registered at once (a rotation needs two). */
export const MAX_PARTNER_KEYS = 10;

/** Members only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

interface KeyIssue {
  /** The member the issue is about; none for the key as a whole. */
  member?: string;
  message: string;
}

function ecIssues(key: Record<string, unknown>): KeyIssue[] {
  const issues: KeyIssue[] = [];
  if (key.crv !== 'P-256')
    issues.push({ member: 'crv', message: 'An EC key must be on curve P-256 (ES256).' });
  for (const member of ['x', 'y'])
    if (base64urlBytes(key[member])?.length !== 32)
      issues.push({ member, message: `${member} must be the base64url of 32 bytes (a P-256 coordinate).` });
  return issues;
}

/** What is wrong with one registered key, member by member; nothing for a usable public key. */
export function partnerKeyIssues(key: Record<string, unknown>): KeyIssue[] {
  const issues: KeyIssue[] = [];
  for (const member of PRIVATE_MEMBERS)
    if (member in key)
      issues.push({
        member,
        message: `A private or secret key member (${member}) must never be registered: give the public key only.`,
      });
  if (key.kid !== undefined && (typeof key.kid !== 'string' || !KEY_ID.test(key.kid)))
    issues.push({
      member: 'kid',
      message: 'kid must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ : + / = -.',
    });
  if (!isSignatureUse(key.use))
    issues.push({ member: 'use', message: 'use must be "sig" (the key checks signatures).' });
  if (
    key.key_ops !== undefined &&
    !(Array.isArray(key.key_ops) && key.key_ops.length === 1 && key.key_ops[0] === 'verify')
  )
    // WebCrypto refuses to import a public key whose key_ops also name what it cannot do (sign).
    issues.push({ member: 'key_ops', message: 'key_ops must be ["verify"] (a public key only verifies).' });
  if (key.ext !== undefined && typeof key.ext !== 'boolean')
    issues.push({ member: 'ext', message: 'ext must be true or false.' });
  if (key.kty !== 'EC' && key.kty !== 'RSA') {
    issues.push({ member: 'kty', message: 'kty must be EC (for ES256) or RSA (for RS256).' });
    return issues;
  }
  const alg = ALG_OF_KTY[key.kty];
  if (key.alg !== undefined && key.alg !== alg)
    issues.push({ member: 'alg', message: `alg must be ${alg} for an ${key.kty} key (or left out).` });
  if (key.kty === 'EC') issues.push(...ecIssues(key));
  // An RSA key's n and e are judged by rsaKeyIssuesOfPartners, after the schema: the rule's last
  // part is asynchronous, and its words are one text for the three places that check it. Until
  // they are inside the rule, importing the key would say nothing more.
  else if (rsaKeyIssues(key.n, key.e).length > 0) return issues;
  if (issues.length > 0) return issues;
  // The shape is right; what it cannot show (an EC point off the curve) the key's import shows.
  const members = key.kty === 'EC' ? ['kty', 'crv', 'x', 'y'] : ['kty', 'n', 'e'];
  try {
    createPublicKey({ key: Object.fromEntries(members.map((m) => [m, key[m]])), format: 'jwk' });
  } catch {
    issues.push({
      message:
        key.kty === 'EC'
          ? 'x and y are not a point on curve P-256.'
          : 'n and e are not a usable RSA public key.',
    });
  }
  return issues;
}

/** How an issue names its key: by kid when it has a readable one (the path gives its position). */
const keyName = (key: Record<string, unknown>) =>
  typeof key.kid === 'string' && KEY_ID.test(key.kid) ? `Key ${key.kid}: ` : 'Key: ';

/**
 * The registration check of each RSA key's n and e, which the schema cannot make (it is synchronous):
 * `refusals` is adapters/rsa-modulus.ts rsaKeyRefusals (the core does no prime test itself), the
 * one rule and wording a fetched key set's keys and the keys partner messages are checked with get
 * too. Run after the schema accepted the partners, before anything is written; one line per member,
 * `isps.N.keys.M.n: Key kid: …` as the schema's issues read.
 */
export async function rsaKeyIssuesOfPartners(
  isps: readonly { keys: readonly Record<string, unknown>[] }[],
  refusals: (n: unknown, e: unknown) => Promise<readonly { member: string; reason: string }[]>,
): Promise<string[]> {
  const issues: string[] = [];
  for (const [i, isp] of isps.entries())
    for (const [j, key] of isp.keys.entries())
      if (key.kty === 'RSA')
        for (const { member, reason } of await refusals(key.n, key.e))
          issues.push(`isps.${i}.keys.${j}.${member}: ${keyName(key)}${reason}`);
  return issues;
}

/** One registered key: a public JWK for ES256 or RS256, members checked by `partnerKeyIssues`. */
export const PartnerKeySchema = /* @__PURE__ */ z.define(() =>
  z.record(z.string(), z.unknown()).check(
    z.superRefine((key, ctx) => {
      for (const issue of partnerKeyIssues(key))
        ctx.addIssue({
          code: 'custom',
          path: issue.member === undefined ? [] : [issue.member],
          message: `${keyName(key)}${issue.message}`,
        });
    }),
  ),
);

/** A partner's keys: each usable, at most MAX_PARTNER_KEYS, no kid twice. */
export const PartnerKeysSchema = /* @__PURE__ */ z.define(() =>
  z.array(PartnerKeySchema).check(
    z.maxLength(MAX_PARTNER_KEYS),
    z.superRefine((keys, ctx) => {
      const seen = new Set<unknown>();
      keys.forEach((key, i) => {
        if (key.kid === undefined) return;
        if (seen.has(key.kid))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'kid'],
            message: `${keyName(key)}this kid is registered twice; each key needs its own.`,
          });
        seen.add(key.kid);
      });
    }),
  ),
);
