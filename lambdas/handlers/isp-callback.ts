/**
 * POST /isp/v1/events and POST /isp/v1/evidence — partners report status events and import the
 * evidence, each as a compact JWS signed with their registered key (body `application/jose`).
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { partnerOrderTableStores } from '../adapters/aws-clients.js';
import { type IspMessageKind, verifyIspMessage } from '../adapters/isp-message.js';
import { lifecycleMetricsOnDemand, partnerMessageRefusedOnDemand } from '../adapters/metrics-on-demand.js';
import { ispMessageDeps } from '../adapters/partner-message-deps.js';
import { sfnClient, TaskCallbacks } from '../adapters/workflow/step-functions.js';
import {
  type IspEventClaims,
  type IspEvidenceClaims,
  wellFormedIspEvent,
  wellFormedIspEvidence,
} from '../core/isp-messages.js';
import { parseTwoStepOrThrow, type TwoStepRule } from '../core/parse.js';
import { httpHandler, json } from '../http/handler.js';
import type { BodyRule } from '../http/request.js';
import { applyIspEvent, importEvidence } from '../usecases/partner-messages.js';

const deps = {
  repository: partnerOrderTableStores(),
  callbacks: new TaskCallbacks(sfnClient()),
  // Its counts are seldom (refusals, cancellations): the metrics load with the first (ADR 0023).
  metrics: lifecycleMetricsOnDemand,
};
const messageDeps = ispMessageDeps();
const JWS_BODY: BodyRule = {
  mediaType: /^application\/(jose|jwt)\s*(;|$)/i,
  mediaTypeHint: 'Send the message as a compact JWS with Content-Type application/jose.',
  maxBytes: 64 * 1024,
};

/**
 * The claims of each kind of message: read without zod when the reader can vouch for them (a
 * partner's good message), else judged by the schema, loaded only then (ADR 0020).
 */
const EVENT_CLAIMS: TwoStepRule<IspEventClaims> = {
  wellFormed: wellFormedIspEvent,
  schema: async () => (await import('../core/isp-message-schemas.js')).IspEventClaims,
};
const EVIDENCE_CLAIMS: TwoStepRule<IspEvidenceClaims> = {
  wellFormed: wellFormedIspEvidence,
  schema: async () => (await import('../core/isp-message-schemas.js')).IspEvidenceClaims,
};

const kindOf = (event: APIGatewayProxyEvent): IspMessageKind =>
  event.resource.endsWith('/evidence') ? 'evidence' : 'event';

export const handler = httpHandler(
  'isp-callback',
  async (event) => {
    const kind = kindOf(event);
    // Media type and size checked, the text decoded, by the chain's body rule.
    const body = event.body ?? '';
    const claims = await verifyIspMessage(body, kind, messageDeps);
    const { iss, iat: _iat, jti: _jti, exp: _exp, ...signed } = claims;
    const result =
      kind === 'event'
        ? await applyIspEvent(deps, iss, await parseTwoStepOrThrow(EVENT_CLAIMS, signed))
        : await importEvidence(deps, iss, await parseTwoStepOrThrow(EVIDENCE_CLAIMS, signed), body.trim());
    // Applied, duplicate and stale alike are acknowledged: the partner must not retry them.
    return json(200, result);
  },
  {
    body: JWS_BODY,
    // Counted when the partner is told no (4xx); a 503 asks it to send again.
    onRefused: async (problem, event) => {
      if (problem.status < 500) await partnerMessageRefusedOnDemand(kindOf(event), problem.slug);
    },
  },
);
