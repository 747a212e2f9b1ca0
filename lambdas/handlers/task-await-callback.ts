/** State machine task: park the callback task token on the order (evidence or terms). */

import { lifecycleTableStores } from '../adapters/aws-clients.js';
import { logger } from '../adapters/logger.js';
import { sfnClient, TaskCallbacks } from '../adapters/workflow/step-functions.js';
import { taskHandler } from '../http/task.js';
import { awaitCallback } from '../usecases/workflow-tasks.js';

// No metrics: parking a token changes no status (the order's version only).
const deps = { repository: lifecycleTableStores(), callbacks: new TaskCallbacks(sfnClient()) };

export const handler = taskHandler(
  'task-await-callback',
  async (event: { refId: string; waitFor: 'choice' | 'evidence' | 'terms'; taskToken: string }) => {
    // The task token is a secret of the execution: never logged.
    logger.info('awaiting callback', { waitFor: event.waitFor });
    await awaitCallback(deps, event);
    return { refId: event.refId };
  },
);
