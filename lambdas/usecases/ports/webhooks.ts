/**
 * Ports of the webhook use cases: the SP's endpoints and their delivery log, the queue of delivery
 * attempts, the HTTP transport to the SP's receiver and the Standard Webhooks signer. Every write
 * that can lose a race throws ConditionFailed (core/errors.ts).
 */
import type { UrlPolicy } from '../../core/webhook-address.js';
import type { AttemptOutcome } from '../../core/webhook-retries.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../core/webhooks.js';

/** A delivery as stored: its `version` lets one attempt at a time write it. */
export type StoredDelivery = WebhookDelivery & { version: number };

export interface WebhookStore {
  /** The SP's endpoints (its own partition: another SP's are never read). */
  listWebhooks(clientId: string): Promise<WebhookEndpoint[]>;
  /** A consistent read; undefined for another SP's id. */
  getWebhook(clientId: string, id: string): Promise<WebhookEndpoint | undefined>;
  /** ConditionFailed if it exists. */
  createWebhook(endpoint: WebhookEndpoint): Promise<void>;
  /** ConditionFailed unless the endpoint still signs with `expectedCurrent` (one rotation wins). */
  replaceWebhookSecrets(endpoint: WebhookEndpoint, expectedCurrent: string): Promise<void>;
  /** ConditionFailed if there is no such endpoint. */
  deleteWebhook(clientId: string, id: string): Promise<void>;
  /** Creates the delivery once; false if it existed already (a repeated change record). */
  createDelivery(delivery: StoredDelivery): Promise<boolean>;
  getDelivery(endpointId: string, messageId: string): Promise<StoredDelivery | undefined>;
  /** Writes the delivery if it is still `version - 1`; ConditionFailed otherwise. */
  saveDelivery(delivery: StoredDelivery): Promise<void>;
  /** An endpoint's deliveries, newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
}

/** What a queue message points at. */
export interface DeliveryRef {
  clientId: string;
  endpointId: string;
  messageId: string;
}

export interface DeliveryQueue {
  enqueue(ref: DeliveryRef, delaySeconds: number): Promise<void>;
  deadLetter(ref: DeliveryRef): Promise<void>;
}

export interface SignedMessage {
  id: string;
  timestamp: number;
  body: string;
  signature: string;
}

export interface WebhookTransport {
  /**
   * POSTs a signed message; the receiver's failures are an outcome, never an exception. Waits
   * `timeoutMs` at most (default: the delivery timeout).
   */
  post(url: string, message: SignedMessage, policy: UrlPolicy, timeoutMs?: number): Promise<AttemptOutcome>;
  /** The addresses a host name resolves to; none when it does not resolve. */
  resolve(host: string): Promise<string[]>;
}

export interface WebhookSigner {
  newSecret(): string;
  sign(secrets: string[], id: string, timestamp: number, body: string): string;
}
