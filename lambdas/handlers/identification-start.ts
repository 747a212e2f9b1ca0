/** POST /api/identifications — start an identification; answers the URL to send the person to. */

import { partnerOrderTableStores } from '../adapters/aws-clients.js';
import { requiredEnv } from '../adapters/env.js';
import { buildMetricsAtColdStart, identificationStarted } from '../adapters/metrics.js';
import { assertOrderTokenKeysConfigured } from '../adapters/order-token-keys.js';
import { partnerOrderDeps } from '../adapters/partner-order-deps.js';
import { StepFunctionsWorkflow, sfnClient } from '../adapters/workflow/step-functions.js';
import { IdempotencyHeader, StartIdentificationRequest } from '../core/identification-schemas.js';
import { parseOrThrow } from '../core/parse.js';
import { headerOf, httpHandler, json } from '../http/handler.js';
import { callerClientId, jsonBody, publicBaseUrl } from '../http/request.js';
import { startIdentification } from '../usecases/start-identification.js';

assertOrderTokenKeysConfigured(true);

// It counts on nearly every call: the metrics instance is built at cold start (adapters/metrics.ts).
buildMetricsAtColdStart();

const deps = {
  repository: partnerOrderTableStores(),
  workflow: new StepFunctionsWorkflow(sfnClient(), requiredEnv('STATE_MACHINE_ARN')),
  ...partnerOrderDeps(),
};

export const handler = httpHandler('identification-start', async (event) => {
  const clientId = callerClientId(event);
  const { 'Idempotency-Key': idempotencyKey } = parseOrThrow(IdempotencyHeader, {
    'Idempotency-Key': headerOf(event, 'idempotency-key'),
  });
  const request = jsonBody(event, StartIdentificationRequest);
  const result = await startIdentification(deps, {
    clientId,
    request,
    idempotencyKey,
    serviceBaseUrl: publicBaseUrl(event),
  });
  if (!result.replayed) identificationStarted(request);
  return json(result.statusCode, result.body, {
    Location: `/api/identifications/${result.body.refId}`,
    ...(result.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
  });
});
