/** The real adapters behind the webhook use cases, built once per container. */
import { urlPolicyOf } from '../core/webhook-address.js';
import { parseRetryDelays } from '../core/webhook-retries.js';
import type { WebhookSigner } from '../usecases/ports/webhooks.js';
import { webhookTableStores } from './aws-clients.js';
import { optionalEnv, requiredStage } from './env.js';
import { HttpWebhookTransport, newWebhookSecret, webhookSignature } from './webhook-http.js';
import { SqsDeliveryQueue } from './webhook-queue.js';

const signer: WebhookSigner = { newSecret: newWebhookSecret, sign: webhookSignature };

/**
 * Read per call, not per container: the stage decides which URLs are allowed (only the embedded
 * stack may call back into its own machine), and tests switch it.
 */
const policy = () => urlPolicyOf(requiredStage(), optionalEnv('WEBHOOK_LOOPBACK_RECEIVERS') === 'true');

/** What both kinds of webhook functions use; the stage's URL policy is read at every use. */
function sharedDeps() {
  requiredStage(); // at cold start: a deployment that does not say its stage fails here
  return {
    repository: webhookTableStores(),
    transport: new HttpWebhookTransport(),
    signer,
    queue: SqsDeliveryQueue.fromEnv(),
    get policy() {
      return policy();
    },
    clock: () => new Date(),
  };
}

export function webhookDeps() {
  // Object.assign keeps the policy getter (a spread would copy its value once).
  return Object.assign(sharedDeps(), { newId: () => crypto.randomUUID() });
}

export function deliveryDeps() {
  return Object.assign(sharedDeps(), { retryDelays: parseRetryDelays(optionalEnv('WEBHOOK_RETRY_DELAYS')) });
}
