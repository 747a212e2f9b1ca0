/**
 * The business metrics for a function that seldom counts — isp-callback: a partner message refused,
 * an order a partner cancelled or failed, never its usual status event. adapters/metrics.ts and
 * Powertools Metrics are loaded by the first count, by `import()`: a lazy module beside the bundle
 * (ADR 0023), so the cold start does not parse them (~10 KB). Each count is awaited, so that its
 * EMF line is written before the answer, as the direct counts are. What crosses to the lazy module
 * is the order (a plain value) and strings; it builds the only Metrics instance of the function.
 */
import type { Order } from '../core/order.js';
import type { LifecycleMetrics } from '../usecases/ports/metrics.js';
import { lifecycleCount } from './metric-counts.js';

const metrics = () => import('./metrics.js');

export const lifecycleMetricsOnDemand: LifecycleMetrics = {
  async statusReached(order: Order) {
    // A status that counts nothing loads nothing.
    if (lifecycleCount(order)) (await metrics()).lifecycleMetrics.statusReached(order);
  },
};

/** partnerMessageRefused (adapters/metrics.ts), the metrics loaded by the first refusal. */
export async function partnerMessageRefusedOnDemand(
  kind: 'event' | 'evidence',
  reason: string,
): Promise<void> {
  (await metrics()).partnerMessageRefused(kind, reason);
}
