/**
 * The webhook API's requests (`/api/webhooks…`), apart from its answers (webhook-api.ts): the
 * webhooks function loads this module by `import()` — to validate a registration's body, or to
 * refuse path and query parameters that the zod-free readers of webhooks.ts leave (core/parse.ts
 * TwoStepRule) — so that a cold start evaluates no zod (docs/benchmarks.md §3).
 */
import { namedTwice, namesEachOnce } from './named-once.js';
import { DELIVERIES_LIMIT, MESSAGE_ID, STATUS_CHANGED, WEBHOOK_EVENT_TYPES } from './webhooks.js';
import * as z from './zod.js';

export { MESSAGE_ID };

export const webhookEventType = /* @__PURE__ */ z.define(() => z.enum(WEBHOOK_EVENT_TYPES));

export const CreateWebhookRequest = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      url: z.string().check(z.minLength(1), z.maxLength(2048)),
      events: z.optional(
        z
          .array(webhookEventType)
          .check(
            z.minLength(1),
            z.maxLength(WEBHOOK_EVENT_TYPES.length),
            z.refine(namesEachOnce, { error: namedTwice('an event') }),
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
        .check(z.regex(DELIVERIES_LIMIT, { error: 'Must be a whole number from 1 to 100.' }))
        .register(z.globalRegistry, { description: 'How many deliveries, newest first (default 50).' }),
    ),
  }),
);
