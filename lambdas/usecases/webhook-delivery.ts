/**
 * Delivery that loses nothing. The table's change feed (DynamoDB Streams) carries every order
 * write; `fanOutStatusChanges` turns each status the history gained into one delivery record per
 * subscribed endpoint (written once: a repeated change record changes nothing) and queues it.
 * `deliverWebhook` makes one attempt per queue message, one at a time per delivery (a version
 * condition), keeps the deliveries of one order to one endpoint in order, and queues the next
 * attempt by the retry schedule — or records the failure for good and sends it to the dead-letter
 * queue. A crash anywhere leaves the change record or the queue message unacknowledged, so it is
 * processed again: at least once.
 */
import { succeeded } from '../core/errors.js';
import type { Order } from '../core/order.js';
import type { UrlPolicy } from '../core/webhook-address.js';
import { afterAttempt, isFinalDelivery } from '../core/webhook-retries.js';
import {
  newStatusEvents,
  STATUS_CHANGED,
  signingSecrets,
  statusChangedPayload,
  statusMessageId,
  subscribes,
} from '../core/webhooks.js';
import type {
  DeliveryQueue,
  DeliveryRef,
  StoredDelivery,
  WebhookSigner,
  WebhookStore,
  WebhookTransport,
} from './ports/webhooks.js';

export interface DeliveryDeps {
  repository: WebhookStore;
  queue: DeliveryQueue;
  transport: WebhookTransport;
  signer: WebhookSigner;
  policy: UrlPolicy;
  retryDelays: readonly number[];
  clock: () => Date;
}

/** One order write from the change feed: the order before (absent for a new one) and after. */
export interface OrderChange {
  before: Order | undefined;
  after: Order;
}

export async function fanOutStatusChanges(
  deps: Pick<DeliveryDeps, 'repository' | 'queue' | 'clock'>,
  change: OrderChange,
): Promise<number> {
  const events = newStatusEvents(change.before, change.after);
  if (!events.length) return 0;
  const endpoints = (await deps.repository.listWebhooks(change.after.clientId)).filter((e) =>
    subscribes(e, STATUS_CHANGED),
  );
  let queued = 0;
  for (const event of events) {
    for (const endpoint of endpoints) {
      const now = deps.clock();
      const delivery: StoredDelivery = {
        messageId: event.messageId,
        endpointId: endpoint.id,
        clientId: endpoint.clientId,
        refId: event.refId,
        sequence: event.sequence,
        type: STATUS_CHANGED,
        payload: statusChangedPayload(event, now),
        createdAt: now.toISOString(),
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now.toISOString(),
        lastAttemptAt: null,
        lastStatusCode: null,
        lastError: null,
        deliveredAt: null,
        version: 1,
      };
      const created = await deps.repository.createDelivery(delivery);
      // A repeated change record: queue again unless an attempt already happened (the first
      // run may have died between the record and the queue; a duplicate message is harmless).
      const untried =
        created || (await deps.repository.getDelivery(endpoint.id, event.messageId))?.attempts === 0;
      if (untried) {
        await deps.queue.enqueue(
          { clientId: endpoint.clientId, endpointId: endpoint.id, messageId: event.messageId },
          0,
        );
        queued += 1;
      }
    }
  }
  return queued;
}

export type DeliveryStep =
  | 'gone'
  | 'already-final'
  | 'waiting-for-previous'
  | 'not-due'
  | 'taken'
  | 'endpoint-deleted'
  | 'delivered'
  | 'retry-scheduled'
  | 'failed';

const secondsUntil = (iso: string, now: Date) =>
  Math.max(1, Math.ceil((Date.parse(iso) - now.getTime()) / 1000));

/**
 * The earliest of the order's statuses before this one that has not gone out, in the unbroken run
 * of unsent ones just before it, or undefined when the previous one is final. Its next attempt is
 * when this one can move: the previous status, if it waits itself, is "due" but cannot go either,
 * and waiting on its time alone brought this one back every second for as long as the first was
 * retried (about a day). The chain's own wake-up (wakeNextInOrder) brings it back sooner.
 */
