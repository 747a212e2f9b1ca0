/** State machine task: write the registration (verify turns positive) and append terms-accepted. */

import { retryingTransientErrors } from '../adapters/aws-errors.js';
import { requiredEnv } from '../adapters/env.js';
import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { logger } from '../adapters/logger.js';
import { registerPerson } from '../usecases/registration.js';

const deps = { ...lifecycleDeps(), serialNumberKey: requiredEnv('SERIAL_NUMBER_KEY') };

export const handler = retryingTransientErrors(async (event: { refId: string }) => {
  await registerPerson(deps, event);
  logger.info('person registered', { refId: event.refId });
  return { refId: event.refId };
});
