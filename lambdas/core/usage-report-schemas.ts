/**
 * The SP's own view of its usage (GET /api/usage): the query's and the answer's schemas, for the
 * OpenAPI document and for refusing a query with every invalid field listed. Reading a good query
 * and making the answer: usage-report.ts, which builds no schema.
 */
import { MONTH, USAGE_EVENTS, type UsageEvent } from './usage.js';
import { USAGE_MONTH_INVALID } from './usage-report.js';
import * as z from './zod.js';

export const UsageMonth = /* @__PURE__ */ z.define(() =>
  z
    .string()
    .check(z.regex(MONTH, { error: USAGE_MONTH_INVALID }))
    .register(z.globalRegistry, {
      description:
        'A calendar month in UTC, YYYY-MM, from 2000-01 to the current month: the current month answers the usage and statement so far, a later month is refused (400).',
      examples: ['2026-11'],
    }),
);

export const UsageQuery = /* @__PURE__ */ z.define(() =>
  z.strictObject({ month: UsageMonth }).register(z.globalRegistry, { id: 'UsageQuery' }),
);

const count = /* @__PURE__ */ z.define(() => z.number().check(z.int(), z.minimum(0)));
/** A month in an answer, YYYY-MM: the pattern a client may check it with. */
const answeredMonth = /* @__PURE__ */ z.define(() => z.string().check(z.regex(MONTH)));

export const UsageReport = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      month: answeredMonth,
      clientId: z.string(),
      identifications: z.array(
        z.strictObject({
          issuer: z.string(),
          method: z.string(),
          counts: z.strictObject(
            Object.fromEntries(USAGE_EVENTS.map((e) => [e, count])) as Record<UsageEvent, typeof count>,
          ),
        }),
      ),
      verify: z.array(
        z.strictObject({ claimedIdentity: z.string(), calls: count, positive: count, negative: count }),
      ),
      statement: z.strictObject({
        monthlyFeeMethods: z.enum(['enabled-that-month', 'offered-now']).register(z.globalRegistry, {
          description:
            'Which methods the monthly fees are for. enabled-that-month: the methods the SP had enabled on any day of this month, as its setup dates them — the statement of a month that has ended stays as it is when the SP’s setup changes. offered-now: the SP’s setup does not date its methods, and every month’s fees are for the methods it may use today.',
          examples: ['enabled-that-month'],
        }),
        priceSheetFrom: z.nullable(answeredMonth).register(z.globalRegistry, {
          description:
            'The month (YYYY-MM) from which the price sheet that priced this month applies: the latest of the SP’s price sheets that starts in or before this month. null when none does (the SP has no price sheet, or the month is before its first): the counts are answered, nothing is priced, and currency and total are null.',
          examples: ['2026-03'],
        }),
        currency: z.nullable(z.string()),
        charges: z.array(
          z.strictObject({
            item: z.enum(['monthly-fee', 'completed-identification', 'verify-call']),
            issuer: z.optional(z.string()),
            method: z.optional(z.string()),
            claimedIdentity: z.optional(z.string()),
            quantity: count,
            unitPrice: z.string(),
            amount: z.string(),
          }),
        ),
        total: z.nullable(z.string()),
      }),
    })
    .register(z.globalRegistry, {
      id: 'UsageReport',
      description:
        'The calling SP’s usage in one month (UTC): identification events per partner and method, verify calls per claimed identity, and the statement the price sheet in effect that month makes of them.',
    }),
);
export type UsageQuery = z.output<typeof UsageQuery>;
export type UsageReport = z.infer<typeof UsageReport>;
