/**
 * The verify call's request and answer (POST /api/verify).
 */
import { isParsableDn, MAX_DN_LENGTH } from './dn.js';
import { MSISDN, UNSAFE_CHARACTERS } from './domain.js';
import { claimedIdentityId, loa, SAFE_TEXT } from './fields.js';
import * as z from './zod.js';

const DN_TYPE = '(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\\.[0-9]+)*)';
/**
 * A value: no separator, quote or backslash; no white space at either end; no `#` first (RFC 4514's
 * hexstring, which parseDn refuses).
 */
const NOT_IN_VALUE = `,;+"\\\\${UNSAFE_CHARACTERS}`;
const DN_VALUE = `[^\\s#${NOT_IN_VALUE}](?:[^${NOT_IN_VALUE}]*[^\\s${NOT_IN_VALUE}])?`;
const DN_PAIR = ` *${DN_TYPE} *= *${DN_VALUE} *`;
/** A distinguished name without escapes or quotes: `type=value` pairs separated by `,` `;` or `+`. */
export const DN_PATTERN = `^${DN_PAIR}(?:[,;+]${DN_PAIR})*$`;

export const VerifyRequest = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      msisdn: z
        .string()
        .check(
          z.regex(MSISDN, {
            error: 'Must be an international number of 8 to 15 digits, e.g. 41791234567.',
          }),
        )
        .register(z.globalRegistry, { examples: ['41791234567'] }),
      claimedIdentity: claimedIdentityId.check(
        z.meta({
          description:
            'A claimed identity of an SP: the signature asked for, signed under its jurisdictions (ZertES, eIDAS or both).',
          examples: ['test-client'],
        }),
      ),
      assuranceLevel: loa,
      distinguishedName: z
        .string()
        .check(
          // Empty or too long, it is told so alone, not also that it is no distinguished name.
          z.minLength(1, { abort: true }),
          z.maxLength(MAX_DN_LENGTH, { abort: true }),
          z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
          z.refine(isParsableDn, {
            error: 'Must be a distinguished name such as "gn=Hans, sn=Müller, cn=Hans Müller, c=CH".',
          }),
        )
        .register(z.globalRegistry, {
          // Documentation only (the parser above decides): the form of every DN that can match a
          // registration — names never need RFC 4514 escapes or quotes, which the parser also takes.
          pattern: DN_PATTERN,
          description:
            'RFC 4514 attribute=value pairs separated by commas: gn, sn, cn, c, serialNumber or pseudonym (or their OIDs). The pattern is the plain form every matching DN can take; quoted values and `\\`-escapes (of a special character or two hex digits) are accepted too, `#` hex-encoded values are not.',
          examples: ['gn=Hans, sn=Müller, cn=Hans Müller, c=CH'],
        }),
    })
    .register(z.globalRegistry, { id: 'VerifyRequest' }),
);
export type VerifyRequest = z.infer<typeof VerifyRequest>;

export const VerifyResponse = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      evidenceId: z.string(),
      vetterMsisdn: z.string(),
      serialNumber: z.string(),
    })
    .register(z.globalRegistry, { id: 'VerifyResponse' }),
);
export type VerifyResponse = z.infer<typeof VerifyResponse>;
