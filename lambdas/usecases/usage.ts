/**
 * Usage for invoicing, the writing side: the billable identification events projected from an
 * order. Counting verify calls: verify-call-counter.ts; a month's figures and statement per SP:
 * monthly-usage.ts (the usage route's; pricing stays out of the functions that only record).
 */
import type { Order } from '../core/order.js';
import { usageRecordsOf } from '../core/usage.js';
import type { UsageLog } from './ports/usage.js';

export type UsagePort = Pick<UsageLog, 'putUsageRecords'>;

/**
 * Writes the billable events of an order's whole history. Called after every write of the order
 * and again when a step or a partner repeats itself: whatever a crashed function left unwritten
 * is written by the retry, and what was written already is written identically.
 */
export async function recordUsage(repository: UsagePort, order: Order): Promise<void> {
  await repository.putUsageRecords(usageRecordsOf(order));
}
