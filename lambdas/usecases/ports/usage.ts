/** Port for the usage records invoicing rests on. */
import type { UsageRecord, VerifyCounts } from '../../core/usage.js';

export interface VerifyCounterKey {
  clientId: string;
  claimedIdentity: string;
  month: string;
}

export interface UsageLog {
  /** Each record is keyed by refId and event: writing one again changes nothing. */
  putUsageRecords(records: readonly UsageRecord[]): Promise<void>;
  /** Adds to one shard of a claimed identity's monthly verify counter. */
  addVerifyCounts(
    key: VerifyCounterKey & { shard: number },
    delta: { calls: number; positive: number; negative: number },
  ): Promise<void>;
  /** One SP's billable events and verify counter shards in one month. */
  usageOf(clientId: string, month: string): Promise<{ events: UsageRecord[]; verify: VerifyCounts[] }>;
}
