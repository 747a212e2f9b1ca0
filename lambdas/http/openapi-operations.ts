/**
 * What each route answers, for the OpenAPI document: its request, query and path parameters, every
 * status code its handler can answer with the schema and examples, and the links between operations.
 * Schemas only the edge validates (problems, acknowledgements, page queries) are defined here.
 */
import { SIGNATURE_NEED_KEYS } from '../core/demo-portal.js';
import { IdentificationData } from '../core/evidence.js';
import { IntrospectionRequest, IntrospectionResponse } from '../core/introspection.js';
import * as S from '../core/schemas.js';
import { SimulatorApiRequest } from '../core/test-isp.js';
import { UsageQuery, UsageReport } from '../core/usage-report.js';
import * as W from '../core/webhook-api.js';
import * as z from '../core/zod.js';
import { INIT_SCRIPT, SWAGGER_UI_FILES } from './api-reference.js';
import {
  PAPER_PROVIDERS_FILTERS,
  PAPER_START_BODY,
  PAPER_START_RESPONSE,
  PAPER_STATUS_RESPONSE,
  PAPER_TEST_ISP_ENTRY,
  PAPER_VERIFY_BODY,
  PAPER_VERIFY_RESPONSE,
} from './white-paper.js';

type Examples = Record<string, { summary: string; value: unknown }>;

export interface ResponseSpec {
  description: string;
  /** A JSON body of this schema; a problem+json body when neither schema nor html is given. */
  schema?: z.ZodMiniType;
  mediaTypes?: string[];
  /** An HTML page (the person's pages, the simulator's form). */
  html?: boolean;
  /** A redirect without a body (Location says where). */
  redirect?: boolean;
  /** OpenAPI links: operations this answer's values lead to (dropped where the route is absent). */
  links?: Record<string, LinkSpec>;
  /** No body at all (a 204). */
  empty?: boolean;
  examples?: Examples;
  headers?: Record<string, { description: string; schema: unknown }>;
}

/** A link to the operation of route key `to` ('GET /api/…'), its parameters as runtime expressions. */
export interface LinkSpec {
  to: string;
  parameters: Record<string, string>;
  description: string;
}

export interface Operation {
  request?: z.ZodMiniType;
  /** The request body's media type; application/json when absent. */
  requestMediaType?: string;
  /** A request body described by a plain JSON Schema (e.g. a compact JWS). */
  requestSchema?: Record<string, unknown>;
  requestExamples?: Examples;
  query?: z.ZodMiniObject;
  /** Query parameters that pre-fill the "try it" form. */
  queryExamples?: Record<string, string>;
  /** The path parameter's schema when it is not a UUID. */
  pathParameter?: Record<string, unknown>;
  /** Per path parameter, where a route has several and they differ. */
  pathParameters?: Record<string, Record<string, unknown>>;
  description?: string;
  responses: Record<string, ResponseSpec>;
}

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.optional(z.string()),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  })
  .check(z.meta({ id: 'Problem', description: 'RFC 9457 problem details.' }));

/** The acknowledgement of a partner's status event or evidence import. */
const IspMessageAck = z
  .strictObject({
    refId: z.string(),
    outcome: z.enum(['applied', 'duplicate', 'stale']),
    status: z.string(),
    evidenceId: z.optional(z.nullable(z.string())),
  })
  .check(
    z.meta({
      id: 'IspMessageAck',
      description: 'Applied, duplicate and stale messages alike are acknowledged: do not retry them.',
    }),
  );

const TermsSmsResent = z
  .strictObject({ refId: z.string(), sentAt: z.optional(z.string()), expiresAt: z.optional(z.string()) })
  .check(z.meta({ id: 'TermsSmsResent' }));

const JsonWebKeySet = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .check(z.meta({ id: 'JsonWebKeySet', description: 'RFC 7517 JWK Set (public keys only).' }));

const SimulatorAnswer = z
  .object({
    refId: z.string(),
    sent: z.array(z.record(z.string(), z.unknown())),
    notSent: z.optional(z.array(z.record(z.string(), z.unknown()))),
    orderStatus: z.string(),
  })
  .check(z.meta({ id: 'SimulatorAnswer' }));

