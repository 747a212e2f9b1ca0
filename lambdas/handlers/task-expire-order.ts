/** State machine task: the wait timed out — the order ends cancelled/expired. */

import { retryingTransientErrors } from '../adapters/aws-errors.js';
import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { logger } from '../adapters/logger.js';
import { expireOrder } from '../usecases/workflow-tasks.js';

const deps = lifecycleDeps();

export const handler = retryingTransientErrors(async (event: { refId: string }) => {
  const result = await expireOrder(deps, event);
  logger.info('order expired', { refId: event.refId, outcome: result.outcome });
  return result;
});
