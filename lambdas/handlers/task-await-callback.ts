/** State machine task: park the callback task token on the order (evidence or terms). */

import { retryingTransientErrors } from '../adapters/aws-errors.js';
import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { logger } from '../adapters/logger.js';
import { awaitCallback } from '../usecases/workflow-tasks.js';

const deps = lifecycleDeps();

export const handler = retryingTransientErrors(
  async (event: { refId: string; waitFor: 'choice' | 'evidence' | 'terms'; taskToken: string }) => {
    logger.info('awaiting callback', { refId: event.refId, waitFor: event.waitFor });
    await awaitCallback(deps, event);
    return { refId: event.refId };
  },
);
