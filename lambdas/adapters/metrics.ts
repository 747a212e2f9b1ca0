/**
 * Business metrics as CloudWatch embedded metric format (EMF) lines, through Powertools Metrics:
 * CloudWatch turns each line of the function's log into metric data points, with no API call and
 * no IAM permission. Dimensions are the partner (issuer, method), the cancellation's kind and the
 * refusal's reason — bounded sets the service itself names, never a caller's value or person data.
 *
 *   IdentificationsStarted    issuer, method ("none" while the person chooses)
 *   IdentificationsCompleted  issuer, method   (terms accepted: the registration is written)
 *   IdentificationsCancelled  issuer, method, kind (user, isp, unsuccessful, expired)
 *   IdentificationsFailed     issuer, method   (a step failed for good)
 *   VerifyPositive, VerifyNegative  (the answers' sums, at most once per interval: verifyAnswerMetrics)
 *   PartnerMessagesRefused    kind (event, evidence), reason (the problem's slug)
 *
 * POWERTOOLS_METRICS_DISABLED=true writes none (the embedded stack's default); the namespace is
 * POWERTOOLS_METRICS_NAMESPACE, else METRICS_NAMESPACE.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LifecycleMetrics } from '../usecases/ports/metrics.js';
import { optionalEnv } from './env.js';
import { lifecycleCount, NO_PARTNER } from './metric-counts.js';
import { SERVICE_NAME } from './service-name.js';

export { NO_PARTNER };
export const METRICS_NAMESPACE = 'SmartRegistration';

/**
 * The one instance every count goes through: each count is an EMF line of its own (a single
 * metric; its dimensions and metric are cleared after the line), so no other instance is needed.
 * Built by the first count — a function whose calls seldom count (the partner callback: refusals
 * and cancellations) builds none at cold start, and loads this module only then
 * (metrics-on-demand.ts) — or by `buildMetricsAtColdStart()`, which the
 * functions that count on nearly every call run at init: there the first construction (1.3–2.5 ms
 * of CPU, Powertools' code compiled) belongs to the cold start, not to their first call.
 */
let single: Metrics | undefined;

function instance(): Metrics {
  single ??= new Metrics({
    namespace: optionalEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE),
    serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', SERVICE_NAME),
    singleMetric: true,
  });
  return single;
}

/** For the functions that count on (nearly) every call: the instance built at init. */
export function buildMetricsAtColdStart(): void {
  instance();
}

/**
 * One count with its own dimensions, written at once: counts of one invocation never mix dimensions.
 * `at` (epoch ms) stamps a sum of earlier events with when they began; else the line is stamped now.
 */
function count(name: string, dimensions: Record<string, string> = {}, value = 1, at?: number): void {
  const metrics = instance();
  for (const [dimension, named] of Object.entries(dimensions)) metrics.addDimension(dimension, named);
  if (at !== undefined) metrics.setTimestamp(at);
  metrics.addMetric(name, MetricUnit.Count, value);
}

export const lifecycleMetrics: LifecycleMetrics = {
  statusReached(order) {
    const counted = lifecycleCount(order);
    if (counted) count(counted.name, counted.dimensions);
  },
};

export function identificationStarted(partner: {
  issuer?: string | undefined;
  method?: string | undefined;
}): void {
  count('IdentificationsStarted', {
    issuer: partner.issuer ?? NO_PARTNER,
    method: partner.method ?? NO_PARTNER,
  });
}

/** CloudWatch's finest period for these metrics: a sum never spans two. */
const MINUTE_MS = 60_000;

/**
 * Verify's answers as sums (docs/decisions/0029): an answer is added to the container's pending
 * sums, which are written — one EMF line per metric, its value the sum, stamped with the first
 * pending answer's time — when the last write is `intervalMs` old: with every answer when calls are
 * further apart, once per interval on a busy instance, as the verify counter writes its counts.
 * Sums older than the interval, or begun in an earlier minute, are written first, stamped with
 * their own time, so every answer counts in the minute it was given in (one sum stamped with its
 * first answer's time would put the next minute's answers in the last). CloudWatch's Sum is the
 * number of answers (SampleCount is the number of lines); what an instance holds when Lambda
 * retires it is lost: at most one interval's answers. 0 writes every answer on its own line.
 */
export function verifyAnswerMetrics(
  intervalMs: number,
  now: () => number = Date.now,
): (positive: boolean) => void {
  let positive = 0;
  let negative = 0;
  let since = 0;
  /** Whichever ends first of the pending sums' interval and minute: an answer then finds them written. */
  let pendingUntil = 0;
  let lastWrite = Number.NEGATIVE_INFINITY;
  const writePending = () => {
    if (positive) count('VerifyPositive', {}, positive, since);
    if (negative) count('VerifyNegative', {}, negative, since);
    positive = 0;
    negative = 0;
  };
  return (answeredPositive) => {
    const at = now();
    // Sums left from before an idle spell (a busy instance writes before they age) or from the minute
    // before: their own line.
    if (positive + negative > 0 && at >= pendingUntil) writePending();
    if (positive + negative === 0) {
      since = at;
      pendingUntil = Math.min(at + intervalMs, at - (at % MINUTE_MS) + MINUTE_MS);
    }
    if (answeredPositive) positive += 1;
    else negative += 1;
    if (at - lastWrite >= intervalMs) {
      writePending();
      lastWrite = at;
    }
  };
}

/** A partner message the service refused; the unverified `iss` is no dimension (anyone can send one). */
export function partnerMessageRefused(kind: 'event' | 'evidence', reason: string): void {
  count('PartnerMessagesRefused', { kind, reason });
}
