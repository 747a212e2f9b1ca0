/** State machine task: send the SMS with the single-use terms link, once per order. */

import { tableRepository } from '../adapters/aws-clients.js';
import { retryingTransientErrors } from '../adapters/aws-errors.js';
import { optionalEnv, requiredEnv } from '../adapters/env.js';
import { logger } from '../adapters/logger.js';
import { SnsSmsSender, snsClient } from '../adapters/sms.js';
import { sendTermsSms } from '../usecases/terms-sms.js';

const deps = {
  repository: tableRepository(),
  sms: new SnsSmsSender(snsClient(), optionalEnv('SMS_SENDER_ID')),
  publicBaseUrl: requiredEnv('PUBLIC_BASE_URL').replace(/\/$/, ''),
};

export const handler = retryingTransientErrors(
  async (event: { refId: string; termsTimeoutSeconds: number }) => {
    const result = await sendTermsSms(deps, event);
    logger.info('terms sms', { refId: event.refId, sent: result.sent });
    return result;
  },
);
