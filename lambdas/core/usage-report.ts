/**
 * The SP's own view of its usage (GET /api/usage): the query read and the answer made, without zod —
 * the function builds no schema at cold start (docs/benchmarks.md §3). The schemas (OpenAPI, and the
 * refusal of a query this module cannot vouch for): usage-report-schemas.ts.
 */

import type { Statement } from './statement.js';
import { MONTH, type SpUsage } from './usage.js';
import type { UsageQuery, UsageReport } from './usage-report-schemas.js';

/**
 * The query when it is certainly what UsageQuery accepts — exactly `month`, a month YYYY-MM — as
 * UsageQuery returns it; undefined for anything else, which the schema then refuses (or accepts).
 */
export function wellFormedUsageQuery(params: Readonly<Record<string, unknown>>): UsageQuery | undefined {
  const { month, ...others } = params;
  if (typeof month !== 'string' || !MONTH.test(month) || Object.keys(others).length) return undefined;
  return { month };
}

export function toUsageReport(usage: SpUsage, statement: Statement): UsageReport {
  return {
    month: usage.month,
    clientId: usage.clientId,
    identifications: usage.identifications,
    verify: usage.verify,
    statement: { currency: statement.currency, charges: statement.charges, total: statement.total },
  };
}