async function firstUnsentBefore(
  repository: WebhookStore,
  endpointId: string,
  delivery: StoredDelivery,
): Promise<StoredDelivery | undefined> {
  let blocking: StoredDelivery | undefined;
  for (let sequence = delivery.sequence - 1; sequence >= 1; sequence -= 1) {
    const earlier = await repository.getDelivery(endpointId, statusMessageId(delivery.refId, sequence));
    if (!earlier || isFinalDelivery(earlier)) break;
    blocking = earlier;
  }
  return blocking;
}

/** One queue message: at most one attempt. */
export async function deliverWebhook(deps: DeliveryDeps, ref: DeliveryRef): Promise<DeliveryStep> {
  const { repository, queue } = deps;
  const delivery = await repository.getDelivery(ref.endpointId, ref.messageId);
  if (!delivery) return 'gone';
  if (isFinalDelivery(delivery)) return 'already-final';
  const now = deps.clock();

  // In order per order: the previous status goes first (or fails for good) before this one.
  const blocking = await firstUnsentBefore(repository, ref.endpointId, delivery);
  if (blocking) {
    await queue.enqueue(ref, blocking.nextAttemptAt ? secondsUntil(blocking.nextAttemptAt, now) + 1 : 1);
    return 'waiting-for-previous';
  }
  if (delivery.nextAttemptAt && Date.parse(delivery.nextAttemptAt) > now.getTime()) {
    await queue.enqueue(ref, secondsUntil(delivery.nextAttemptAt, now));
    return 'not-due';
  }

  const endpoint = await repository.getWebhook(ref.clientId, ref.endpointId);
  if (!endpoint) {
    await saveIfCurrent(repository, {
      ...delivery,
      state: 'dropped',
      nextAttemptAt: null,
      lastError: 'endpoint deleted',
      version: delivery.version + 1,
    });
    return 'endpoint-deleted';
  }

  // Claim the attempt: of two messages for one delivery, only one gets past here.
  const claimed: StoredDelivery = {
    ...delivery,
    attempts: delivery.attempts + 1,
    version: delivery.version + 1,
  };
  if (!(await saveIfCurrent(repository, claimed))) return 'taken';

  const attemptAt = deps.clock();
  const timestamp = Math.floor(attemptAt.getTime() / 1000);
  const outcome = await deps.transport.post(
    endpoint.url,
    {
      id: delivery.messageId,
      timestamp,
      body: delivery.payload,
      signature: deps.signer.sign(
        signingSecrets(endpoint, attemptAt),
        delivery.messageId,
        timestamp,
        delivery.payload,
      ),
    },
    deps.policy,
  );
  const next: StoredDelivery = {
    ...afterAttempt(claimed, outcome, deps.clock(), deps.retryDelays),
    version: claimed.version + 1,
  };
  if (!(await saveIfCurrent(repository, next))) return 'taken';
  if (next.state === 'delivered') {
    await wakeNextInOrder(deps, ref, delivery);
    return 'delivered';
  }
  if (next.state === 'pending' && next.nextAttemptAt) {
    await queue.enqueue(ref, secondsUntil(next.nextAttemptAt, deps.clock()));
    return 'retry-scheduled';
  }
  await queue.deadLetter(ref);
  await wakeNextInOrder(deps, ref, delivery);
  return 'failed';
}

/**
 * The order's next status waits for this one (its message comes back when this one's retry was
 * due); once this one is final — delivered early by a manual redelivery, say — the next goes now.
 * An extra message for it is harmless: only one attempt gets past the claim.
 */
async function wakeNextInOrder(
  deps: Pick<DeliveryDeps, 'repository' | 'queue'>,
  ref: DeliveryRef,
  delivery: StoredDelivery,
): Promise<void> {
  const nextId = statusMessageId(delivery.refId, delivery.sequence + 1);
  const waiting = await deps.repository.getDelivery(ref.endpointId, nextId);
  if (waiting && !isFinalDelivery(waiting)) await deps.queue.enqueue({ ...ref, messageId: nextId }, 0);
}

/** Saves unless someone (a manual redelivery) changed the delivery meanwhile; then theirs stands. */
function saveIfCurrent(repository: WebhookStore, delivery: StoredDelivery): Promise<boolean> {
  return succeeded(repository.saveDelivery(delivery));
}
