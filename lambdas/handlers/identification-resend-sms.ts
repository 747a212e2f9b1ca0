/** POST /api/identifications/{refId}/terms-sms — the SP asks for the terms SMS again (rate limited). */

import { orderTableStores } from '../adapters/aws-clients.js';
import { optionalEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { SnsSmsSender, snsClient } from '../adapters/sms.js';
import { httpHandler, json } from '../http/handler.js';
import { refIdOf } from '../http/ref-id-path.js';
import { callerClientId, refuseBody } from '../http/request.js';
import { resendTermsSms } from '../usecases/terms-sms.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here

const deps = {
  repository: orderTableStores(),
  sms: new SnsSmsSender(snsClient(), optionalEnv('SMS_SENDER_ID')),
};

export const handler = httpHandler('identification-resend-sms', async (event) => {
  const clientId = callerClientId(event);
  const refId = await refIdOf(event);
  refuseBody(event);
  return json(
    202,
    await resendTermsSms({ ...deps, publicBaseUrl: requiredPublicBaseUrl() }, clientId, refId),
  );
});
