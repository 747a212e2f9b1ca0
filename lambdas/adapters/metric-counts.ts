/**
 * Which of an order's statuses the business metrics count, under which name and dimensions
 * (adapters/metrics.ts): read by the metrics themselves and by metrics-on-demand.ts, which loads
 * them only for a status that counts.
 */
import { currentStatus, type Order } from '../core/order.js';

/** The issuer and method of an order no partner was chosen for yet. */
export const NO_PARTNER = 'none';

const partnerOf = (order: Pick<Order, 'issuer' | 'method'>) => ({
  issuer: order.issuer ?? NO_PARTNER,
  method: order.method ?? NO_PARTNER,
});

/** The count an order's new status makes, if any: completed, failed, cancelled (by kind). */
export function lifecycleCount(
  order: Order,
): { name: string; dimensions: Record<string, string> } | undefined {
  const status = currentStatus(order);
  if (status === 'terms-accepted') return { name: 'IdentificationsCompleted', dimensions: partnerOf(order) };
  if (status === 'failed') return { name: 'IdentificationsFailed', dimensions: partnerOf(order) };
  if (status === 'cancelled') {
    const kind = order.statuses.at(-1)?.kind ?? 'unknown';
    return { name: 'IdentificationsCancelled', dimensions: { ...partnerOf(order), kind } };
  }
  return undefined;
}