const MethodChoiceQuery = z.strictObject({
  token: z.string().check(z.regex(/^[\w-]{20,100}$/), z.meta({ description: 'The link’s secret.' })),
});

const TermsPageQuery = z.strictObject({
  lang: z.optional(
    z.string().check(
      z.meta({
        description: 'The page’s language: en, de, fr or it (any other value: the order’s language).',
      }),
    ),
  ),
});

/** The terms page's form as its button sends it. */
const TermsAcceptanceForm = z.extend(S.TermsForm, {
  accept: z.literal('yes').check(z.meta({ description: 'The acceptance: the form’s hidden field.' })),
});

const COMPACT_JWS = {
  type: 'string',
  description: 'A compact JWS (RFC 7515) signed with one of the partner’s registered keys.',
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
};
const LINK_TOKEN = { type: 'string', pattern: '^[A-Za-z0-9_-]{20,100}$' };
export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};
export const problem = (description: string, headers?: ResponseSpec['headers']): ResponseSpec => ({
  description,
  ...(headers ? { headers } : {}),
});
const page = (description: string): ResponseSpec => ({ description, html: true });
const LOCATION = { Location: { description: 'Where to go next.', schema: { type: 'string' } } };
const seeOther = (description: string): ResponseSpec => ({ description, redirect: true, headers: LOCATION });
const NOT_YOURS = problem('No identification with this refId was started by the caller.');
const WEBHOOK_NOT_YOURS = problem('The caller has no webhook endpoint with this id.');

/** Where a refId in an answer leads: the SP's calls about the order, and the test stage's simulator. */
const refIdFromBody = { refId: '$response.body#/refId' };
const ORDER_LINKS: Record<string, LinkSpec> = {
  status: {
    to: 'GET /api/identifications/{refId}',
    parameters: refIdFromBody,
    description: 'The identification’s status.',
  },
  identificationData: {
    to: 'GET /api/identifications/{refId}/identification-data',
    parameters: refIdFromBody,
    description: 'The verified person data, once the evidence is imported (AML contract needed).',
  },
  termsSms: {
    to: 'POST /api/identifications/{refId}/terms-sms',
    parameters: refIdFromBody,
    description: 'The terms SMS again, once the identification waits for the acceptance.',
  },
  simulate: {
    to: 'POST /test-isp/api/orders/{refId}',
    parameters: refIdFromBody,
    description: 'Test stages: the Test-ISP simulator identifies the person (or not) for an order it has.',
  },
  simulatorForm: {
    to: 'GET /test-isp/orders/{refId}',
    parameters: refIdFromBody,
    description: 'Test stages: the simulator’s "Define Identity" form for the order.',
  },
};

/** Where a new webhook endpoint's id leads: managing it, testing it, its delivery log. */
const webhookIdFromBody = { id: '$response.body#/id' };
const WEBHOOK_LINKS: Record<string, LinkSpec> = {
  test: {
    to: 'POST /api/webhooks/{id}/test',
    parameters: webhookIdFromBody,
    description: 'A signed test message to the new endpoint.',
  },
  deliveries: {
    to: 'GET /api/webhooks/{id}/deliveries',
    parameters: webhookIdFromBody,
    description: 'The endpoint’s delivery log.',
  },
  rotateSecret: {
    to: 'POST /api/webhooks/{id}/rotate-secret',
    parameters: webhookIdFromBody,
    description: 'A new signing secret.',
  },
  delete: {
    to: 'DELETE /api/webhooks/{id}',
    parameters: webhookIdFromBody,
    description: 'Delete the endpoint.',
  },
};

