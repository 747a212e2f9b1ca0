/** GET /api/usage?month=YYYY-MM — the calling SP's own usage and statement for one month. */

import { usageTableStores } from '../adapters/aws-clients.js';
import { problems } from '../core/problems.js';
import { toUsageReport, UsageQuery } from '../core/usage-report.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, queryParams } from '../http/request.js';
import { monthlyUsage } from '../usecases/monthly-usage.js';

const repository = usageTableStores();

export const handler = httpHandler('usage-get', async (event) => {
  const clientId = callerClientId(event);
  const { month } = queryParams(event, UsageQuery);
  const found = await monthlyUsage(repository, clientId, month);
  if (!found) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
  return json(200, toUsageReport(found.usage, found.statement));
});
