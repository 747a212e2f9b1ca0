/**
 * The two ways `deliverWebhook` stops without sending, against the embedded DynamoDB: the SP deleted
 * the endpoint (the delivery is dropped for good), and another attempt — a manual redelivery —
 * claimed the delivery between this attempt's read and its claim (this one backs off).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from '../../lambdas/core/webhooks.js';
import type {
  DeliveryRef,
  SignedMessage,
  StoredDelivery,
  WebhookStore,
} from '../../lambdas/usecases/ports/webhooks.js';
import { type DeliveryDeps, deliverWebhook } from '../../lambdas/usecases/webhook-delivery.js';
import { startTableStore, type TableStore } from '../support/table.js';
import { pendingDelivery, T0 } from '../unit/fixtures.js';

let table: TableStore;

beforeAll(async () => {
  table = await startTableStore();
});

afterAll(async () => table.close());

const endpointOf = (clientId: string): WebhookEndpoint => ({
  id: randomUUID(),
  clientId,
  url: 'https://sp.example/hooks',
  events: [...WEBHOOK_EVENT_TYPES],
  createdAt: T0.toISOString(),
  secrets: [{ secret: 'whsec_first', createdAt: T0.toISOString() }],
});

const deliveryTo = (endpoint: WebhookEndpoint): StoredDelivery =>
  pendingDelivery({ endpointId: endpoint.id, clientId: endpoint.clientId });

/** Deps on the embedded table whose queue and transport record what they were asked to do. */
function depsOn(repository: WebhookStore) {
  const posted: SignedMessage[] = [];
  const queued: DeliveryRef[] = [];
  const deps: DeliveryDeps = {
    repository,
    queue: {
      enqueue: async (ref) => void queued.push(ref),
      deadLetter: async (ref) => void queued.push(ref),
    },
    transport: {
      post: async (_url, message) => {
        posted.push(message);
        return { ok: true, statusCode: 204 };
      },
      resolve: async () => ['203.0.113.10'],
    },
    signer: { newSecret: () => 'whsec_new', sign: () => 'v1,signature' },
    policy: { allowLoopbackHttp: false },
    retryDelays: [5, 300],
    clock: () => T0,
  };
  return { deps, posted, queued };
}

describe('deliverWebhook, stopping without sending', () => {
  it('drops the delivery for good when the SP deleted the endpoint, and sends nothing', async () => {
    const store = table.store;
    const endpoint = endpointOf(`sp-${randomUUID()}`);
    const delivery = deliveryTo(endpoint);
    await store.createDelivery(delivery);
    const { deps, posted, queued } = depsOn(store);

    const step = await deliverWebhook(deps, {
      clientId: endpoint.clientId,
      endpointId: endpoint.id,
      messageId: delivery.messageId,
    });

    expect(step).toBe('endpoint-deleted');
    expect(posted).toEqual([]);
    expect(queued).toEqual([]);
    expect(await store.getDelivery(endpoint.id, delivery.messageId)).toMatchObject({
      state: 'dropped',
      nextAttemptAt: null,
      lastError: 'endpoint deleted',
      attempts: 0,
      version: 2,
    });
  });

  it('backs off when another attempt claimed the delivery after it was read: one sender, not two', async () => {
    const store = table.store;
    const endpoint = endpointOf(`sp-${randomUUID()}`);
    await store.createWebhook(endpoint);
    const delivery = deliveryTo(endpoint);
    await store.createDelivery(delivery);
    const redelivery = { ...delivery, attempts: 1, version: 2 };
    // The other attempt writes between this attempt's reads and its claim.
    const racing: WebhookStore = Object.assign(Object.create(store) as WebhookStore, {
      getWebhook: async (clientId: string, id: string) => {
        await store.saveDelivery(redelivery);
        return store.getWebhook(clientId, id);
      },
    });
    const { deps, posted, queued } = depsOn(racing);

    const step = await deliverWebhook(deps, {
      clientId: endpoint.clientId,
      endpointId: endpoint.id,
      messageId: delivery.messageId,
    });

    expect(step).toBe('taken');
    expect(posted).toEqual([]);
    expect(queued).toEqual([]);
    expect(await store.getDelivery(endpoint.id, delivery.messageId)).toStrictEqual(redelivery);
  });
});
