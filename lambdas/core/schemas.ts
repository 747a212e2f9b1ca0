/**
 * Validation schemas for every request and response of the SP API. The handlers validate with
 * these and the OpenAPI document is generated from them, so the two cannot disagree.
 */
import { parseDn } from './dn.js';
import { CLAIMED_IDENTITY_ID, JURISDICTIONS, LANGUAGES } from './domain.js';
import { type FieldError, problems } from './problems.js';
import { TERMS_VERSION } from './terms-of-use.js';
import * as z from './zod.js';

/** No C0/C1 control characters, no bidi overrides or zero-width tricks in free text. */
export const SAFE_TEXT = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;
/** Letters (any script), combining marks, spaces, apostrophes, hyphens, dots. */
export const PERSON_NAME = /^\p{L}([\p{L}\p{M}' .\u2019-]*[\p{L}\p{M}.])?$/u;

export const safeText = (max: number) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(max),
      z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
    );

// Not trimmed: a name with leading or trailing white space or control characters is refused, not repaired.
export const personName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(100),
    z.regex(PERSON_NAME, { error: 'Must contain letters, spaces, apostrophes, hyphens or dots only.' }),
  );

export const e164 = z.string().check(
  z.regex(/^\+[1-9]\d{7,14}$/, {
    error: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.',
  }),
  z.meta({ examples: ['+41783478228'] }),
);

export const pastDate = z.iso.date({ error: 'Must be a real calendar date, YYYY-MM-DD.' }).check(
  z.refine((d) => d <= new Date().toISOString().slice(0, 10), { error: 'Must not lie in the future.' }),
  z.refine((d) => d >= '1900-01-01', { error: 'Must not be before 1900-01-01.' }),
);

export const jurisdiction = z.enum(JURISDICTIONS);
export const loa = z
  .union([z.literal(3), z.literal(4)])
  .check(z.meta({ description: '3 = advanced (AES), 4 = qualified (QES).' }));
const issuerName = safeText(100).check(
  z.regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { error: 'Invalid issuer name.' }),
);
const methodName = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'Invalid method name.' }));

const redirectUrl = z.url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL.' }).check(
  z.maxLength(2048),
  z.refine((u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(u), {
    error: 'Must use https (http is allowed for localhost only).',
  }),
);

/** Also a DynamoDB key part (CLAIMED#<id>), in the verify call and in the SP setup alike. */
export const claimedIdentityId = z.string().check(
  z.regex(CLAIMED_IDENTITY_ID, {
    error:
      'Must be 1 to 128 ASCII letters, digits, dots, underscores, colons or hyphens, starting with a letter or digit.',
  }),
);

// ---------------------------------------------------------------- verify

/** Characters free text never contains (SAFE_TEXT), as class members. */
const UNSAFE = '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}';
const DN_TYPE = '(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\\.[0-9]+)*)';
/** A value: no separator, quote or backslash; no white space at either end. */
const DN_VALUE = `[^\\s,;+"\\\\${UNSAFE}](?:[^,;+"\\\\${UNSAFE}]*[^\\s,;+"\\\\${UNSAFE}])?`;
const DN_PAIR = ` *${DN_TYPE} *= *${DN_VALUE} *`;
/** A distinguished name without escapes or quotes: `type=value` pairs separated by `,` `;` or `+`. */
export const DN_PATTERN = `^${DN_PAIR}(?:[,;+]${DN_PAIR})*$`;

