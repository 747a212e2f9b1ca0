/**
 * The webhook API's answers (`/api/webhooks…`) for the OpenAPI document, and its requests
 * (webhook-requests.ts, re-exported here). The functions build none of these answers: they shape
 * them with webhook-views.ts.
 */
import { webhookEventType as eventType } from './webhook-requests.js';
import * as z from './zod.js';

export {
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryParams,
  MESSAGE_ID,
  WebhookIdParam,
} from './webhook-requests.js';

// ------------------------------------------------------------------ responses

const WebhookView = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    id: z.uuid(),
    url: z.string(),
    events: z.array(eventType),
    createdAt: z.iso.datetime(),
  }),
);
export const WebhookResponse = /* @__PURE__ */ z.define(() => WebhookView.check(z.meta({ id: 'Webhook' })));
export const WebhookList = /* @__PURE__ */ z.define(() =>
  z.array(WebhookView).register(z.globalRegistry, { id: 'WebhookList' }),
);
export const WebhookCreated = /* @__PURE__ */ z.define(() =>
  z.strictObject({ ...WebhookView.shape, secret: z.string() }).register(z.globalRegistry, {
    id: 'WebhookCreated',
    description: 'The secret is shown in this answer only.',
  }),
);
export const SecretRotated = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({ id: z.uuid(), secret: z.string(), previousSecretExpiresAt: z.nullable(z.iso.datetime()) })
    .register(z.globalRegistry, { id: 'WebhookSecretRotated' }),
);
export const TestDeliveryResult = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      messageId: z.string(),
      delivered: z.boolean(),
      statusCode: z.nullable(z.number()),
      error: z.nullable(z.string()),
    })
    .register(z.globalRegistry, { id: 'WebhookTestResult' }),
);
const DeliveryView = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    messageId: z.string(),
    refId: z.uuid(),
    sequence: z.number(),
    type: z.string(),
    state: z.enum(['pending', 'delivered', 'failed', 'dropped']),
    attempts: z.number(),
    lastStatusCode: z.nullable(z.number()),
    lastError: z.nullable(z.string()),
    lastAttemptAt: z.nullable(z.iso.datetime()),
    nextAttemptAt: z.nullable(z.iso.datetime()),
    deliveredAt: z.nullable(z.iso.datetime()),
    createdAt: z.iso.datetime(),
  }),
);
export const DeliveryList = /* @__PURE__ */ z.define(() =>
  z.array(DeliveryView).register(z.globalRegistry, { id: 'WebhookDeliveryList' }),
);
export const RedeliveryAccepted = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({ messageId: z.string(), state: z.literal('pending') })
    .register(z.globalRegistry, { id: 'WebhookRedelivery' }),
);
