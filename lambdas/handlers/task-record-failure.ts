/** State machine task: a step failed for good — record on the order why its lifecycle ended. */
import { lifecycleTableStores } from '../adapters/aws-clients.js';
import { logger } from '../adapters/logger.js';
import { buildMetricsAtColdStart, lifecycleMetrics } from '../adapters/metrics.js';
import { taskHandler } from '../http/task.js';
import { recordFailure } from '../usecases/workflow-tasks.js';

// It counts on nearly every call: the metrics instance is built at cold start (adapters/metrics.ts).
buildMetricsAtColdStart();

const deps = { repository: lifecycleTableStores(), metrics: lifecycleMetrics };

export const handler = taskHandler(
  'task-record-failure',
  async (event: { refId: string; error?: { Error?: string; Cause?: string } }) => {
    const result = await recordFailure(deps, event);
    // The error code only: the Cause may quote what the failed step was given.
    logger.error('identification failed', { error: event.error?.Error, outcome: result.outcome });
    return result;
  },
);