export const VerifyRequest = z
  .strictObject({
    msisdn: z.string().check(
      z.regex(/^\+?[1-9]\d{7,14}$/, {
        error: 'Must be an international number of 8 to 15 digits, e.g. 41791234567.',
      }),
      z.meta({ examples: ['41791234567'] }),
    ),
    claimedIdentity: claimedIdentityId.check(
      z.meta({
        description:
          'A claimed identity of an SP: the signature asked for, signed under its jurisdictions (ZertES, eIDAS or both).',
        examples: ['test-client'],
      }),
    ),
    assuranceLevel: loa,
    distinguishedName: z.string().check(
      z.minLength(1),
      z.maxLength(1024),
      z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
      z.refine(
        (dn) => {
          try {
            parseDn(dn);
            return true;
          } catch {
            return false;
          }
        },
        { error: 'Must be a distinguished name such as "gn=Hans, sn=Müller, cn=Hans Müller, c=CH".' },
      ),
      z.meta({
        // Documentation only (the parser above decides): the form of every DN that can match a
        // registration — names never need RFC 4514 escapes or quotes, which the parser also takes.
        pattern: DN_PATTERN,
        description:
          'RFC 4514 attribute=value pairs separated by commas: gn, sn, cn, c, serialNumber or pseudonym (or their OIDs). The pattern is the plain form every matching DN can take; `\\`-escapes and quoted values are accepted too.',
        examples: ['gn=Hans, sn=Müller, cn=Hans Müller, c=CH'],
      }),
    ),
  })
  .check(z.meta({ id: 'VerifyRequest' }));
export type VerifyRequest = z.infer<typeof VerifyRequest>;

export const VerifyResponse = z
  .strictObject({
    evidenceId: z.string(),
    vetterMsisdn: z.string(),
    serialNumber: z.string(),
  })
  .check(z.meta({ id: 'VerifyResponse' }));
export type VerifyResponse = z.infer<typeof VerifyResponse>;

// ---------------------------------------------------------------- catalogue

const booleanParam = z.pipe(
  z.enum(['true', 'false']),
  z.transform((v) => v === 'true'),
);

export const ProvidersQuery = z
  .strictObject({
    issuer: z.optional(issuerName),
    jurisdiction: z.optional(jurisdiction),
    loa: z.optional(
      z.pipe(
        z.enum(['3', '4']),
        z.transform((v) => Number(v) as 3 | 4),
      ),
    ),
    offline: z.optional(booleanParam),
    realtimeMethod: z.optional(methodName),
    /** Our extension: entries that offer this offline method (courier, point of sale). */
    offlineMethod: z.optional(methodName),
    webflow: z.optional(booleanParam),
  })
  .check(z.meta({ id: 'ProvidersQuery' }));
export type ProvidersQuery = z.infer<typeof ProvidersQuery>;

export const Provider = z
  .strictObject({
    loa: z.number().check(z.int()),
    issuer: z.string(),
    webflow: z.boolean(),
    jurisdiction: z.string().check(z.meta({ examples: ['ZERTES,EIDAS'] })),
    realtimeMethods: z.array(z.string()),
    offline: z.boolean(),
    identificationData: z.array(z.string()),
    additionalData: z.array(z.string()),
    defaultLocale: z.string(),
    offlineMethods: z.optional(
      z.array(z.string()).check(
        z.meta({
          description:
            'Our extension of the paper’s shape: the offline methods of this entry (present when it has any), usable as the start call’s `method` like `realtimeMethods`.',
          examples: [['courier']],
        }),
      ),
    ),
  })
  .check(z.meta({ id: 'Provider' }));
export const ProviderList = z.array(Provider).check(z.meta({ id: 'ProviderList' }));

// ---------------------------------------------------------------- identifications

