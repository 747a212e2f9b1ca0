/**
 * Validation schemas for every request and response of the SP API. The handlers validate with
 * these and the OpenAPI document is generated from them, so the two cannot disagree.
 */
import * as z from 'zod';
import { parseDn } from './dn.js';
import { JURISDICTIONS, LANGUAGES } from './domain.js';
import { type FieldError, problems } from './problems.js';

/** No C0/C1 control characters, no bidi overrides or zero-width tricks in free text. */
const SAFE_TEXT = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;
/** Letters (any script), combining marks, spaces, apostrophes, hyphens, dots. */
const PERSON_NAME = /^\p{L}([\p{L}\p{M}' .\u2019-]*[\p{L}\p{M}.])?$/u;

const safeText = (max: number) =>
  z.string().min(1).max(max).regex(SAFE_TEXT, { message: 'Must not contain control or format characters.' });

// Not trimmed: a name with leading or trailing white space or control characters is refused, not repaired.
const personName = z
  .string()
  .min(1)
  .max(100)
  .regex(PERSON_NAME, { message: 'Must contain letters, spaces, apostrophes, hyphens or dots only.' });

export const e164 = z
  .string()
  .regex(/^\+[1-9]\d{7,14}$/, {
    message: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.',
  })
  .meta({ examples: ['+41783478228'] });

const pastDate = z.iso
  .date({ message: 'Must be a real calendar date, YYYY-MM-DD.' })
  .refine((d) => d <= new Date().toISOString().slice(0, 10), { message: 'Must not lie in the future.' })
  .refine((d) => d >= '1900-01-01', { message: 'Must not be before 1900-01-01.' });

export const jurisdiction = z.enum(JURISDICTIONS);
export const loa = z
  .union([z.literal(3), z.literal(4)])
  .meta({ description: '3 = advanced (AES), 4 = qualified (QES).' });
const issuerName = safeText(100).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, {
  message: 'Invalid issuer name.',
});
const methodName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, { message: 'Invalid method name.' });

const redirectUrl = z
  .url({ protocol: /^https?$/, message: 'Must be an absolute http(s) URL.' })
  .max(2048)
  .refine((u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(u), {
    message: 'Must use https (http is allowed for localhost only).',
  });

// ---------------------------------------------------------------- verify

export const VerifyRequest = z
  .strictObject({
    msisdn: z
      .string()
      .regex(/^\+?[1-9]\d{7,14}$/, {
        message: 'Must be an international number of 8 to 15 digits, e.g. 41791234567.',
      })
      .meta({ examples: ['41791234567'] }),
    claimedIdentity: safeText(255).meta({ examples: ['test-client'] }),
    assuranceLevel: loa,
    distinguishedName: safeText(1024)
      .refine(
        (dn) => {
          try {
            parseDn(dn);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'Must be a distinguished name such as "gn=Hans, sn=Müller, cn=Hans Müller, c=CH".' },
      )
      .meta({ examples: ['gn=Hans, sn=Müller, cn=Hans Müller, c=CH'] }),
  })
  .meta({ id: 'VerifyRequest' });
export type VerifyRequest = z.infer<typeof VerifyRequest>;

export const VerifyResponse = z
  .strictObject({
    evidenceId: z.string(),
    vetterMsisdn: z.string(),
    serialNumber: z.string(),
  })
  .meta({ id: 'VerifyResponse' });
export type VerifyResponse = z.infer<typeof VerifyResponse>;

// ---------------------------------------------------------------- catalogue

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ProvidersQuery = z
  .strictObject({
    issuer: issuerName.optional(),
    jurisdiction: jurisdiction.optional(),
    loa: z
      .enum(['3', '4'])
      .transform((v) => Number(v) as 3 | 4)
      .optional(),
    offline: booleanParam.optional(),
    realtimeMethod: methodName.optional(),
    webflow: booleanParam.optional(),
  })
  .meta({ id: 'ProvidersQuery' });
export type ProvidersQuery = z.infer<typeof ProvidersQuery>;

export const Provider = z
  .strictObject({
    loa: z.number().int(),
    issuer: z.string(),
    webflow: z.boolean(),
    jurisdiction: z.string().meta({ examples: ['ZERTES,EIDAS'] }),
    realtimeMethods: z.array(z.string()),
    offline: z.boolean(),
    identificationData: z.array(z.string()),
    additionalData: z.array(z.string()),
    defaultLocale: z.string(),
  })
  .meta({ id: 'Provider' });
export const ProviderList = z.array(Provider).meta({ id: 'ProviderList' });

// ---------------------------------------------------------------- identifications

export const StartIdentificationRequest = z
  .strictObject({
    dob: pastDate.meta({ examples: ['1978-02-28'] }),
    email: z.email({ message: 'Must be an email address.' }).max(254),
    firstName: personName.meta({ examples: ['Hans'] }),
    language: z.enum(LANGUAGES),
    lastName: personName.meta({ examples: ['Muster'] }),
    mobile: e164,
    issuer: issuerName.meta({ examples: ['Test-ISP'] }),
    method: methodName.meta({ examples: ['test'] }),
    jurisdiction: jurisdiction.optional(),
    assuranceLevel: loa.optional(),
    redirectUrl: redirectUrl.optional(),
    state: safeText(512).optional(),
  })
  .meta({ id: 'StartIdentificationRequest' });
export type StartIdentificationRequest = z.infer<typeof StartIdentificationRequest>;

export const StartIdentificationResponse = z
  .strictObject({
    refId: z.uuid(),
    error: z.null(),
    targetURL: z.url(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'StartIdentificationResponse' });
export type StartIdentificationResponse = z.infer<typeof StartIdentificationResponse>;

export const RefIdParam = z.strictObject({ refId: z.uuid({ message: 'Must be a UUID.' }) });

export const StatusEntry = z
  .strictObject({
    status: z.string().meta({ examples: ['created', 'initialized', 'waiting-for-doc', 'data-ready'] }),
    date: z.iso.datetime(),
    reason: z.string().nullable(),
    kind: z.string().nullable().meta({ description: 'For `cancelled`: user, isp, unsuccessful or expired.' }),
  })
  .meta({ id: 'StatusEntry' });

export const IdentificationStatus = z
  .strictObject({
    refId: z.string(),
    orderId: z.string(),
    issuer: z.string(),
    adapter: z.string(),
    method: z.string(),
    mobile: z.string(),
    evidenceId: z.string().nullable(),
    statuses: z.array(StatusEntry),
  })
  .meta({ id: 'IdentificationStatus' });
export type IdentificationStatus = z.infer<typeof IdentificationStatus>;

/** Idempotency keys: printable ASCII, bounded (as Stripe and the IETF draft do). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { message: 'Must be 1 to 255 printable ASCII characters.' });
export const IdempotencyHeader = z.object({ 'Idempotency-Key': IdempotencyKey.optional() });

// ---------------------------------------------------------------- parsing

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: [...issue.path, k].join('.'), message: 'Unknown field.' }));
    }
    return [{ field: issue.path.join('.') || '(body)', message: issue.message }];
  });
}

/** Parses or throws a 400 problem listing every invalid field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}
