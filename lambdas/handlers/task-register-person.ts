/** State machine task: write the registration (verify turns positive) and append terms-accepted. */

import { requiredEnv } from '../adapters/env.js';
import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { logger } from '../adapters/logger.js';
import { taskHandler } from '../http/task.js';
import { registerPerson } from '../usecases/registration.js';

const deps = { ...lifecycleDeps(), serialNumberKey: requiredEnv('SERIAL_NUMBER_KEY') };

export const handler = taskHandler('task-register-person', async (event: { refId: string }) => {
  await registerPerson(deps, event);
  logger.info('person registered');
  return { refId: event.refId };
});