export const StartIdentificationRequest = z
  .strictObject({
    dob: pastDate.check(z.meta({ examples: ['1978-02-28'] })),
    email: z.email({ error: 'Must be an email address.' }).check(z.maxLength(254)),
    firstName: personName.check(z.meta({ examples: ['Hans'] })),
    language: z.enum(LANGUAGES),
    lastName: personName.check(z.meta({ examples: ['Muster'] })),
    mobile: e164,
    /** With `method`: the SP chose from the catalogue. Without both: the person chooses on our page. */
    issuer: z.optional(issuerName.check(z.meta({ examples: ['Test-ISP'] }))),
    method: z.optional(methodName.check(z.meta({ examples: ['test'] }))),
    jurisdiction: z.optional(jurisdiction),
    assuranceLevel: z.optional(loa),
    redirectUrl: z.optional(redirectUrl),
    state: z.optional(safeText(512)),
  })
  .check(
    z.superRefine((body, ctx) => {
      for (const [given, missing] of [
        ['issuer', 'method'],
        ['method', 'issuer'],
      ] as const) {
        if (body[given] !== undefined && body[missing] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [missing],
            message: `Give ${missing} with ${given}, or neither to let the person choose the method.`,
          });
        }
      }
    }),
    z.meta({
      id: 'StartIdentificationRequest',
      description:
        'The white paper’s six fields start an identification whose method the person chooses on the service’s page; with `issuer` and `method` (from the catalogue) the person goes straight to the partner.',
      dependentRequired: { issuer: ['method'], method: ['issuer'] },
    }),
  );
export type StartIdentificationRequest = z.infer<typeof StartIdentificationRequest>;

export const StartIdentificationResponse = z
  .strictObject({
    refId: z.uuid(),
    error: z.null(),
    targetURL: z.url(),
    expiresAt: z.iso.datetime(),
  })
  .check(z.meta({ id: 'StartIdentificationResponse' }));
export type StartIdentificationResponse = z.infer<typeof StartIdentificationResponse>;

export const RefIdParam = z.strictObject({ refId: z.uuid({ error: 'Must be a UUID.' }) });

export const StatusEntry = z
  .strictObject({
    status: z
      .string()
      .check(z.meta({ examples: ['created', 'initialized', 'waiting-for-doc', 'data-ready'] })),
    date: z.iso.datetime(),
    reason: z.nullable(z.string()),
    kind: z
      .nullable(z.string())
      .check(z.meta({ description: 'For `cancelled`: user, isp, unsuccessful or expired.' })),
  })
  .check(z.meta({ id: 'StatusEntry' }));

export const IdentificationStatus = z
  .strictObject({
    refId: z.string(),
    orderId: z.string(),
    issuer: z.nullable(z.string()).check(z.meta({ description: 'Null until the person chose a method.' })),
    adapter: z.nullable(z.string()).check(z.meta({ description: 'Null until the person chose a method.' })),
    method: z.nullable(z.string()).check(z.meta({ description: 'Null until the person chose a method.' })),
    mobile: z.string(),
    evidenceId: z.nullable(z.string()),
    statuses: z.array(StatusEntry),
  })
  .check(z.meta({ id: 'IdentificationStatus' }));
export type IdentificationStatus = z.infer<typeof IdentificationStatus>;

/** Idempotency keys: printable ASCII, bounded (as Stripe and the IETF draft do). */
export const IdempotencyKey = z
  .string()
  .check(z.regex(/^[\x21-\x7e]{1,255}$/, { error: 'Must be 1 to 255 printable ASCII characters.' }));
export const IdempotencyHeader = z.object({ 'Idempotency-Key': z.optional(IdempotencyKey) });

// ---------------------------------------------------------------- terms page

/**
 * The terms page's form beside its `accept=yes`: the version shown and, optionally, a pseudonym —
 * checked as the start call checks names (an empty field is no pseudonym).
 */
export const TermsForm = z.object({
  termsVersion: z.optional(z.string().check(z.regex(TERMS_VERSION, { error: 'Invalid terms version.' }))),
  pseudonym: z.optional(personName),
});
export type TermsForm = z.infer<typeof TermsForm>;

// ---------------------------------------------------------------- parsing

export function toFieldErrors(error: z.core.$ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: [...issue.path, k].join('.'), message: 'Unknown field.' }));
    }
    return [{ field: issue.path.join('.') || '(body)', message: issue.message }];
  });
}

/** Parses or throws a 400 problem listing every invalid field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}
