/**
 * The business metrics for a function that seldom counts — isp-callback: a partner message refused,
 * an order a partner cancelled or failed, never its usual status event. adapters/metrics.ts and
 * Powertools Metrics are loaded by the first count, by `import()`: a lazy module beside the bundle
 * (ADR 0023), so the cold start does not parse them (~10 KB). Each count is awaited, so that its
 * EMF line is written before the answer, as the direct counts are. What crosses to the lazy module
 * is the order (a plain value) and strings; it builds the only Metrics instance of the function.
 *
 * A count never changes an answer: the callers await it inside the order mutation and the edge's
 * refusal path, so a module that cannot be loaded (a lost file, a full disk) would otherwise turn a
 * refusal or an applied event into a 500. It is logged instead, without the order.
 */
import type { Order } from '../core/order.js';
import type { LifecycleMetrics } from '../usecases/ports/metrics.js';
import { logger } from './logger.js';
import { lifecycleCount } from './metric-counts.js';

type MetricsModule = typeof import('./metrics.js');

/** The counts with the metrics module loaded by `load`, on its first use (tests pass a failing one). */
export function metricsOnDemand(load: () => Promise<MetricsModule>) {
  const count = async (what: string, write: (metrics: MetricsModule) => void) => {
    try {
      write(await load());
    } catch (err) {
      logger.warn('metric not counted', { metric: what, errorName: (err as Error)?.name });
    }
  };
  const lifecycleMetrics: LifecycleMetrics = {
    async statusReached(order: Order) {
      // A status that counts nothing loads nothing.
      if (lifecycleCount(order))
        await count('statusReached', (metrics) => metrics.lifecycleMetrics.statusReached(order));
    },
  };
  /** partnerMessageRefused (adapters/metrics.ts), the metrics loaded by the first refusal. */
  const partnerMessageRefused = (kind: 'event' | 'evidence', reason: string): Promise<void> =>
    count('partnerMessageRefused', (metrics) => metrics.partnerMessageRefused(kind, reason));
  return { lifecycleMetrics, partnerMessageRefused };
}

// The literal `import('./metrics.js')` is what the bundler makes a lazy module of (lib/bundling.ts).
const onDemand = metricsOnDemand(() => import('./metrics.js'));

export const lifecycleMetricsOnDemand: LifecycleMetrics = onDemand.lifecycleMetrics;
export const partnerMessageRefusedOnDemand = onDemand.partnerMessageRefused;
