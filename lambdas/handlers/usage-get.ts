/** GET /api/usage?month=YYYY-MM — the calling SP's own usage and statement for one month. */

import { usageTableStores } from '../adapters/aws-clients.js';
import type { SelfRefusingRule } from '../core/parse.js';
import { problems } from '../core/problems.js';
import {
  toUsageReport,
  usageMonthNotBegun,
  usageQueryRefusal,
  wellFormedUsageQuery,
} from '../core/usage-report.js';
import type { UsageQuery } from '../core/usage-report-schemas.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, queryParamsTwoStep } from '../http/request.js';
import { monthlyUsage } from '../usecases/monthly-usage.js';

const repository = usageTableStores();

/**
 * A good query is read without zod, any other refused with UsageQuery's field errors without it
 * either: the function carries no zod (core/parse.ts SelfRefusingRule, docs/benchmarks.md §3).
 */
const usageQuery: SelfRefusingRule<UsageQuery> = {
  wellFormed: wellFormedUsageQuery,
  refusal: usageQueryRefusal,
};

export const handler = httpHandler('usage-get', async (event) => {
  const clientId = callerClientId(event);
  const { month } = await queryParamsTwoStep(event, usageQuery);
  const notBegun = usageMonthNotBegun(month, new Date());
  if (notBegun.length) throw problems.validation(notBegun);
  const found = await monthlyUsage(repository, clientId, month);
  if (!found) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
  return json(200, toUsageReport(found.usage, found.statement));
});
