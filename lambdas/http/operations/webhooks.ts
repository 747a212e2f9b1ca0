/** The SP's webhook endpoints: register, list, delete, rotate the secret, test, the delivery log, redeliver. */
import * as W from '../../core/webhook-api.js';
import { type LinkSpec, type Operation, problem } from './spec.js';

const WEBHOOK_NOT_YOURS = problem('The caller has no webhook endpoint with this id.');

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

export const WEBHOOK_OPERATIONS: Record<string, Operation> = {
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
};
