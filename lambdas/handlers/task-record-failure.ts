/** State machine task: a step failed for good — record on the order why its lifecycle ended. */
import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { logger } from '../adapters/logger.js';
import { recordFailure } from '../usecases/workflow-tasks.js';

const deps = lifecycleDeps();

export const handler = async (event: { refId: string; error?: { Error?: string; Cause?: string } }) => {
  const result = await recordFailure(deps, event);
  logger.error('identification failed', {
    refId: event.refId,
    error: event.error?.Error,
    outcome: result.outcome,
  });
  return result;
};
