/**
 * /api/webhooks… — an SP manages its webhook endpoints (one function for the seven routes: they
 * share one table partition and the same permissions).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { webhookDeps } from '../adapters/webhook-deps.js';
import type { TwoStepRule } from '../core/parse.js';
import { canonicalUuid } from '../core/ref-id-format.js';
import {
  wellFormedDeliveriesQuery,
  wellFormedDeliveryParams,
  wellFormedWebhookIdParam,
} from '../core/webhooks.js';
import { httpHandler, json } from '../http/handler.js';
import {
  callerClientId,
  jsonBody,
  pathParamsTwoStep,
  queryParamsTwoStep,
  refuseBody,
} from '../http/request.js';
import * as webhooks from '../usecases/webhooks.js';

const deps = webhookDeps();

/**
 * The request schemas, loaded by the calls that need them: a registration's body, and parameters
 * the zod-free readers of core/webhooks.ts leave to be refused — so that a cold start evaluates no
 * zod (docs/benchmarks.md §3).
 */
const requests = () => import('../core/webhook-requests.js');

const webhookId: TwoStepRule<{ id: string }> = {
  wellFormed: wellFormedWebhookIdParam,
  schema: async () => (await requests()).WebhookIdParam,
};
const deliveryParams: TwoStepRule<{ id: string; messageId: string }> = {
  wellFormed: wellFormedDeliveryParams,
  schema: async () => (await requests()).DeliveryParams,
};
const deliveriesQuery: TwoStepRule<{ limit?: string | undefined }> = {
  wellFormed: wellFormedDeliveriesQuery,
  schema: async () => (await requests()).DeliveriesQuery,
};

const noContent = () => ({ statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' });

/** The route's endpoint id, in the lower case it is stored under (core/ref-id-format.ts canonicalUuid). */
const id = async (event: APIGatewayProxyEvent) =>
  canonicalUuid((await pathParamsTwoStep(event, webhookId)).id);

export const handler = httpHandler('webhooks', async (event) => {
  const clientId = callerClientId(event);
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'POST /api/webhooks':
      return json(
        201,
        await webhooks.createWebhook(
          deps,
          clientId,
          jsonBody(event, (await requests()).CreateWebhookRequest),
        ),
      );
    case 'GET /api/webhooks':
      return json(200, await webhooks.listWebhooks(deps, clientId));
    case 'DELETE /api/webhooks/{id}':
      await webhooks.deleteWebhook(deps, clientId, await id(event));
      return noContent();
    case 'POST /api/webhooks/{id}/rotate-secret': {
      const endpointId = await id(event);
      refuseBody(event);
      return json(200, await webhooks.rotateWebhookSecret(deps, clientId, endpointId));
    }
    case 'POST /api/webhooks/{id}/test': {
      const endpointId = await id(event);
      refuseBody(event);
      return json(200, await webhooks.testWebhook(deps, clientId, endpointId));
    }
    case 'GET /api/webhooks/{id}/deliveries': {
      const endpointId = await id(event);
      const { limit } = await queryParamsTwoStep(event, deliveriesQuery);
      return json(200, await webhooks.listDeliveries(deps, clientId, endpointId, Number(limit ?? 50)));
    }
    case 'POST /api/webhooks/{id}/deliveries/{messageId}/redeliver': {
      const params = await pathParamsTwoStep(event, deliveryParams);
      refuseBody(event);
      return json(202, await webhooks.redeliver(deps, clientId, canonicalUuid(params.id), params.messageId));
    }
    default:
      throw new Error(`Route not served by this function: ${event.resource}`);
  }
});
