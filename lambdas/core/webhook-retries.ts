/** When a failed webhook delivery is tried again, and when it has failed for good. Pure. */
import type { WebhookDelivery } from './webhooks.js';

/** Delays before the 2nd, 3rd, … attempt: about 27 hours in all, then failed for good. */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

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