/** What each route takes and answers, beyond what the route table and the shared layers say. */
export const OPERATIONS: Record<string, Operation> = {
  'POST /api/verify': {
    request: S.VerifyRequest,
    requestExamples: { paper: { summary: 'The white paper’s verify call', value: PAPER_VERIFY_BODY } },
    responses: {
      '200': {
        description: 'The person may sign as asked.',
        schema: S.VerifyResponse,
        examples: { paper: { summary: 'The white paper’s positive answer', value: PAPER_VERIFY_RESPONSE } },
      },
      '404': problem('Negative: no registration matches (the reason is never revealed).'),
      '429': problem('Too many requests from this address.', RETRY_AFTER),
    },
  },
  'GET /api/providers': {
    query: S.ProvidersQuery,
    queryExamples: PAPER_PROVIDERS_FILTERS,
    responses: {
      '200': {
        description: 'The methods available to the calling SP.',
        schema: S.ProviderList,
        mediaTypes: ['application/vnd.sc.miss.provider.v1+json', 'application/json'],
        examples: {
          paper: {
            summary: 'The white paper’s answer to its example filters',
            value: [PAPER_TEST_ISP_ENTRY],
          },
        },
      },
      '406': problem('The Accept header allows none of the offered media types.'),
    },
  },
  'POST /api/identifications': {
    request: S.StartIdentificationRequest,
    requestExamples: {
      paper: {
        summary: 'The white paper’s body: the person chooses the method on the service’s page',
        value: PAPER_START_BODY,
      },
      chosen: {
        summary: 'The paper’s body with the method chosen from the catalogue',
        value: { ...PAPER_START_BODY, issuer: 'Test-ISP', method: 'test' },
      },
    },
    responses: {
      '201': {
        description: 'The order is open; redirect the person to targetURL.',
        schema: S.StartIdentificationResponse,
        examples: { paper: { summary: 'The white paper’s answer', value: PAPER_START_RESPONSE } },
        links: ORDER_LINKS,
        headers: {
          Location: { description: 'The status of the new identification.', schema: { type: 'string' } },
          'Idempotent-Replayed': {
            description: '`true` when the answer is replayed for a repeated Idempotency-Key.',
            schema: { type: 'string', enum: ['true'] },
          },
        },
      },
      '403': problem('The caller has no service provider setup.'),
      '409': problem('A request with the same Idempotency-Key is still in progress.'),
      '422': problem('The Idempotency-Key was used with a different body.'),
      '502': problem('The identification partner refused the order.'),
      '503': problem('The identification partner is unavailable.', RETRY_AFTER),
    },
  },
  'GET /api/identifications/{refId}': {
    responses: {
      '200': {
        description: 'The identification and its status history.',
        schema: S.IdentificationStatus,
        examples: { paper: { summary: 'The white paper’s status answer', value: PAPER_STATUS_RESPONSE } },
      },
      '404': NOT_YOURS,
    },
  },
  'GET /api/identifications/{refId}/identification-data': {
    responses: {
      '200': {
        description: 'The verified person data (OIDC4IDA verified_claims) with its evidence.',
        schema: IdentificationData,
      },
      '403': problem('The caller has no AML contract with the partner of this identification.'),
      '404': NOT_YOURS,
      '409': problem('The identification has no evidence yet.'),
    },
  },
  'GET /api/usage': {
    query: UsageQuery,
    responses: {
      '200': { description: 'The calling SP’s usage and statement for the month.', schema: UsageReport },
      '403': problem('The calling client has no SP setup.'),
    },
  },
  'POST /api/webhooks': {
    request: W.CreateWebhookRequest,
    responses: {
      '201': {
        description: 'The endpoint, with its secret (shown this once).',
        schema: W.WebhookCreated,
        links: WEBHOOK_LINKS,
      },
      '409': problem('The URL is registered already, or the client has the most endpoints allowed.'),
    },
  },
  'GET /api/webhooks': {
    responses: { '200': { description: 'The caller’s endpoints (without secrets).', schema: W.WebhookList } },
  },
  'DELETE /api/webhooks/{id}': {
    responses: {
      '204': { description: 'Deleted.', empty: true },
      '404': WEBHOOK_NOT_YOURS,
    },
  },
  'POST /api/webhooks/{id}/rotate-secret': {
    responses: {
      '200': { description: 'The new secret (shown this once).', schema: W.SecretRotated },
      '404': WEBHOOK_NOT_YOURS,
      '409': problem('The endpoint changed meanwhile; try again.'),
    },
  },
  'POST /api/webhooks/{id}/test': {
    responses: {
      '200': {
        description: 'What the endpoint answered to a signed `webhook.test` message (also when it failed).',
        schema: W.TestDeliveryResult,
        links: {
          redeliver: {
            to: 'POST /api/webhooks/{id}/deliveries/{messageId}/redeliver',
            parameters: { id: '$request.path.id', messageId: '$response.body#/messageId' },
            description: 'The test message again.',
          },
        },
      },
      '404': WEBHOOK_NOT_YOURS,
    },
  },
  'GET /api/webhooks/{id}/deliveries': {
    query: W.DeliveriesQuery,
    responses: {
      '200': { description: 'The endpoint’s deliveries, newest first.', schema: W.DeliveryList },
      '404': WEBHOOK_NOT_YOURS,
    },
  },
  'POST /api/webhooks/{id}/deliveries/{messageId}/redeliver': {
    pathParameters: { messageId: { type: 'string', pattern: W.MESSAGE_ID.source } },
    responses: {
      '202': {
        description: 'Queued for delivery with a fresh retry schedule.',
        schema: W.RedeliveryAccepted,
      },
      '404': problem('No such endpoint of the caller, or no such message for it.'),
      '409': problem('An attempt is under way; try again.'),
    },
  },
  'POST /api/identifications/{refId}/terms-sms': {
    responses: {
      '202': { description: 'A new terms link is on its way; the old one is void.', schema: TermsSmsResent },
      '404': NOT_YOURS,
      '409': problem('The identification is not waiting for the person’s acceptance.'),
      '429': problem('The SMS was resent 3 times within the hour.', RETRY_AFTER),
    },
  },
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
  'GET /method-choice/{refId}': {
    query: MethodChoiceQuery,
    description:
      'The `targetURL` of an identification started without `issuer` and `method`: a page in the order’s language listing the methods the SP’s setup allows.',
    responses: {
      '200': page('The methods to choose from.'),
      '404': page('The link is not valid.'),
      '409': page('A method was already chosen (with a link to continue to the partner).'),
      '410': page('The identification expired or ended.'),
    },
  },
  'POST /method-choice/{refId}': {
    query: MethodChoiceQuery,
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: {
      type: 'object',
      properties: { method: { type: 'string', description: 'The chosen option: `<method>@<issuer>`.' } },
      additionalProperties: false,
    },
    responses: {
      '303': {
        description:
          'Chosen: the order is open with the partner; Location is the partner’s URL for the person.',
        html: true,
        headers: { Location: { description: 'The partner’s URL.', schema: { type: 'string' } } },
      },
      '400': page('Not one of the offered methods: the form again, the error next to the field.'),
      '403': problem('The form was posted from another site (Origin, Sec-Fetch-Site).'),
      '404': page('The link is not valid.'),
      '409': page('A method was already chosen, or a choice is being opened right now.'),
      '410': page('The identification expired or ended.'),
      '502': page('The partner refused the order: choose again.'),
      '503': page('The partner is not available: try again or choose another method.'),
    },
  },
  'GET /terms/{token}': {
    pathParameter: LINK_TOKEN,
    query: TermsPageQuery,
    responses: {
      '200': page('The terms of use in the order’s language, with the accept button.'),
      '404': page('The link is not valid.'),
      '410': page('The link was used or has expired.'),
    },
  },
  'POST /terms/{token}': {
    pathParameter: LINK_TOKEN,
    query: TermsPageQuery,
    request: TermsAcceptanceForm,
    requestMediaType: 'application/x-www-form-urlencoded',
    description:
      'The page’s own form: only `accept=yes`, sent once, form-encoded, from the page’s own site, records the acceptance.',
    responses: {
      '200': page('Accepted: the registration follows.'),
      '400': page(
        'Not accepted (no `accept=yes`, a field given twice, an invalid pseudonym): nothing recorded, the link stays usable.',
      ),
      '403': page('The form was posted from another site (Origin, Sec-Fetch-Site): nothing recorded.'),
      '404': page('The link is not valid.'),
      '409': page('A new version of the terms was published while the page was open: read it first.'),
      '410': page('The link was used or has expired.'),
    },
  },
  'GET /test-isp/orders/{refId}': {
    responses: {
      '200': page('The "Define Identity" form, prefilled from the order.'),
      '404': page('The Test-ISP has no order with this refId.'),
    },
  },
  'POST /test-isp/orders/{refId}': {
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: { type: 'object', additionalProperties: { type: 'string' } },
    responses: {
      '200': page('What the simulator sent to the service.'),
      '400': page('The form with an error next to each invalid field.'),
      '404': page('The Test-ISP has no order with this refId.'),
    },
  },
  'POST /test-isp/api/orders/{refId}': {
    request: SimulatorApiRequest,
    requestExamples: {
      dataReady: { summary: 'Identified, evidence imported', value: { status: 'data-ready' } },
    },
    responses: {
      '200': {
        description: 'What the simulator sent to the service.',
        schema: SimulatorAnswer,
        links: ORDER_LINKS,
      },
      '404': problem('The Test-ISP has no order with this refId.'),
      '502': problem('The service’s ISP callback could not be reached.'),
    },
  },
  // The demo signing portal: an SP stand-in's pages (test stages only); it calls this API itself.
  'GET /demo-portal': {
    responses: { '200': page('The sample document: name, mobile number and the signature it needs.') },
  },
  'POST /demo-portal': {
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: {
      type: 'object',
      description:
        'The first page’s form as a browser sends it: names and number are trimmed, the number may carry spaces, dots, slashes, brackets or a 00 prefix.',
      required: ['firstName', 'lastName', 'mobile', 'need'],
      properties: {
        firstName: { type: 'string' },
        lastName: { type: 'string' },
        mobile: { type: 'string' },
        need: { type: 'string', enum: SIGNATURE_NEED_KEYS },
      },
      additionalProperties: { type: 'string' },
    },
    responses: {
      '303': seeOther('Verify answered: to the methods (negative) or to "ready to sign" (positive).'),
      '400': page('The form with an error next to each invalid field.'),
      '403': page('The form was sent from another site.'),
      '502': page('The service could not be reached.'),
    },
  },
  'GET /demo-portal/methods': {
    responses: {
      '200': page('The catalogue’s methods, grouped by quality and legal area.'),
      '303': seeOther('No journey yet: to the portal’s first page.'),
    },
  },
  'POST /demo-portal/methods': {
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: { type: 'object', additionalProperties: { type: 'string' } },
    responses: {
      '303': seeOther('Started: to the targetURL (the partner, or the service’s method choice page).'),
      '400': page('The form with an error next to each invalid field; nothing started.'),
      '403': page('The form was sent from another site.'),
    },
  },
  'GET /demo-portal/status': {
    responses: {
      '200': page('The status timeline (the start call’s redirectUrl).'),
      '303': seeOther('No identification started yet.'),
      '404': page('The service knows no such identification of the portal.'),
    },
  },
  'GET /demo-portal/ready': {
    responses: {
      '200': page('Verify positive: ready to sign.'),
      '303': seeOther('Verify negative: to the methods.'),
    },
  },
  'GET /openapi.json': {
    responses: { '200': { description: 'This document.', schema: z.record(z.string(), z.unknown()) } },
  },
  'GET /docs': {
    responses: { '200': page('The interactive API reference.') },
  },
  'GET /docs/{asset}': {
    pathParameter: { type: 'string', enum: [...SWAGGER_UI_FILES, INIT_SCRIPT] },
    responses: {
      '200': {
        description: 'The file (JavaScript or CSS).',
        schema: z.string(),
        mediaTypes: ['text/javascript', 'text/css'],
      },
      '404': problem('No such file.'),
    },
  },
};
