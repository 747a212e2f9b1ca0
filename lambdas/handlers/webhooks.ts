/**
 * /api/webhooks… — an SP manages its webhook endpoints (one function for the seven routes: they
 * share one table partition and the same permissions).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { webhookDeps } from '../adapters/webhook-deps.js';
import {
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryParams,
  WebhookIdParam,
} from '../core/webhook-api.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, jsonBody, pathParams, queryParams } from '../http/request.js';
import * as webhooks from '../usecases/webhooks.js';

const deps = webhookDeps();

const noContent = () => ({ statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' });

const id = (event: APIGatewayProxyEvent) => pathParams(event, WebhookIdParam).id;

export const handler = httpHandler('webhooks', async (event) => {
  const clientId = callerClientId(event);
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'POST /api/webhooks':
      return json(201, await webhooks.createWebhook(deps, clientId, jsonBody(event, CreateWebhookRequest)));
    case 'GET /api/webhooks':
      return json(200, await webhooks.listWebhooks(deps, clientId));
    case 'DELETE /api/webhooks/{id}':
      await webhooks.deleteWebhook(deps, clientId, id(event));
      return noContent();
    case 'POST /api/webhooks/{id}/rotate-secret':
      return json(200, await webhooks.rotateWebhookSecret(deps, clientId, id(event)));
    case 'POST /api/webhooks/{id}/test':
      return json(200, await webhooks.testWebhook(deps, clientId, id(event)));
    case 'GET /api/webhooks/{id}/deliveries': {
      const endpointId = id(event);
      const { limit } = queryParams(event, DeliveriesQuery);
      return json(200, await webhooks.listDeliveries(deps, clientId, endpointId, Number(limit ?? 50)));
    }
    case 'POST /api/webhooks/{id}/deliveries/{messageId}/redeliver': {
      const params = pathParams(event, DeliveryParams);
      return json(202, await webhooks.redeliver(deps, clientId, params.id, params.messageId));
    }
    default:
      throw new Error(`Route not served by this function: ${event.resource}`);
  }
});
