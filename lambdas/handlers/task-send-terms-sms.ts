/** State machine task: send the SMS with the single-use terms link, once per order. */

import { orderTableStores } from '../adapters/aws-clients.js';
import { optionalEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { logger } from '../adapters/logger.js';
import { SnsSmsSender, snsClient } from '../adapters/sms.js';
import { taskHandler } from '../http/task.js';
import { sendTermsSms } from '../usecases/terms-sms.js';

const deps = {
  repository: orderTableStores(),
  sms: new SnsSmsSender(snsClient(), optionalEnv('SMS_SENDER_ID')),
  publicBaseUrl: requiredPublicBaseUrl(),
};

export const handler = taskHandler(
  'task-send-terms-sms',
  async (event: { refId: string; termsTimeoutSeconds: number }) => {
    const result = await sendTermsSms(deps, event);
    logger.info('terms sms', { sent: result.sent });
    return result;
  },
);
