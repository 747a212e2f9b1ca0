/** GET /api/identifications/{refId} — status of an identification, for the SP that started it only. */

import { tableRepository } from '../adapters/aws-clients.js';
import { toStatusView } from '../core/order.js';
import { problems } from '../core/problems.js';
import { RefIdParam } from '../core/schemas.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, pathParams } from '../http/request.js';

const repository = tableRepository();

export const handler = httpHandler('identification-get', async (event) => {
  const clientId = callerClientId(event);
  const { refId } = pathParams(event, RefIdParam);
  const order = await repository.getOrder(refId);
  // Another SP's order is indistinguishable from one that does not exist.
  if (!order || order.clientId !== clientId) throw problems.notFound('No identification with this refId.');
  return json(200, toStatusView(order));
});
