/**
 * An SP manages its webhook endpoints: register (the secret is shown once), list, delete, rotate
 * the secret, send a test message, read the delivery log, redeliver. An SP only ever reaches its
 * own endpoints: they live in its partition, so another SP's id is simply not found (404).
 */
import { ConditionFailed } from '../core/errors.js';
import { problems } from '../core/problems.js';
import { addressAllowed, checkEndpointUrl, ipLiteralOf, type UrlPolicy } from '../core/webhook-address.js';
import { toDeliveryView, toWebhookView } from '../core/webhook-views.js';
import {
  MAX_ENDPOINTS_PER_SP,
  MAX_PREVIOUS_SECRETS,
  PREVIOUS_SECRET_VALIDITY_SECONDS,
  signingSecrets,
  TEST_DELIVERY_TIMEOUT_MS,
  testPayload,
  WEBHOOK_EVENT_TYPES,
  type WebhookEndpoint,
  type WebhookEventType,
} from '../core/webhooks.js';
import type { DeliveryQueue, WebhookSigner, WebhookStore, WebhookTransport } from './ports/webhooks.js';

export interface WebhookDeps {
  repository: WebhookStore;
  transport: WebhookTransport;
  signer: WebhookSigner;
  queue: DeliveryQueue;
  policy: UrlPolicy;
  newId: () => string;
  clock: () => Date;
}

const notFound = () => problems.notFound('No webhook endpoint with this id.');
const overLimit = () =>
  problems.conflict(`At most ${MAX_ENDPOINTS_PER_SP} webhook endpoints per client.`, 'webhook-limit');

async function endpointOf(deps: Pick<WebhookDeps, 'repository'>, clientId: string, id: string) {
  const endpoint = await deps.repository.getWebhook(clientId, id);
  if (!endpoint) throw notFound();
  return endpoint;
}

/** Refuses URLs the service must never call: wrong scheme, or a host in a non-public range. */
async function checkUrl(deps: Pick<WebhookDeps, 'transport' | 'policy'>, raw: string): Promise<string> {
  const refuse = (message: string) => problems.validation([{ field: 'url', message }]);
  const check = checkEndpointUrl(raw, deps.policy);
  if (!check.ok) throw refuse(check.reason);
  const literal = ipLiteralOf(check.url);
  const addresses = literal ? [literal] : await deps.transport.resolve(check.url.hostname);
  // A name that does not resolve yet is accepted: every delivery resolves and checks again.
  if (addresses.some((a) => !addressAllowed(a, deps.policy))) {
    throw refuse('Must not point at a private, loopback, link-local or metadata address.');
  }
  return check.url.href;
}

export async function createWebhook(
  deps: WebhookDeps,
  clientId: string,
  request: { url: string; events?: WebhookEventType[] | undefined },
) {
  const url = await checkUrl(deps, request.url);
  const existing = await deps.repository.listWebhooks(clientId);
  if (existing.length >= MAX_ENDPOINTS_PER_SP) throw overLimit();
  if (existing.some((e) => e.url === url)) {
    throw problems.conflict('An endpoint with this URL exists.', 'webhook-exists');
  }
  const now = deps.clock().toISOString();
  const endpoint: WebhookEndpoint = {
    id: deps.newId(),
    clientId,
    url,
    events: request.events ?? [...WEBHOOK_EVENT_TYPES],
    createdAt: now,
    secrets: [{ secret: deps.signer.newSecret(), createdAt: now }],
  };
  await deps.repository.createWebhook(endpoint);
  // Registrations of one client may run at once, each past the checks above before another wrote.
  // Read again after the write and step back on a clash: of two that see each other both step back
  // (a retry registers one), and one that does not see the other wrote first, so the other sees it.
  const after = await deps.repository.listWebhooks(clientId);
  const clash = after.some((e) => e.id !== endpoint.id && e.url === url)
    ? problems.conflict('An endpoint with this URL was registered at the same time.', 'webhook-exists')
    : after.length > MAX_ENDPOINTS_PER_SP
      ? overLimit()
      : undefined;
  if (clash) {
    await deps.repository.deleteWebhook(clientId, endpoint.id);
    throw clash;
  }
  return { ...toWebhookView(endpoint), secret: (endpoint.secrets[0] as { secret: string }).secret };
}

