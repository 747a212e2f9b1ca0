/** POST /api/identifications — start an identification; answers the URL to send the person to. */

import { partnerOrderTableStores } from '../adapters/aws-clients.js';
import { requiredEnv, requiredPublicBaseUrl, stageAllowsLoopbackHttp } from '../adapters/env.js';
import { buildMetricsAtColdStart, identificationStarted } from '../adapters/metrics.js';
import { assertOrderTokenKeysConfigured } from '../adapters/order-token-keys.js';
import { partnerOrderDeps } from '../adapters/partner-order-deps.js';
import { StepFunctionsWorkflow, sfnClient } from '../adapters/workflow/step-functions.js';
import {
  type StartIdentificationRequest,
  wellFormedIdempotencyHeader,
  wellFormedStartRequest,
} from '../core/identification-request.js';
import { parseTwoStepOrThrow, type TwoStepRule } from '../core/parse.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, jsonBodyTwoStep, singleHeaderOf } from '../http/request.js';
import { startIdentification } from '../usecases/start-identification.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here
assertOrderTokenKeysConfigured(true);

// It counts on nearly every call: the metrics instance is built at cold start (adapters/metrics.ts).
buildMetricsAtColdStart();

const deps = {
  repository: partnerOrderTableStores(),
  workflow: new StepFunctionsWorkflow(sfnClient(), requiredEnv('STATE_MACHINE_ARN')),
  ...partnerOrderDeps(),
};

/**
 * The body and the Idempotency-Key are read without zod when well-formed, as nearly every start's
 * are; the schemas are loaded to judge any other (ADR 0020, docs/benchmarks.md §3).
 */
const startRequest: TwoStepRule<StartIdentificationRequest> = {
  wellFormed: wellFormedStartRequest,
  schema: async () => (await import('../core/identification-request-schema.js')).StartIdentificationRequest,
};
const idempotencyHeader: TwoStepRule<{ 'Idempotency-Key'?: string | undefined }> = {
  wellFormed: wellFormedIdempotencyHeader,
  schema: async () => (await import('../core/identification-request-schema.js')).IdempotencyHeader,
};

export const handler = httpHandler('identification-start', async (event) => {
  const clientId = callerClientId(event);
  const { 'Idempotency-Key': idempotencyKey } = await parseTwoStepOrThrow(idempotencyHeader, {
    'Idempotency-Key': singleHeaderOf(event, 'Idempotency-Key'),
  });
  const request = await jsonBodyTwoStep(event, startRequest);
  const result = await startIdentification(deps, {
    clientId,
    request,
    idempotencyKey,
    serviceBaseUrl: requiredPublicBaseUrl(),
    allowLoopbackHttp: stageAllowsLoopbackHttp(),
  });
  if (!result.replayed) identificationStarted(request);
  return json(result.statusCode, result.body, {
    Location: `/api/identifications/${result.body.refId}`,
    ...(result.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
  });
});
