/**
 * The price sheets an SP setup carries (the operator's configuration, checked when it is seeded):
 * their schema apart from statement.ts, which prices with them, so that the usage route builds no
 * zod schema to price a month.
 */
import { METHOD_NAME } from './domain.js';
import { MONTH } from './usage.js';
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
 * As `priceSheet` (the form before price history) it prices every month.
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

const isMonth = (value: unknown): value is string => typeof value === 'string' && MONTH.test(value);

/** A price sheet and the first month (UTC) it prices. */
export type DatedPriceSheet = PriceSheet & { from: string };

/**
 * The SP's price history, oldest first: each sheet prices the months from its `from` until the next
 * sheet's (ADR 0025). One sheet per month, in order: a sheet out of place is refused rather than
 * sorted, since it is more likely a mistyped month than a meant one.
 */
export const PriceSheetsSchema = /* @__PURE__ */ z.define(() =>
  z
    .array(
      z.extend(PriceSheetSchema, {
        from: z
          .string()
          .check(z.regex(MONTH, { error: 'Must be a month YYYY-MM between 2000-01 and 2099-12.' })),
      }),
    )
    .check(
      z.minLength(1, { error: 'Must hold at least one price sheet (leave priceSheets out for none).' }),
      z.superRefine((sheets, ctx) => {
        sheets.forEach((sheet, i) => {
          const before = sheets[i - 1]?.from;
          // A malformed month has its own issue; ordered beside it, the sheet next to it would be
          // told to come after a month that is none (`2026-13`).
          if (i === 0 || !isMonth(sheet.from) || !isMonth(before)) return;
          if (sheet.from === before)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'from'],
              message: `Another price sheet is from ${before}: one sheet per month.`,
            });
          // YYYY-MM strings compare in calendar order.
          else if (sheet.from < before)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'from'],
              message: `Must be after the sheet before it (from ${before}): list the sheets oldest first.`,
            });
        });
      }),
    ),
);
