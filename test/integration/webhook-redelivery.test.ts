/**
 * A manual redelivery releases the statuses waiting behind it: deliveries go in order per order,
 * so while the first status waits for its retry (here 10 minutes away) the later ones wait too;
 * once the SP fixed its endpoint and redelivered the first, the rest follow at once instead of
 * when the first's retry would have been due. Its own stack: a long retry schedule.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

interface Delivery {
  messageId: string;
  sequence: number;
  state: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

let receiver: WebhookReceiver;

const stack = useStack({
  rateLimits: false,
  webhooks: { retryDelaysSeconds: [600], timeoutMs: 500, visibilityTimeoutSeconds: 1 },
});
beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await receiver?.stop();
});

it('after the first status is redelivered, the statuses waiting behind it are delivered at once, in order', async () => {
  const token = await tokenFor(stack(), 'demo-portal');
  const registered = await call<{ id: string; secret: string }>(stack(), 'POST', '/api/webhooks', {
    token,
    json: { url: receiver.url },
  });
  expect(registered.status).toBe(201);
  const { id, secret } = registered.body;
  const deliveries = async () =>
    (await call<Delivery[]>(stack(), 'GET', `/api/webhooks/${id}/deliveries`, { token })).body;

  // The receiver is down: the first status fails and waits 10 minutes; the second waits for it.
  await receiver.stop();
  const { refId } = await startOrder(stack(), token, { mobile: '+41790002001' });
  expect(
    (await call(stack(), 'POST', `/test-isp/api/orders/${refId}`, { json: { status: 'data-ready' } })).status,
  ).toBe(200);
  const first = `msg_${refId.replaceAll('-', '')}_1`;
  const failedOnce = await waitFor(deliveries, (list) => {
    const d = list.find((x) => x.messageId === first);
    return d?.attempts === 1 && d.lastError === 'connection refused';
  });
  const later = failedOnce.filter((d) => d.sequence > 1);
  expect(later.length).toBeGreaterThanOrEqual(2);
  expect(later.every((d) => d.state === 'pending' && d.attempts === 0)).toBe(true);
  const retryAt = Date.parse(failedOnce.find((d) => d.messageId === first)?.nextAttemptAt as string);
  expect(retryAt - Date.now()).toBeGreaterThan(500_000);

  // The SP fixes its endpoint and redelivers the first: everything arrives now, in order.
  await receiver.start();
  const redeliver = await call(stack(), 'POST', `/api/webhooks/${id}/deliveries/${first}/redeliver`, {
    token,
  });
  expect(redeliver.status).toBe(202);
  const all = await waitFor(
    deliveries,
    (list) => list.length > 0 && list.every((d) => d.state === 'delivered'),
    {
      timeoutMs: 30_000,
    },
  );
  const webhook = new Webhook(secret);
  const sequences = receiver.received.map(
    (m) => (webhook.verify(m.body, m.headers) as { data: { sequence: number } }).data.sequence,
  );
  expect(sequences).toEqual(all.map((d) => d.sequence).sort((a, b) => a - b));
});
