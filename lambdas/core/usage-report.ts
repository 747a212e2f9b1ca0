/**
 * The SP's own view of its usage (GET /api/usage): the query read and the answer made, without zod —
 * the function builds no schema at cold start (docs/benchmarks.md §3). The schemas (OpenAPI, and the
 * refusal of a query this module cannot vouch for): usage-report-schemas.ts.
 */

import { requiredMessage } from './field-messages.js';
import { UNKNOWN_FIELD } from './parse.js';
import type { FieldError } from './problems.js';
import type { Statement } from './statement.js';
import { MONTH, monthOf, type SpUsage } from './usage.js';
import type { UsageQuery, UsageReport } from './usage-report-schemas.js';

/** `UsageMonth`'s error for a month that is no YYYY-MM from 2000-01 to 2099-12. */
export const USAGE_MONTH_INVALID = 'Must be a month YYYY-MM between 2000-01 and 2099-12.';

/**
 * The query when it is certainly what UsageQuery accepts — exactly `month`, a month YYYY-MM — as
 * UsageQuery returns it; undefined for anything else, which the schema then refuses (or accepts).
 */
export function wellFormedUsageQuery(params: Readonly<Record<string, unknown>>): UsageQuery | undefined {
  const { month, ...others } = params;
  if (typeof month !== 'string' || !MONTH.test(month) || Object.keys(others).length) return undefined;
  return { month };
}

/**
 * The field errors `UsageQuery` (`z.strictObject({ month: UsageMonth })`) gives query parameters
 * (strings, each given once), without zod: the month's when it is missing or no month, then one
 * `Unknown field.` per other parameter, in their order; none for what the schema accepts. The
 * second step of usage-get's rule, so that the function carries no zod
 * (test/unit/two-step-rules.test.ts holds it to the schema).
 */
export function usageQueryRefusal(params: Readonly<Record<string, unknown>>): FieldError[] {
  const { month } = params;
  return [
    ...(month === undefined
      ? [{ field: 'month', message: requiredMessage('a string', USAGE_MONTH_INVALID) }]
      : []),
    ...(typeof month === 'string' && !MONTH.test(month)
      ? [{ field: 'month', message: USAGE_MONTH_INVALID }]
      : []),
    ...Object.keys(params)
      .filter((name) => name !== 'month')
      .map((field) => ({ field, message: UNKNOWN_FIELD })),
  ];
}

/** The month's error when it lies after the current one. */
export const USAGE_MONTH_NOT_BEGUN =
  'Must not be after the current month (UTC): a month that has not begun has no usage and no statement yet.';

/**
 * The field error for a month after the one `now` lies in, in UTC — the months usage is recorded in
 * (`monthOf` of a UTC timestamp) — none for the current month and earlier ones. A month to come would
 * answer a statement of monthly fees for a month nobody has used, which an SP's invoicing cannot tell
 * from a real one; the current month is the statement so far. Not part of UsageQuery: it depends on
 * the clock, which a schema (and the OpenAPI document it makes) does not read.
 */
export function usageMonthNotBegun(month: string, now: Date): FieldError[] {
  // YYYY-MM strings compare in calendar order.
  return month > monthOf(now.toISOString()) ? [{ field: 'month', message: USAGE_MONTH_NOT_BEGUN }] : [];
}

export function toUsageReport(usage: SpUsage, statement: Statement): UsageReport {
  return {
    month: usage.month,
    clientId: usage.clientId,
    identifications: usage.identifications,
    verify: usage.verify,
    statement: {
      monthlyFeeMethods: statement.monthlyFeeMethods,
      priceSheetFrom: statement.priceSheetFrom,
      currency: statement.currency,
      charges: statement.charges,
      total: statement.total,
    },
  };
}