export async function listWebhooks(deps: Pick<WebhookDeps, 'repository'>, clientId: string) {
  const endpoints = await deps.repository.listWebhooks(clientId);
  return endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(toWebhookView);
}

export async function deleteWebhook(deps: Pick<WebhookDeps, 'repository'>, clientId: string, id: string) {
  try {
    await deps.repository.deleteWebhook(clientId, id);
  } catch (err) {
    if (err instanceof ConditionFailed) throw notFound();
    throw err;
  }
}

/** A new secret; the previous one keeps signing (next to it) for 24 hours. */
export async function rotateWebhookSecret(deps: WebhookDeps, clientId: string, id: string) {
  const endpoint = await endpointOf(deps, clientId, id);
  const now = deps.clock();
  const current = endpoint.secrets[0] as { secret: string; createdAt: string };
  const previousExpiresAt = new Date(now.getTime() + PREVIOUS_SECRET_VALIDITY_SECONDS * 1000).toISOString();
  const secret = deps.signer.newSecret();
  const secrets = [
    { secret, createdAt: now.toISOString() },
    { ...current, expiresAt: previousExpiresAt },
    // Older replaced secrets stay only until their own expiry, and only the newest of them.
    ...endpoint.secrets
      .slice(1)
      .filter((s) => s.expiresAt && Date.parse(s.expiresAt) > now.getTime())
      .slice(0, MAX_PREVIOUS_SECRETS - 1),
  ];
  try {
    await deps.repository.replaceWebhookSecrets({ ...endpoint, secrets }, current.secret);
  } catch (err) {
    if (err instanceof ConditionFailed) throw problems.conflict('The endpoint changed meanwhile; try again.');
    throw err;
  }
  return { id, secret, previousSecretExpiresAt: previousExpiresAt };
}

/** Sends a `webhook.test` message now and answers what the receiver did (not retried, not logged). */
export async function testWebhook(deps: WebhookDeps, clientId: string, id: string) {
  const endpoint = await endpointOf(deps, clientId, id);
  const now = deps.clock();
  const messageId = `msg_test_${deps.newId().replaceAll('-', '')}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = testPayload(endpoint.id, now);
  const outcome = await deps.transport.post(
    endpoint.url,
    {
      id: messageId,
      timestamp,
      body,
      signature: deps.signer.sign(signingSecrets(endpoint, now), messageId, timestamp, body),
    },
    deps.policy,
    TEST_DELIVERY_TIMEOUT_MS,
  );
  return {
    messageId,
    delivered: outcome.ok,
    statusCode: outcome.statusCode,
    error: outcome.ok ? null : outcome.error,
  };
}

export async function listDeliveries(
  deps: Pick<WebhookDeps, 'repository'>,
  clientId: string,
  id: string,
  limit: number,
) {
  await endpointOf(deps, clientId, id);
  return (await deps.repository.listDeliveries(id, limit)).map(toDeliveryView);
}

/** Starts a delivery over: a fresh retry schedule from now, whatever became of it before. */
export async function redeliver(deps: WebhookDeps, clientId: string, id: string, messageId: string) {
  await endpointOf(deps, clientId, id);
  const delivery = await deps.repository.getDelivery(id, messageId);
  if (!delivery) throw problems.notFound('No delivery with this message id for this endpoint.');
  try {
    await deps.repository.saveDelivery({
      ...delivery,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: deps.clock().toISOString(),
      deliveredAt: null,
      version: delivery.version + 1,
    });
  } catch (err) {
    if (err instanceof ConditionFailed)
      throw problems.conflict('The delivery is being attempted; try again.');
    throw err;
  }
  await deps.queue.enqueue({ clientId, endpointId: id, messageId }, 0);
  return { messageId, state: 'pending' as const };
}
