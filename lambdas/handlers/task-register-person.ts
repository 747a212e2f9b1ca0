/** State machine task: write the registration (verify turns positive) and append terms-accepted. */

import { registrationTableStores } from '../adapters/aws-clients.js';
import { requiredEnv } from '../adapters/env.js';
import { logger } from '../adapters/logger.js';
import { buildMetricsAtColdStart, lifecycleMetrics } from '../adapters/metrics.js';
import { taskHandler } from '../http/task.js';
import { registerPerson } from '../usecases/registration.js';

// It counts on nearly every call: the metrics instance is built at cold start (adapters/metrics.ts).
buildMetricsAtColdStart();

// No Step Functions client: this task completes no callback, the state machine goes on by itself.
const deps = {
  repository: registrationTableStores(),
  metrics: lifecycleMetrics,
  serialNumberKey: requiredEnv('SERIAL_NUMBER_KEY'),
};

export const handler = taskHandler('task-register-person', async (event: { refId: string }) => {
  await registerPerson(deps, event);
  logger.info('person registered');
  return { refId: event.refId };
});
