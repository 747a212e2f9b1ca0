/**
 * The generic HTTP adapter (`adapter: "http"`): opens an order on a partner's REST API.
 *
 *   POST <settings.ordersUrl>
 *   Authorization: Bearer <$tokenEnv> | Basic <$usernameEnv:$passwordEnv>
 *   Idempotency-Key: <refId>            (the same on every retry of one order)
 *   Content-Type: application/json
 *   { our fields under the partner's names, see settings.requestFields }
 *
 * The partner answers 2xx with JSON holding its order id and the URL to send the person to (read
 * with the JSON pointers of settings.response). Network errors, timeouts, 5xx and 429 are retried
 * with exponential backoff and jitter (a Retry-After is honoured up to a cap); what remains is an
 * `IspUnavailable` the start call answers with 503. A 4xx or an answer we cannot read is not
 * retried: `IspUnavailable` → 502. Secrets come from environment variables whose NAMES the
 * settings give, never from the configuration itself, read through adapters/env.ts (only variables
 * listed in PARTNER_SECRETS).
 */

import { IspUnavailable, PartnerMisconfigured } from '../../core/errors.js';
import type { HttpAdapterSettings as Settings } from '../../core/isp-http.js';
import { isLoopbackHttp, LOOPBACK_HTTP_REFUSED_IN_PRODUCTION } from '../../core/loopback.js';
import type { IspAdapter, OpenedOrder, OpenOrderInput } from '../../usecases/ports/partner.js';
import { partnerSecretEnv, stageAllowsLoopbackHttp } from '../env.js';
import { logger } from '../logger.js';

export const HTTP_ADAPTER_NAME = 'http';
const MAX_ANSWER_BYTES = 64 * 1024;

export interface HttpAdapterDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Whether the stage lets partner URLs use http to the loopback interface; by default from STAGE. */
  allowLoopbackHttp?: () => boolean;
  random?: () => number;
  now?: () => Date;
}

function authorizationOf(auth: Settings['auth']): string {
  if (auth.type === 'bearer') return `Bearer ${partnerSecretEnv(auth.tokenEnv)}`;
  const user = partnerSecretEnv(auth.usernameEnv);
  const password = partnerSecretEnv(auth.passwordEnv);
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * The operator's misconfiguration, not the caller's nor the partner's: one error log line naming
 * the partner and the setting (never a value), and an error the start call answers with 503.
 */
function misconfigured(issuer: string, setting: string, reason: string): PartnerMisconfigured {
  logger.error('partner settings cannot be used', { issuer, setting, reason });
  return new PartnerMisconfigured(issuer, setting, reason);
}

export function createHttpAdapter(deps: HttpAdapterDeps = {}): IspAdapter {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = deps.random ?? Math.random;
  const now = deps.now ?? (() => new Date());
  const loopbackHttpAllowed = deps.allowLoopbackHttp ?? stageAllowsLoopbackHttp;

  return {
    name: HTTP_ADAPTER_NAME,
    async openOrder(input: OpenOrderInput): Promise<OpenedOrder> {
      // The partner API's rules (pure functions, plain values) load with the first order opened
      // this way: a lazy module (ADR 0023), not parsed by the start calls and method choice pages
      // that open none (the paper's six fields, the page's GET) or open with another adapter.
      const {
        backoffMs,
        isRetryableStatus,
        orderRequestBody,
        parseRetryAfter,
        readHttpAdapterSettings,
        readOrderAnswer,
        targetUrlWithToken,
      } = await import('../../core/isp-http.js');
      const issuer = input.isp.issuer;
      // Read as the settings' schema reads them, without zod (the configuration was validated with it).
      const s = readHttpAdapterSettings(input.isp.settings);
      if (!s) throw misconfigured(issuer, 'settings', "they do not read as the http adapter's settings");
      const allowLoopbackHttp = loopbackHttpAllowed();
      // Settings seeded for another stage (the seed command refuses them for a production table).
      if (!allowLoopbackHttp && isLoopbackHttp(new URL(s.ordersUrl)))
        throw misconfigured(issuer, 'settings.ordersUrl', LOOPBACK_HTTP_REFUSED_IN_PRODUCTION);
      const body = JSON.stringify(
        orderRequestBody(s, {
          refId: input.refId,
          firstName: input.person.firstName,
          lastName: input.person.lastName,
          dob: input.person.dob,
          email: input.person.email,
          mobile: input.person.mobile,
          language: input.person.language,
          method: input.method,
          loa: input.loa,
          jurisdictions: input.jurisdictions,
          expiresAt: input.expiresAt.toISOString(),
          orderToken: input.orderToken,
          callbackUrl: `${input.serviceBaseUrl}/isp/v1`,
        }),
      );
      let authorization: string;
      try {
        authorization = authorizationOf(s.auth);
      } catch (err) {
        // Our misconfiguration, not the partner's failure: a 500, and a log line saying which
        // variable (InvalidEnvironment's message names it, never its value).
        logger.error('partner secret not available', { issuer, reason: (err as Error).message });
        throw err;
      }
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization,
        'idempotency-key': input.refId,
      };

      let failure = 'no attempt made';
      let wait = 0;
      for (let attempt = 0; attempt <= s.retries; attempt++) {
        if (attempt > 0) await sleep(wait);
        wait = backoffMs(attempt, s.retryBaseDelayMs, random());
        let status: number;
        let text: string;
        let retryAfter: string | null = null;
        try {
          const res = await doFetch(s.ordersUrl, {
            method: 'POST',
            headers,
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(s.timeoutMs),
          });
          status = res.status;
          retryAfter = res.headers.get('retry-after');
          // The timeout covers the answer's body too.
          text = await res.text();
        } catch (err) {
          const name = (err as Error).name;
          failure = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'unreachable';
          logger.warn('partner attempt failed', { issuer, attempt, failure });
          continue;
        }

        if (status >= 200 && status < 300) {
          let answer: unknown;
          try {
            if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) throw new Error('too large');
            answer = JSON.parse(text);
          } catch {
            logger.warn('partner answer unreadable', { issuer, attempt, status });
            throw new IspUnavailable(`${issuer} answered with malformed JSON`, false);
          }
          const read = readOrderAnswer(s, answer, allowLoopbackHttp);
          if (!read.ok) {
            logger.warn('partner answer incomplete', { issuer, attempt, status, reason: read.reason });
            throw new IspUnavailable(`${issuer} answered with ${read.reason}`, false);
          }
          return {
            ispOrderId: read.ispOrderId,
            targetURL: targetUrlWithToken(read.redirectUrl, s.redirectTokenParameter, input.orderToken),
          };
        }

        logger.warn('partner refused the order', { issuer, attempt, status });
        if (!isRetryableStatus(status)) {
          throw new IspUnavailable(`${issuer} answered ${status}`, false);
        }
        failure = `answered ${status}`;
        const askedMs = parseRetryAfter(retryAfter, now());
        if (askedMs !== undefined) {
          // Asked to come back later than we can wait within one start call: stop here.
          if (askedMs > s.maxRetryAfterMs) break;
          wait = Math.max(wait, askedMs);
        }
      }
      throw new IspUnavailable(`${issuer} ${failure}`, true);
    },
  };
}

export const httpAdapter = createHttpAdapter();
