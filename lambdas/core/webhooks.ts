/**
 * Webhooks to SPs (Standard Webhooks): which events exist, what an endpoint and a delivery are, and
 * which messages an order write produces. Pure: signing and sending are adapters. The address rules
 * are in webhook-address.ts, the retry schedule in webhook-retries.ts, the API's requests in
 * webhook-requests.ts (read here first without zod), its answers in webhook-api.ts.
 */
import type { Order, StatusEntry } from './order.js';
import { isUuid, wellFormedUuidParam } from './ref-id-format.js';
export const STATUS_CHANGED = 'identification.status-changed';
/** Sent by `POST /api/webhooks/{id}/test` only; not subscribable. */
export const TEST_EVENT = 'webhook.test';
export const WEBHOOK_EVENT_TYPES = [STATUS_CHANGED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Endpoints per SP: enough for a staging and a production receiver and then some. */
export const MAX_ENDPOINTS_PER_SP = 10;
/** After a rotation the previous secret still signs for this long (receivers roll over meanwhile). */
export const PREVIOUS_SECRET_VALIDITY_SECONDS = 24 * 3600;
/**
 * Replaced secrets that still sign beside the current one: a rotation beyond them ends the oldest's
 * validity at once. Every signing secret adds a signature to every message's header (about 48
 * bytes), so rotations in a loop would otherwise grow it past what receivers accept (16 KB in Node).
 */
export const MAX_PREVIOUS_SECRETS = 2;
/** A 2xx within this time counts as delivered. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The test call answers within the API's function timeout (10 s), so it waits less. */
export const TEST_DELIVERY_TIMEOUT_MS = 5_000;

export interface WebhookSecret {
  /** `whsec_` + base64 of the key. */
  secret: string;
  createdAt: string;
  /** Set on a replaced secret: it signs along with the new one until then. */
  expiresAt?: string;
}

export interface WebhookEndpoint {
  id: string;
  /** The SP (OAuth client id) that owns the endpoint. */
  clientId: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  /** The current secret first; a replaced one until it expires. Never answered after creation. */
  secrets: WebhookSecret[];
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dropped';

/** One message to one endpoint, and what became of it. */
export interface WebhookDelivery {
  /** The `webhook-id`: the same for every attempt. */
  messageId: string;
  endpointId: string;
  clientId: string;
  refId: string;
  /** 1-based position of the status in the order's history. */
  sequence: number;
  type: string;
  /** The exact JSON body sent on every attempt. */
  payload: string;
  createdAt: string;
  state: DeliveryState;
  attempts: number;
  /** When the next attempt is due (ISO 8601); null once final. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  /** Why the last attempt failed, in a few words (never the receiver's body). */
  lastError: string | null;
  deliveredAt: string | null;
}

// ------------------------------------------------------------------ events and messages

/** The `webhook-id` of the n-th status of an order: stable, so retries and duplicates share it. */
export function statusMessageId(refId: string, sequence: number): string {
  return `msg_${refId.replaceAll('-', '').toLowerCase()}_${sequence}`;
}

/** What `statusMessageId` makes: the redelivery route's `{messageId}`. */
export const MESSAGE_ID = /^msg_[0-9a-f]{32}_\d{1,3}$/;

export interface StatusEvent {
  messageId: string;
  refId: string;
  clientId: string;
  sequence: number;
  entry: StatusEntry;
}

/**
 * The statuses an order gained between two versions of it, in order: one event each. The history
 * is append-only, so what is new is what lies past the old length. Without the old version (a new
 * order) the whole history is new.
 */
export function newStatusEvents(
  before: Pick<Order, 'statuses'> | undefined,
  after: Pick<Order, 'refId' | 'clientId' | 'statuses'>,
): StatusEvent[] {
  const from = before?.statuses.length ?? 0;
  return after.statuses.slice(from).map((entry, i) => ({
    messageId: statusMessageId(after.refId, from + i + 1),
    refId: after.refId,
    clientId: after.clientId,
    sequence: from + i + 1,
    entry,
  }));
}

/** The thin body: what changed, never who. The SP reads details with the status call. */
export function statusChangedPayload(event: StatusEvent, now: Date): string {
  return JSON.stringify({
    type: STATUS_CHANGED,
    timestamp: now.toISOString(),
    data: {
      refId: event.refId,
      sequence: event.sequence,
      status: event.entry.status,
      kind: event.entry.kind,
      reason: event.entry.reason,
      date: event.entry.date,
    },
  });
}

export function testPayload(endpointId: string, now: Date): string {
  return JSON.stringify({ type: TEST_EVENT, timestamp: now.toISOString(), data: { endpointId } });
}

export function subscribes(endpoint: Pick<WebhookEndpoint, 'events'>, type: string): boolean {
  return (endpoint.events as string[]).includes(type);
}

/** Secrets that still sign at `now`: the current one and a replaced one within its grace period. */
export function signingSecrets(endpoint: Pick<WebhookEndpoint, 'secrets'>, now: Date): string[] {
  return endpoint.secrets
    .filter((s) => !s.expiresAt || new Date(s.expiresAt).getTime() > now.getTime())
    .map((s) => s.secret);
}

// ------------------------------------------------------------------ the API's parameters, without zod

/** The deliveries list's `limit`: a whole number from 1 to 100. */
export const DELIVERIES_LIMIT = /^(100|[1-9]\d?)$/;

/*
 * The webhook routes' path and query parameters read as their schemas (webhook-requests.ts) read
 * them, without zod: the first step of two-step rules (core/parse.ts TwoStepRule), undefined for
 * anything the schema is to judge.
 */

/** `{id}`, as `WebhookIdParam`. */
export const wellFormedWebhookIdParam = wellFormedUuidParam('id');

/** `{id}` and `{messageId}`, as `DeliveryParams`. */
export function wellFormedDeliveryParams(
  input: Readonly<Record<string, unknown>>,
): { id: string; messageId: string } | undefined {
  const keys = Object.keys(input);
  const { id, messageId } = input;
  if (keys.length !== 2 || !keys.includes('id') || !keys.includes('messageId')) return undefined;
  if (!isUuid(id) || typeof messageId !== 'string' || !MESSAGE_ID.test(messageId)) return undefined;
  return { id, messageId };
}

/** The deliveries list's query (`limit`, optional), as `DeliveriesQuery`. */
export function wellFormedDeliveriesQuery(
  input: Readonly<Record<string, unknown>>,
): { limit?: string } | undefined {
  const keys = Object.keys(input);
  if (keys.length === 0) return {};
  const { limit } = input;
  if (keys.length !== 1 || keys[0] !== 'limit' || typeof limit !== 'string') return undefined;
  return DELIVERIES_LIMIT.test(limit) ? { limit } : undefined;
}
