/**
 * Sending webhook messages: Standard Webhooks signatures (HMAC-SHA256 over `id.timestamp.body`
 * with the `whsec_` secret) and the HTTP POST to the SP's endpoint — resolved, checked against the
 * address rules, and connected to the very address that was checked (no second lookup a DNS
 * rebinding could answer differently), with no redirects followed and a hard timeout.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressAllowed, ipLiteralOf, type UrlPolicy } from '../core/webhook-address.js';
import type { AttemptOutcome } from '../core/webhook-retries.js';
import { DELIVERY_TIMEOUT_MS } from '../core/webhooks.js';
import type { SignedMessage, WebhookTransport } from '../usecases/ports/webhooks.js';
import { BoundedRequestFailed, boundedRequest } from './bounded-request.js';
import { optionalEnv } from './env.js';

/**
 * node:dns, loaded when a name is first resolved (0.5–0.7 ms after the SDK's floor, which does not
 * load it at import): of the webhook management routes only creating an endpoint and sending a test
 * message resolve names; a delivery resolves its receiver's name. Node loads the same module for
 * the first name any socket connects to — in Lambda the first AWS call's endpoint — so a process
 * loads it once, whichever comes first, and not at init (docs/benchmarks.md §3).
 */
const loadResolver = () => process.getBuiltinModule('node:dns');

const SECRET_PREFIX = 'whsec_';
/** What is read of a receiver's answer before the connection is closed (the body is not kept). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A new endpoint secret: 32 random bytes, as the Standard Webhooks libraries expect them. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** `v1,<base64 HMAC>` per secret, space-separated (several during a secret rotation). */
export function webhookSignature(secrets: string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
      return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
    })
    .join(' ');
}

/** 2xx is delivered; anything else, a redirect included, is a failed attempt. */
function outcomeOf(statusCode: number): AttemptOutcome {
  if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode };
  const error = statusCode >= 300 && statusCode < 400 ? 'redirect not followed' : `HTTP ${statusCode}`;
  return { ok: false, statusCode, error };
}

class AddressRefused extends Error {
  constructor() {
    super('address not allowed');
    this.name = 'AddressRefused';
  }
}

/** DNS lookup that fails unless every address the name resolves to is allowed. */
function checkedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    loadResolver().lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      if (!addresses.length || addresses.some((a) => !addressAllowed(a.address, policy))) {
        return callback(new AddressRefused(), '', 0);
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      } else {
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      }
    });
  };
}

/** What a request that got no answer is recorded as (the delivery log's `lastError`). */
function describe(failure: BoundedRequestFailed): string {
  if (failure.kind === 'timeout') return 'timed out';
  const err: Error & { code?: string } = failure.cause ?? failure;
  if (err.name === 'AddressRefused') return 'address not allowed';
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return err.code?.startsWith('ERR_TLS') || /CERT|SSL/.test(err.code ?? '')
        ? 'TLS error'
        : 'network error';
  }
}

/** Resolving a host name to all its addresses (node:dns lookup with `all: true`). */
export type AllAddressesLookup = (
  host: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** How long a registration waits for its host name's addresses (an SP's name server may never answer). */
const RESOLVE_TIMEOUT_MS = 2_000;

export class HttpWebhookTransport implements WebhookTransport {
  constructor(
    private readonly timeoutMs = Number(optionalEnv('WEBHOOK_TIMEOUT_MS', String(DELIVERY_TIMEOUT_MS))),
    /** The registration's lookup (the system resolver; a test's stands in for a silent name server). */
    private readonly lookup: AllAddressesLookup = (host, options, callback) =>
      loadResolver().lookup(host, options, callback),
    private readonly resolveTimeoutMs = RESOLVE_TIMEOUT_MS,
  ) {}

  /** The addresses, or none when the name does not resolve in time (every delivery checks again). */
  resolve(host: string): Promise<string[]> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve([]), this.resolveTimeoutMs);
      this.lookup(host, { all: true }, (err, addresses) => {
        clearTimeout(timer);
        resolve(err ? [] : addresses.map((a) => a.address));
      });
    });
  }

  post(
    rawUrl: string,
    message: SignedMessage,
    policy: UrlPolicy,
    timeoutMs?: number,
  ): Promise<AttemptOutcome> {
    const url = new URL(rawUrl);
    const literal = ipLiteralOf(url);
    if (literal && !addressAllowed(literal, policy)) {
      return Promise.resolve({ ok: false, statusCode: null, error: 'address not allowed' });
    }
    return boundedRequest(url, {
      method: 'POST',
      lookup: checkedLookup(policy),
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(message.body, 'utf8')),
        'user-agent': 'smart-registration-webhooks/1',
        'webhook-id': message.id,
        'webhook-timestamp': String(message.timestamp),
        'webhook-signature': message.signature,
      },
      body: message.body,
      timeoutMs: Math.min(timeoutMs ?? this.timeoutMs, this.timeoutMs),
      maxAnswerBytes: MAX_ANSWER_BYTES,
    }).then(
      (answer) => outcomeOf(answer.statusCode),
      (err: unknown) => {
        if (!(err instanceof BoundedRequestFailed)) throw err;
        // The receiver answered a status and then too much, or closed mid-answer: its status decides.
        if (err.kind !== 'timeout' && err.statusCode !== undefined) return outcomeOf(err.statusCode);
        return { ok: false, statusCode: null, error: describe(err) };
      },
    );
  }
}
