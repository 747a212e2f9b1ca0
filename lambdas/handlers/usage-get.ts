/** GET /api/usage?month=YYYY-MM — the calling SP's own usage and statement for one month. */

import { usageTableStores } from '../adapters/aws-clients.js';
import type { TwoStepRule } from '../core/parse.js';
import { problems } from '../core/problems.js';
import { toUsageReport, wellFormedUsageQuery } from '../core/usage-report.js';
import type { UsageQuery } from '../core/usage-report-schemas.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, queryParamsTwoStep } from '../http/request.js';
import { monthlyUsage } from '../usecases/monthly-usage.js';

const repository = usageTableStores();

/** A good query is read without zod; the schema is loaded to judge any other (docs/benchmarks.md §3). */
const usageQuery: TwoStepRule<UsageQuery> = {
  wellFormed: wellFormedUsageQuery,
  schema: async () => (await import('../core/usage-query-schema.js')).UsageQuery,
};

export const handler = httpHandler('usage-get', async (event) => {
  const clientId = callerClientId(event);
  const { month } = await queryParamsTwoStep(event, usageQuery);
  const found = await monthlyUsage(repository, clientId, month);
  if (!found) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
  return json(200, toUsageReport(found.usage, found.statement));
});
