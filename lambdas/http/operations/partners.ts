/** The identification partners' routes: signed status events and evidence, the order tokens' keys, introspection. */

import { IntrospectionResponse } from '../../core/introspection-response.js';
import { IntrospectionRequest } from '../../core/introspection-schemas.js';
import * as z from '../../core/zod.js';
import { type Operation, problem } from './spec.js';

/** The acknowledgement of a partner's status event or evidence import. */
const IspMessageAck = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      refId: z.string(),
      outcome: z.enum(['applied', 'duplicate', 'stale']),
      status: z.string(),
      evidenceId: z.optional(z.nullable(z.string())),
    })
    .register(z.globalRegistry, {
      id: 'IspMessageAck',
      description: 'Applied, duplicate and stale messages alike are acknowledged: do not retry them.',
    }),
);

const JsonWebKeySet = /* @__PURE__ */ z.define(() =>
  z
    .object({ keys: z.array(z.record(z.string(), z.unknown())) })
    .register(z.globalRegistry, { id: 'JsonWebKeySet', description: 'RFC 7517 JWK Set (public keys only).' }),
);

const COMPACT_JWS = {
  type: 'string',
  description: 'A compact JWS (RFC 7515) signed with one of the partner’s registered keys.',
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
};
export const PARTNER_OPERATIONS: Record<string, Operation> = {
  'POST /isp/v1/events': {
    requestMediaType: 'application/jose',
    requestSchema: COMPACT_JWS,
    description: 'See the partner contract (docs/isp-integration.md) for the signed claims.',
    responses: {
      '200': { description: 'Acknowledged.', schema: IspMessageAck },
      '401': problem('The signature, issuer, time window or message id is not accepted.'),
      '404': problem('The partner has no identification order with this refId.'),
      '409': problem('The event is not allowed in the order’s current state.'),
    },
  },
  'POST /isp/v1/evidence': {
    requestMediaType: 'application/jose',
    requestSchema: COMPACT_JWS,
    description: 'See the partner contract (docs/isp-integration.md) for the signed evidence.',
    responses: {
      '200': { description: 'Acknowledged.', schema: IspMessageAck },
      '401': problem('The signature, issuer, time window or message id is not accepted.'),
      '404': problem('The partner has no identification order with this refId.'),
      '409': problem('Other evidence was imported before, or the order cannot take evidence now.'),
      '422': problem('The evidence does not fit the order (method, LoA, jurisdictions).'),
    },
  },
  'GET /isp/v1/jwks.json': {
    responses: { '200': { description: 'The order tokens’ public keys.', schema: JsonWebKeySet } },
  },
  'POST /oauth2/introspect': {
    request: IntrospectionRequest,
    requestMediaType: 'application/x-www-form-urlencoded',
    responses: {
      '200': {
        description:
          'RFC 7662: the full answer for an order token addressed to the calling partner or an access token of the calling client; {"active": false} for anything else.',
        schema: IntrospectionResponse,
      },
    },
  },
};
