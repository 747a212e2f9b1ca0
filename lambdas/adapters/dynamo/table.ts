/**
 * The single table as the item modules use it: the client, the table's name, the retention policy
 * that sets each item's expiry, and the ways every module reads (by key, paged queries). Its writes
 * are functions of the table in table-writes.ts.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RetentionPolicy } from '../../core/retention.js';
import { InvalidKeyPart, TTL_ATTRIBUTE } from './table-schema.js';

export const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Strips the storage keys off an item. */
export function entity<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _g1,
    GSI1SK: _g2,
    GSI2PK: _g3,
    GSI2SK: _g4,
    [TTL_ATTRIBUTE]: _ttl,
    ...rest
  } = item;
  return rest as T;
}

/**
 * A read by a key with an ill-formed part (see keyPart) finds nothing: no such key can have been
 * written. Callers answer it as they answer any unknown id, and DynamoDB never sees the value.
 */
export async function absentIfIllFormed<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InvalidKeyPart) return undefined;
    throw err;
  }
}

export class Table {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
    /** When items expire (their `ttl`). */
    readonly retention: RetentionPolicy,
  ) {}

  /** The item under a key, built inside so that an ill-formed key part reads as no item. */
  async getItem<T>(key: () => Record<string, string>, consistent = false): Promise<T | undefined> {
    return absentIfIllFormed(async () => {
      const out = await this.db.send(
        new GetCommand({
          TableName: this.name,
          Key: key(),
          ...(consistent ? { ConsistentRead: true } : {}),
        }),
      );
      return entity<T>(out.Item);
    });
  }

  /** Pages through a query's whole result. */
  queryAll(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    return this.pages(
      (startKey) => new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: startKey }),
    );
  }

  /** Pages through a scan's whole result (operator commands only, never a request path). */
  scanAll(
    input: Omit<ConstructorParameters<typeof ScanCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    return this.pages(
      (startKey) => new ScanCommand({ ...input, TableName: this.name, ExclusiveStartKey: startKey }),
    );
  }

  private async *pages(
    page: (startKey: Record<string, unknown> | undefined) => QueryCommand | ScanCommand,
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(page(startKey) as QueryCommand);
      yield* out.Items ?? [];
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
}
