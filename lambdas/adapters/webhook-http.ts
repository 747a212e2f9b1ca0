/**
 * Sending webhook messages: Standard Webhooks signatures (HMAC-SHA256 over `id.timestamp.body`
 * with the `whsec_` secret) and the HTTP POST to the SP's endpoint — resolved, checked against the
 * address rules, and connected to the very address that was checked (no second lookup a DNS
 * rebinding could answer differently), with no redirects followed and a hard timeout.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressAllowed, ipLiteralOf, type UrlPolicy } from '../core/webhook-address.js';
import type { AttemptOutcome } from '../core/webhook-retries.js';
import { DELIVERY_TIMEOUT_MS } from '../core/webhooks.js';
import type { SignedMessage, WebhookTransport } from '../usecases/ports/webhooks.js';
import { optionalEnv } from './env.js';

/**
 * node:http, for plain-http receivers (the emulator's loopback ones), as the CommonJS module: an ESM
 * `import … from 'node:http'` builds the module's ESM namespace, which reads its lazy `WebSocket`,
 * `MessageEvent` and `CloseEvent` exports and so loads Node's bundled undici (the fetch/WebSocket
 * implementation, ~35 ms of CPU at cold start here) that nothing here uses (docs/benchmarks.md §3).
 */
const httpModule = () => process.getBuiltinModule('node:http');

/**
 * node:dns, loaded when a name is first resolved (about 3 ms of CPU; the SDK's floor does not load
 * it): of the webhook management routes only creating an endpoint and sending a test message
 * resolve names. The delivery function resolves for every message and loads it at init instead
 * (loadResolver, from webhook-deps.ts).
 */
export const loadResolver = () => process.getBuiltinModule('node:dns');

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

function describe(err: Error & { code?: string }, timedOut: boolean): string {
  if (timedOut) return 'timed out';
  if (err instanceof AddressRefused || err.name === 'AddressRefused') return 'address not allowed';
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

export class HttpWebhookTransport implements WebhookTransport {
  constructor(
    private readonly timeoutMs = Number(optionalEnv('WEBHOOK_TIMEOUT_MS', String(DELIVERY_TIMEOUT_MS))),
  ) {}

  resolve(host: string): Promise<string[]> {
    return new Promise((resolve) =>
      loadResolver().lookup(host, { all: true }, (err, addresses) =>
        resolve(err ? [] : addresses.map((a) => a.address)),
      ),
    );
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
    const send = url.protocol === 'https:' ? httpsRequest : httpModule().request;
    return new Promise((resolve) => {
      let timedOut = false;
      let settled = false;
      const done = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = send(
        url,
        {
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
        },
        (res) => {
          const statusCode = res.statusCode ?? 0;
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) res.destroy();
          });
          const finish = () =>
            done(
              statusCode >= 200 && statusCode < 300
                ? { ok: true, statusCode }
                : {
                    ok: false,
                    statusCode,
                    error:
                      statusCode >= 300 && statusCode < 400 ? 'redirect not followed' : `HTTP ${statusCode}`,
                  },
            );
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', finish);
        },
      );
      const timer = setTimeout(
        () => {
          timedOut = true;
          req.destroy(new Error('timeout'));
        },
        Math.min(timeoutMs ?? this.timeoutMs, this.timeoutMs),
      );
      req.on('error', (err) => done({ ok: false, statusCode: null, error: describe(err, timedOut) }));
      req.end(message.body);
    });
  }
}
