/**
 * GET /api/identifications/{refId}/identification-data — the verified person data (OIDC4IDA
 * `verified_claims`) with its evidence, for the SP that owns the order and has an AML contract
 * with the order's partner. Every grant and refusal is recorded for the operator.
 */

import { amlDataTableStores } from '../adapters/aws-clients.js';
import { ispAdapterFor } from '../adapters/isp/registry.js';
import { httpHandler, json } from '../http/handler.js';
import { refIdOf } from '../http/ref-id-path.js';
import { callerClientId } from '../http/request.js';
import { getIdentificationData } from '../usecases/identification-data.js';

const deps = { repository: amlDataTableStores(), adapterFor: ispAdapterFor };

export const handler = httpHandler('identification-data', async (event) => {
  const clientId = callerClientId(event);
  const refId = await refIdOf(event);
  return json(200, await getIdentificationData(deps, { clientId, refId }));
});
