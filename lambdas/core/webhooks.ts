/**
 * Webhooks to SPs (Standard Webhooks): which events exist, what an endpoint may be, what a message
 * says, and when a failed delivery is tried again. Pure: signing and sending are adapters.
 */
import type { Order, StatusEntry } from './order.js';
import * as z from './zod.js';

export const STATUS_CHANGED = 'identification.status-changed';
/** Sent by `POST /api/webhooks/{id}/test` only; not subscribable. */
export const TEST_EVENT = 'webhook.test';
export const WEBHOOK_EVENT_TYPES = [STATUS_CHANGED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Endpoints per SP: enough for a staging and a production receiver and then some. */
export const MAX_ENDPOINTS_PER_SP = 10;
/** After a rotation the previous secret still signs for this long (receivers roll over meanwhile). */
export const PREVIOUS_SECRET_VALIDITY_SECONDS = 24 * 3600;
/** A 2xx within this time counts as delivered. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The test call answers within the API's function timeout (10 s), so it waits less. */
export const TEST_DELIVERY_TIMEOUT_MS = 5_000;
/** Delays before the 2nd, 3rd, … attempt: about 27 hours in all, then failed for good. */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

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

// ------------------------------------------------------------------ requests

const eventType = z.enum(WEBHOOK_EVENT_TYPES);

export const CreateWebhookRequest = z
  .strictObject({
    url: z.string().check(z.minLength(1), z.maxLength(2048)),
    events: z.optional(
      z.array(eventType).check(
        z.minLength(1),
        z.maxLength(WEBHOOK_EVENT_TYPES.length),
        z.refine((list) => new Set(list).size === list.length, { error: 'Must not repeat an event.' }),
      ),
    ),
  })
  .check(
    z.meta({
      id: 'CreateWebhookRequest',
      examples: [{ url: 'https://sp.example/webhooks/srs', events: [STATUS_CHANGED] }],
    }),
  );

export const WebhookIdParam = z.strictObject({ id: z.uuid({ error: 'Must be a UUID.' }) });

export const MESSAGE_ID = /^msg_[0-9a-f]{32}_\d{1,3}$/;
export const DeliveryParams = z.strictObject({
  id: z.uuid({ error: 'Must be a UUID.' }),
  messageId: z.string().check(z.regex(MESSAGE_ID, { error: 'Must be a message id (msg_…).' })),
});

export const DeliveriesQuery = z.strictObject({
  limit: z.optional(
    z
      .string()
      .check(z.regex(/^(100|[1-9]\d?)$/, { error: 'Must be a whole number from 1 to 100.' }))
      .check(z.meta({ description: 'How many deliveries, newest first (default 50).' })),
  ),
});

// ------------------------------------------------------------------ responses

const WebhookView = z.strictObject({
  id: z.uuid(),
  url: z.string(),
  events: z.array(eventType),
  createdAt: z.iso.datetime(),
});
export const WebhookResponse = WebhookView.check(z.meta({ id: 'Webhook' }));
export const WebhookList = z.array(WebhookView).check(z.meta({ id: 'WebhookList' }));
export const WebhookCreated = z
  .strictObject({ ...WebhookView.shape, secret: z.string() })
  .check(z.meta({ id: 'WebhookCreated', description: 'The secret is shown in this answer only.' }));
export const SecretRotated = z
  .strictObject({ id: z.uuid(), secret: z.string(), previousSecretExpiresAt: z.nullable(z.iso.datetime()) })
  .check(z.meta({ id: 'WebhookSecretRotated' }));
export const TestDeliveryResult = z
  .strictObject({
    messageId: z.string(),
    delivered: z.boolean(),
    statusCode: z.nullable(z.number()),
    error: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'WebhookTestResult' }));
const DeliveryView = z.strictObject({
  messageId: z.string(),
  refId: z.uuid(),
  sequence: z.number(),
  type: z.string(),
  state: z.enum(['pending', 'delivered', 'failed', 'dropped']),
  attempts: z.number(),
  lastStatusCode: z.nullable(z.number()),
  lastError: z.nullable(z.string()),
  lastAttemptAt: z.nullable(z.iso.datetime()),
  nextAttemptAt: z.nullable(z.iso.datetime()),
  deliveredAt: z.nullable(z.iso.datetime()),
  createdAt: z.iso.datetime(),
});
export const DeliveryList = z.array(DeliveryView).check(z.meta({ id: 'WebhookDeliveryList' }));
export const RedeliveryAccepted = z
  .strictObject({ messageId: z.string(), state: z.literal('pending') })
  .check(z.meta({ id: 'WebhookRedelivery' }));

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

// ------------------------------------------------------------------ URL rules

export interface UrlPolicy {
  /** Local stage: http to the loopback address (a receiver on the same machine). */
  allowLoopbackHttp: boolean;
}

/**
 * The policy of a stage: only the embedded stack may call back into the machine it runs on — and
 * a deployment on an AWS emulator, whose synth target sets `loopbackReceivers` (the emulator and
 * the test's receiver share one machine; lib/emulator-target.ts). Never set in an AWS synth.
 */
