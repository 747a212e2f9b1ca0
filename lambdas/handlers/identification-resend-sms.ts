/** POST /api/identifications/{refId}/terms-sms — the SP asks for the terms SMS again (rate limited). */

import { orderTableStores } from '../adapters/aws-clients.js';
import { optionalEnv } from '../adapters/env.js';
import { SnsSmsSender, snsClient } from '../adapters/sms.js';
import { RefIdParam } from '../core/ref-id.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, pathParams, publicBaseUrl } from '../http/request.js';
import { resendTermsSms } from '../usecases/terms-sms.js';

const deps = {
  repository: orderTableStores(),
  sms: new SnsSmsSender(snsClient(), optionalEnv('SMS_SENDER_ID')),
};

export const handler = httpHandler('identification-resend-sms', async (event) => {
  const clientId = callerClientId(event);
  const { refId } = pathParams(event, RefIdParam);
  return json(202, await resendTermsSms({ ...deps, publicBaseUrl: publicBaseUrl(event) }, clientId, refId));
});
