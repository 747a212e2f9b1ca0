/**
 * DynamoDB Time to Live, emulated for the embedded DynamoDB (dynalite has none): items whose `ttl`
 * attribute (epoch seconds) lies in the past are deleted, as AWS does some time after expiry. Only
 * the mechanism lives here; what expires when is written into `ttl` by lambdas/ (the retention
 * policy, lambdas/core/retention.ts).
 */
import { DeleteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '../lambdas/adapters/dynamo/table-schema.js';

export class LocalTimeToLive {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Sweeps every `intervalMs` in the background (AWS deletes within days; locally within the interval). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.sweep().catch(() => undefined);
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes every item expired at `now` (default: the clock); answers how many. One sweep at a time. */
  sweep(now = new Date()): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    const run = previous.catch(() => 0).then(() => this.deleteExpired(Math.floor(now.getTime() / 1000)));
    this.running = run;
    return run;
  }

  private async deleteExpired(nowEpoch: number): Promise<number> {
    // The whole scan first: deleting between pages would move the embedded DynamoDB's page start.
    const expired: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#ttl < :now',
          ProjectionExpression: 'PK, SK',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowEpoch },
          ExclusiveStartKey: startKey,
        }),
      );
      expired.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    let deleted = 0;
    for (const key of expired) {
      try {
        // Only if still expired: an item written again meanwhile stays, as in AWS.
        await this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: key,
            ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': nowEpoch },
          }),
        );
        deleted += 1;
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
    }
    return deleted;
  }
}