export function urlPolicyOf(stage: string | undefined, loopbackReceivers = false): UrlPolicy {
  return { allowLoopbackHttp: stage === 'local' || loopbackReceivers };
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * The shape of an endpoint URL. Addresses are checked separately (IP literals here via
 * `addressAllowed`, host names after DNS resolution, at registration and at every delivery).
 */
export function checkEndpointUrl(raw: string, policy: UrlPolicy): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'Must be an absolute URL.' };
  }
  if (url.username || url.password) return { ok: false, reason: 'Must not contain credentials.' };
  if (url.hash) return { ok: false, reason: 'Must not contain a fragment.' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackHttp = url.protocol === 'http:' && policy.allowLoopbackHttp && isLoopbackLiteral(host);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    return {
      ok: false,
      reason: policy.allowLoopbackHttp
        ? 'Must use https (http is allowed for 127.0.0.1 only on the local stack).'
        : 'Must use https.',
    };
  }
  if (!host.includes('.') && !host.includes(':') && !loopbackHttp) {
    return { ok: false, reason: 'Must name a public host.' };
  }
  if (/(^|\.)(localhost|local|internal|localdomain)$/i.test(host) && !loopbackHttp) {
    return { ok: false, reason: 'Must name a public host.' };
  }
  return { ok: true, url };
}

function isLoopbackLiteral(host: string): boolean {
  return host === '127.0.0.1' || host === '::1';
}

const V4_FORBIDDEN: [string, number][] = [
  ['0.0.0.0', 8], // this network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function v4Forbidden(ip: string): boolean {
  const n = v4ToNumber(ip);
  if (n === undefined) return true;
  return V4_FORBIDDEN.some(([base, bits]) => {
    const b = v4ToNumber(base) as number;
    const size = 2 ** (32 - bits);
    return n >= b && n < b + size;
  });
}

/** The eight 16-bit groups of an IPv6 address, or undefined if it is not one. */
function v6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToNumber(dotted[1] as string);
    if (n === undefined) return undefined;
    const tail = dotted[1] as string;
    text = `${text.slice(0, -tail.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s ? s.split(':') : []);
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

function v6Forbidden(ip: string): boolean {
  const g = v6Groups(ip);
  if (!g) return true;
  const [a = 0, b = 0, c = 0, , , f = 0, y = 0, z = 0] = g;
  const v4Tail = `${y >> 8}.${y & 255}.${z >> 8}.${z & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (f === 0xffff || f === 0)) {
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), :: and ::1
    return f === 0 && y === 0 ? true : v4Forbidden(v4Tail);
  }
  if (a === 0x64 && b === 0xff9b) return v4Forbidden(v4Tail); // NAT64
  if ((a & 0xfe00) === 0xfc00) return true; // unique local, incl. AWS metadata fd00:ec2::254
  if ((a & 0xffc0) === 0xfe80) return true; // link-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x2002) return v4Forbidden(`${b >> 8}.${b & 255}.${c >> 8}.${c & 255}`); // 6to4
  if (a === 0x2001 && b === 0) return true; // Teredo
  return false;
}

/** May the service connect to this IP address? Never private, loopback, link-local or metadata ones. */
export function addressAllowed(ip: string, policy: UrlPolicy): boolean {
  if (policy.allowLoopbackHttp && isLoopbackLiteral(ip)) return true;
  return ip.includes(':') ? !v6Forbidden(ip) : !v4Forbidden(ip);
}

/** An IP literal in a URL's host, if it is one. */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host.includes(':')) return host;
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : undefined;
}

// ------------------------------------------------------------------ events and messages

/** The `webhook-id` of the n-th status of an order: stable, so retries and duplicates share it. */
export function statusMessageId(refId: string, sequence: number): string {
  return `msg_${refId.replaceAll('-', '').toLowerCase()}_${sequence}`;
}

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

// ------------------------------------------------------------------ retries

/** `WEBHOOK_RETRY_DELAYS` (seconds, comma-separated) or the default schedule. */
export function parseRetryDelays(raw: string | undefined): readonly number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETRY_DELAYS_SECONDS;
  const delays = raw.split(',').map((s) => Number(s.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d < 0 || d > 86400) || delays.length > 20) {
    throw new Error('WEBHOOK_RETRY_DELAYS must list up to 20 whole numbers of seconds (0 to 86400)');
  }
  return delays;
}

export type AttemptOutcome =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string };

/** The delivery after one attempt: delivered, due again after the next delay, or failed for good. */
export function afterAttempt(
  delivery: WebhookDelivery,
  outcome: AttemptOutcome,
  now: Date,
  delays: readonly number[],
): WebhookDelivery {
  const attempted = {
    ...delivery,
    lastAttemptAt: now.toISOString(),
    lastStatusCode: outcome.statusCode,
    lastError: outcome.ok ? null : outcome.error,
  };
  if (outcome.ok)
    return { ...attempted, state: 'delivered', nextAttemptAt: null, deliveredAt: now.toISOString() };
  const delay = delays[delivery.attempts - 1];
  if (delay === undefined) return { ...attempted, state: 'failed', nextAttemptAt: null };
  return {
    ...attempted,
    state: 'pending',
    nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString(),
  };
}

export function isFinalDelivery(d: Pick<WebhookDelivery, 'state'>): boolean {
  return d.state !== 'pending';
}
