/**
 * The ways `deliverWebhook` stops without sending, against the embedded DynamoDB: the SP deleted
 * the endpoint (the delivery is dropped for good), another attempt — a manual redelivery — claimed
 * the delivery between this attempt's read and its claim (this one backs off), and an earlier status
 * of the order has not gone out yet (this one comes back when it can).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusMessageId, WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from '../../lambdas/core/webhooks.js';
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
  /** The delay each enqueue asked for, in seconds. */
  const delays: number[] = [];
  const deps: DeliveryDeps = {
    repository,
    queue: {
      enqueue: async (ref, delaySeconds) => {
        queued.push(ref);
        delays.push(delaySeconds);
      },
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
  return { deps, posted, queued, delays };
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

describe('deliverWebhook, waiting for the order’s earlier statuses', () => {
  const SECOND = 1000;

  /** Statuses 1 to 3 of one order for one endpoint: the first in its retry back-off, the others due. */
  async function orderWithFirstBackingOff(firstState: Partial<StoredDelivery>) {
    const store = table.store;
    const endpoint = endpointOf(`sp-${randomUUID()}`);
    await store.createWebhook(endpoint);
    const refId = randomUUID();
    for (const sequence of [1, 2, 3]) {
      await store.createDelivery(
        pendingDelivery({
          endpointId: endpoint.id,
          clientId: endpoint.clientId,
          refId,
          sequence,
          messageId: statusMessageId(refId, sequence),
          ...(sequence === 1 ? firstState : {}),
        }),
      );
    }
    const ref = (sequence: number): DeliveryRef => ({
      clientId: endpoint.clientId,
      endpointId: endpoint.id,
      messageId: statusMessageId(refId, sequence),
    });
    return { store, ref };
  }

  // Found by probing the running stack with a receiver that was down: the third and later statuses
  // of each order came back every 2 seconds for as long as the first one was retried (about a day) —
  // 2,000 queue messages, function runs and table reads a minute for a handful of orders — because
  // each looked at its predecessor alone, which was due (never tried: it waits itself).
  it('comes back when the first unsent status is next tried, not every second, however far behind it is', async () => {
    const firstRetry = new Date(T0.getTime() + 1800 * SECOND).toISOString();
    const { store, ref } = await orderWithFirstBackingOff({ attempts: 3, nextAttemptAt: firstRetry });
    const { deps, posted, delays } = depsOn(store);

    const second = await deliverWebhook(deps, ref(2));
    const third = await deliverWebhook(deps, ref(3));

    expect([second, third]).toEqual(['waiting-for-previous', 'waiting-for-previous']);
    expect(posted).toEqual([]);
    // Both wait for the first one's retry (1,800 s from now) and a second more; the queue caps it.
    expect(delays).toEqual([1801, 1801]);
  });

  it('waits a moment only when the status it waits for is itself due now', async () => {
    const { store, ref } = await orderWithFirstBackingOff({
      state: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      deliveredAt: T0.toISOString(),
    });
    const { deps, posted, delays } = depsOn(store);

    const third = await deliverWebhook(deps, ref(3));

    expect(third).toBe('waiting-for-previous');
    expect(posted).toEqual([]);
    expect(delays).toEqual([2]);
  });
});
