/**
 * The price sheet an SP setup carries (the operator's configuration, checked when it is seeded): its
 * schema apart from statement.ts, which prices with it, so that the usage route builds no zod schema
 * to price a month.
 */
import { METHOD_NAME } from './domain.js';
import * as z from './zod.js';

/** A price in the sheet's currency with at most two decimals, e.g. "12.50". */
const amount = /* @__PURE__ */ z.define(() =>
  z.string().check(z.regex(/^\d{1,9}(\.\d{1,2})?$/, { error: 'Must be an amount like 12.50.' })),
);
/** Prices by method name; `default` for the methods not named. */
const byMethod = /* @__PURE__ */ z.define(() =>
  z.record(z.string().check(z.regex(new RegExp(`^(default|${METHOD_NAME.source.slice(1, -1)})$`))), amount),
);

/**
 * What the SP pays: a monthly fee for each method enabled for it, a price per completed
 * identification (terms accepted) and, if any, per verify call under its claimed identities.
 */
export const PriceSheetSchema = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'Must be an ISO 4217 code like CHF.' })),
    monthlyFee: z._default(byMethod, {}),
    completedIdentification: z._default(byMethod, {}),
    verifyCall: z.optional(amount),
  }),
);
export type PriceSheet = z.output<typeof PriceSheetSchema>;
