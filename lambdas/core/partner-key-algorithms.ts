/**
 * The algorithm a partner key of each type signs with here (a registered key need not name its
 * `alg`): read by the registration check (core/partner-keys.ts) and by the message verification,
 * whose function loads no zod (so not from partner-keys.ts, which does).
 */
export const ALG_OF_KTY: Readonly<Record<string, 'ES256' | 'RS256' | undefined>> = {
  EC: 'ES256',
  RSA: 'RS256',
};
