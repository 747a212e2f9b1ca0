/**
 * The identification's requests and answers: the start call (POST /api/identifications, with its
 * Idempotency-Key) and the status an SP reads.
 */

import { issuerName, jurisdiction, methodName } from './catalogue-fields.js';
import { DISTINGUISHED_NAME_MAX } from './dn.js';
import { LANGUAGES, matchesSafeText } from './domain.js';
import { mustBe } from './field-messages.js';
import { loa, safeText } from './fields.js';
import {
  IDEMPOTENCY_KEY,
  REDIRECT_URL_MAX,
  redirectUrlProblem,
  STATE_MAX,
} from './identification-request.js';
import { e164, emailAddress, pastDate, personName } from './person-fields.js';
import * as z from './zod.js';

const redirectUrl = /* @__PURE__ */ z.define(() =>
  z.url({ protocol: /^https?$/, ...mustBe('an absolute http(s) URL') }).check(
    z.maxLength(REDIRECT_URL_MAX),
    // Written into the pages' "back" link and stored as sent: a NUL, a bidi override or a lone
    // surrogate (which storage turns into U+FFFD, another URL) is refused as in free text. A refine,
    // not z.regex, whose pattern would take the place of the document's `format: uri`.
    z.refine((u) => matchesSafeText(u), { error: 'Must not contain control or format characters.' }),
    z.superRefine((u, ctx) => {
      // z.url has refused what does not parse; the rule judges the parsed URL, not its text.
      const url = URL.parse(u);
      const problem = url === null ? undefined : redirectUrlProblem(url);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: u });
    }),
    z.meta({
      description:
        'Where the person returns after the identification: https, or http to localhost, 127.0.0.1 or [::1] only (the local stack and the test stages; never production); no user name or password; no control or format characters.',
    }),
  ),
);

export const StartIdentificationRequest = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      dob: pastDate.check(z.meta({ examples: ['1978-02-28'] })),
      email: emailAddress,
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
      state: z.optional(safeText(STATE_MAX)),
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
    )
    .register(z.globalRegistry, {
      id: 'StartIdentificationRequest',
      description:
        'The white paper’s six fields start an identification whose method the person chooses on the service’s page; with `issuer` and `method` (from the catalogue) the person goes straight to the partner.',
      dependentRequired: { issuer: ['method'], method: ['issuer'] },
    }),
);
export type StartIdentificationRequest = z.infer<typeof StartIdentificationRequest>;

export const StartIdentificationResponse = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      refId: z.uuid(),
      error: z.null(),
      targetURL: z.url(),
      expiresAt: z.iso.datetime(),
    })
    .register(z.globalRegistry, { id: 'StartIdentificationResponse' }),
);
export type StartIdentificationResponse = z.infer<typeof StartIdentificationResponse>;

export const StatusEntry = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      status: z.string().register(z.globalRegistry, {
        examples: ['created', 'initialized', 'waiting-for-doc', 'data-ready'],
      }),
      date: z.iso.datetime(),
      reason: z.nullable(z.string()),
      kind: z
        .nullable(z.string())
        .register(z.globalRegistry, { description: 'For `cancelled`: user, isp, unsuccessful or expired.' }),
    })
    .register(z.globalRegistry, { id: 'StatusEntry' }),
);

export const IdentificationStatus = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      refId: z.string(),
      orderId: z.string(),
      issuer: z
        .nullable(z.string())
        .register(z.globalRegistry, { description: 'Null until the person chose a method.' }),
      adapter: z
        .nullable(z.string())
        .register(z.globalRegistry, { description: 'Null until the person chose a method.' }),
      method: z
        .nullable(z.string())
        .register(z.globalRegistry, { description: 'Null until the person chose a method.' }),
      mobile: z.string(),
      evidenceId: z.nullable(z.string()),
      statuses: z.array(StatusEntry),
      distinguishedName: z
        .optional(z.string().check(z.maxLength(DISTINGUISHED_NAME_MAX)))
        .register(z.globalRegistry, {
          description:
            'Present once the person is registered (`terms-accepted`): the name to sign under and to ask the verify call about — the names as the partner identified them (or the pseudonym the person chose instead) and the home country. Absent before, and on identifications registered before the field existed.',
          examples: ['gn=Hans, sn=Müller, cn=Hans Müller, c=CH'],
        }),
    })
    .register(z.globalRegistry, { id: 'IdentificationStatus' }),
);
export type IdentificationStatus = z.infer<typeof IdentificationStatus>;

/** Idempotency keys: printable ASCII, bounded (IDEMPOTENCY_KEY, identification-request.ts). */
export const IdempotencyKey = /* @__PURE__ */ z.define(() =>
  z.string().check(z.regex(IDEMPOTENCY_KEY, { error: 'Must be 1 to 255 printable ASCII characters.' })),
);
export const IdempotencyHeader = /* @__PURE__ */ z.define(() =>
  z.object({ 'Idempotency-Key': z.optional(IdempotencyKey) }),
);
