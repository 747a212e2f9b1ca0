import type { Order } from '../../core/order.js';

/** Business metrics of the lifecycle: each counted once, when the order changes (EMF in AWS). */
export interface LifecycleMetrics {
  /**
   * The order reached a new status. A repeated event changes nothing and counts nothing. Awaited:
   * an adapter may load its metrics on the first count (adapters/metrics-on-demand.ts).
   */
  statusReached(order: Order): void | Promise<void>;
}
