/** Usage for invoicing: billable events (one item per order and event) and sharded verify counters. */
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { usageExpiry, verifyCounterExpiry } from '../../core/retention.js';
import type { UsageRecord, VerifyCounts } from '../../core/usage.js';
import type { UsageLog } from '../../usecases/ports/usage.js';
import { entity, type Table } from './table.js';
import { keys, TTL_ATTRIBUTE } from './table-schema.js';

/** The verify call's counter write (its bundle carries no other usage item). */
export function verifyCounterWrites(table: Table): Pick<UsageLog, 'addVerifyCounts'> {
  return {
    /** Adds to a verify counter (one shard of one claimed identity's month). */
    async addVerifyCounts(
      key: { clientId: string; month: string; claimedIdentity: string; shard: number },
      delta: { calls: number; positive: number; negative: number },
    ): Promise<void> {
      await table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: keys.verifyCounter(key.clientId, key.month, key.claimedIdentity, key.shard),
          UpdateExpression:
            'SET clientId = :c, #month = :m, claimedIdentity = :ci, #ttl = :ttl ADD calls :calls, positive :pos, negative :neg',
          ExpressionAttributeNames: { '#month': 'month', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':ttl': verifyCounterExpiry(key.month, table.retention),
            ':c': key.clientId,
            ':m': key.month,
            ':ci': key.claimedIdentity,
            ':calls': delta.calls,
            ':pos': delta.positive,
            ':neg': delta.negative,
          },
        }),
      );
    },
  };
}

export function usageItems(table: Table): UsageLog {
  return {
    /**
     * Stores billable events. Each is keyed by its refId and event and always has the same content,
     * so writing one again (a retried step, a duplicated partner message) changes nothing.
     */
    async putUsageRecords(records: readonly UsageRecord[]): Promise<void> {
      for (let i = 0; i < records.length; i += 25) {
        let requests = records.slice(i, i + 25).map((r) => ({
          PutRequest: {
            Item: {
              ...keys.usageEvent(r.clientId, r.month, r.refId, r.event),
              ...r,
              [TTL_ATTRIBUTE]: usageExpiry(r.at, table.retention),
            },
          },
        }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt === 5) throw new Error('Usage records not written: DynamoDB left them unprocessed');
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const out = await table.db.send(
            new BatchWriteCommand({ RequestItems: { [table.name]: requests } }),
          );
          requests = (out.UnprocessedItems?.[table.name] ?? []) as typeof requests;
        }
      }
    },

    ...verifyCounterWrites(table),

    /** One SP's usage in one month: its billable events and its verify counter shards. */
    async usageOf(
      clientId: string,
      month: string,
    ): Promise<{ events: UsageRecord[]; verify: VerifyCounts[] }> {
      const events: UsageRecord[] = [];
      const verify: VerifyCounts[] = [];
      for await (const item of table.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.usage(clientId, month).PK },
      })) {
        if (String(item.SK).startsWith('EVENT#')) events.push(entity<UsageRecord>(item) as UsageRecord);
        else if (String(item.SK).startsWith('VERIFY#'))
          verify.push(entity<VerifyCounts>(item) as VerifyCounts);
      }
      return { events, verify };
    },
  };
}
