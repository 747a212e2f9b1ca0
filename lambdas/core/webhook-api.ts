/** The webhook API's requests and answers (`/api/webhooks…`), and the views of endpoints and deliveries. */
import {
  STATUS_CHANGED,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhooks.js';
import * as z from './zod.js';

const eventType = /* @__PURE__ */ z.define(() => z.enum(WEBHOOK_EVENT_TYPES));

export const CreateWebhookRequest = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      url: z.string().check(z.minLength(1), z.maxLength(2048)),
      events: z.optional(
        z.array(eventType).check(
          z.minLength(1),
          z.maxLength(WEBHOOK_EVENT_TYPES.length),
          z.refine((list) => new Set(list).size === list.length, { error: 'Must not repeat an event.' }),
        ),
      ),
    })
    .register(z.globalRegistry, {
      id: 'CreateWebhookRequest',
      examples: [{ url: 'https://sp.example/webhooks/srs', events: [STATUS_CHANGED] }],
    }),
);

export const WebhookIdParam = /* @__PURE__ */ z.define(() =>
  z.strictObject({ id: z.uuid({ error: 'Must be a UUID.' }) }),
);

export const MESSAGE_ID = /^msg_[0-9a-f]{32}_\d{1,3}$/;
export const DeliveryParams = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    id: z.uuid({ error: 'Must be a UUID.' }),
    messageId: z.string().check(z.regex(MESSAGE_ID, { error: 'Must be a message id (msg_…).' })),
  }),
);

export const DeliveriesQuery = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    limit: z.optional(
      z
        .string()
        .check(z.regex(/^(100|[1-9]\d?)$/, { error: 'Must be a whole number from 1 to 100.' }))
        .register(z.globalRegistry, { description: 'How many deliveries, newest first (default 50).' }),
    ),
  }),
);

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

export function toWebhookView(e: WebhookEndpoint): z.output<typeof WebhookResponse> {
  return { id: e.id, url: e.url, events: e.events, createdAt: e.createdAt };
}

export function toDeliveryView(d: WebhookDelivery): z.output<typeof DeliveryList>[number] {
  return {
    messageId: d.messageId,
    refId: d.refId,
    sequence: d.sequence,
    type: d.type,
    state: d.state,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.nextAttemptAt,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  };
}
