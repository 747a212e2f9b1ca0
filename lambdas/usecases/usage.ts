/**
 * Usage for invoicing: billable identification events projected from orders, verify calls
 * counted per claimed identity, and a month's figures and statement per SP.
 */
import type { Order } from '../core/order.js';
import { enabledMethods, type Statement, statementOf } from '../core/statement.js';
import { countIdentifications, type SpUsage, sumVerifyCounts, usageRecordsOf } from '../core/usage.js';
import type { ConfigReader } from './ports/config.js';
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

/** One SP's counts in one month. */
export async function usageOf(
  repository: Pick<UsageLog, 'usageOf'>,
  clientId: string,
  month: string,
): Promise<SpUsage> {
  const { events, verify } = await repository.usageOf(clientId, month);
  return { month, clientId, identifications: countIdentifications(events), verify: sumVerifyCounts(verify) };
}

export interface MonthlyUsage {
  usage: SpUsage;
  statement: Statement;
}

/** One SP's month: its counts and the statement its price sheet makes of them (undefined: no SP setup). */
export async function monthlyUsage(
  repository: Pick<UsageLog, 'usageOf'> & Pick<ConfigReader, 'getSpSetup' | 'listIsps'>,
  clientId: string,
  month: string,
): Promise<MonthlyUsage | undefined> {
  const [usage, sp, isps] = await Promise.all([
    usageOf(repository, clientId, month),
    repository.getSpSetup(clientId),
    repository.listIsps(),
  ]);
  if (!sp) return undefined;
  return { usage, statement: statementOf(usage, sp, enabledMethods(isps, sp)) };
}
