/** State machine task: the wait timed out — the order ends cancelled/expired, or is registered if its acceptance was recorded in time. */

import { lifecycleTableStores } from '../adapters/aws-clients.js';
import { logger } from '../adapters/logger.js';
import { buildMetricsAtColdStart, lifecycleMetrics } from '../adapters/metrics.js';
import { taskHandler } from '../http/task.js';
import { expireOrder } from '../usecases/workflow-tasks.js';

// It counts on nearly every call: the metrics instance is built at cold start (adapters/metrics.ts).
buildMetricsAtColdStart();

const deps = { repository: lifecycleTableStores(), metrics: lifecycleMetrics };

export const handler = taskHandler('task-expire-order', async (event: { refId: string }) => {
  const result = await expireOrder(deps, event);
  logger.info('wait timed out', { outcome: result.outcome });
  return result;
});
