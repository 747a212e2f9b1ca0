/**
 * A month's usage per SP and the statement the price sheet in effect that month makes of it: one
 * pricing for GET /api/usage and `npm run admin -- usage` (core/statement.ts).
 */
import { offeredMethods, type Statement, statementOf } from '../core/statement.js';
import { countIdentifications, type SpUsage, sumVerifyCounts } from '../core/usage.js';
import type { ConfigReader } from './ports/config.js';
import type { UsageLog } from './ports/usage.js';

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

/** One SP's month: its counts and their statement (undefined: no SP setup). */
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
  return { usage, statement: statementOf(usage, sp, offeredMethods(isps, sp)) };
}
