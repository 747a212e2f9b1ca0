/**
 * POST /isp/v1/events and POST /isp/v1/evidence — partners report status events and import the
 * evidence, each as a compact JWS signed with their registered key (body `application/jose`).
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { partnerOrderTableStores } from '../adapters/aws-clients.js';
import { type IspMessageKind, verifyIspMessage } from '../adapters/isp-message.js';
import { lifecycleMetrics, partnerMessageRefused } from '../adapters/metrics.js';
import { ispMessageDeps } from '../adapters/partner-message-deps.js';
import { sfnClient, TaskCallbacks } from '../adapters/workflow/step-functions.js';
import { IspEventClaims, IspEvidenceClaims } from '../core/evidence.js';
import { parseOrThrow } from '../core/parse.js';
import { httpHandler, json } from '../http/handler.js';
import type { BodyRule } from '../http/request.js';
import { applyIspEvent, importEvidence } from '../usecases/partner-messages.js';

const deps = {
  repository: partnerOrderTableStores(),
  callbacks: new TaskCallbacks(sfnClient()),
  metrics: lifecycleMetrics,
};
const messageDeps = ispMessageDeps();
const JWS_BODY: BodyRule = {
  mediaType: /^application\/(jose|jwt)\s*(;|$)/i,
  mediaTypeHint: 'Send the message as a compact JWS with Content-Type application/jose.',
  maxBytes: 64 * 1024,
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
        ? await applyIspEvent(deps, iss, parseOrThrow(IspEventClaims, signed))
        : await importEvidence(deps, iss, parseOrThrow(IspEvidenceClaims, signed), body.trim());
    // Applied, duplicate and stale alike are acknowledged: the partner must not retry them.
    return json(200, result);
  },
  {
    body: JWS_BODY,
    // Counted when the partner is told no (4xx); a 503 asks it to send again.
    onRefused: (problem, event) => {
      if (problem.status < 500) partnerMessageRefused(kindOf(event), problem.slug);
    },
  },
);
