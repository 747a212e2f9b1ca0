/**
 * The webhook API's views of an endpoint and a delivery, without zod: the answers' schemas are in
 * webhook-api.ts, for the OpenAPI document only.
 */
import type { DeliveryList, WebhookResponse } from './webhook-api.js';
import type { WebhookDelivery, WebhookEndpoint } from './webhooks.js';
import type * as z from './zod.js';

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
