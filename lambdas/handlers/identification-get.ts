/** GET /api/identifications/{refId} — status of an identification, for the SP that started it only. */

import { orderTableStores } from '../adapters/aws-clients.js';
import { toStatusView } from '../core/order.js';
import { httpHandler, json } from '../http/handler.js';
import { refIdOf } from '../http/ref-id-path.js';
import { callerClientId } from '../http/request.js';
import { orderOfClient } from '../usecases/order-access.js';

const repository = orderTableStores();

export const handler = httpHandler('identification-get', async (event) => {
  const clientId = callerClientId(event);
  const refId = await refIdOf(event);
  return json(200, toStatusView(await orderOfClient(repository, refId, clientId)));
});
