/**
 * The single table as the item modules use it: the client, the table's name, the retention policy
 * that sets each item's expiry, and the few ways every module reads and writes (by key, created
 * once, the next version, a put, update or delete under a condition, paged queries), with a failed
 * condition reported as core's ConditionFailed.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../../core/errors.js';
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

/**
 * The condition of a conditional write, with the attribute names and values its expressions use
 * (an update's expression shares them).
 */
export interface WriteCondition {
  condition: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

const expressionParts = ({ condition, names, values }: WriteCondition) => ({
  ConditionExpression: condition,
  ...(names ? { ExpressionAttributeNames: names } : {}),
  ...(values ? { ExpressionAttributeValues: values } : {}),
});

/** A write whose condition failed becomes core's ConditionFailed with `message`. */
async function conditional<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      (err as Error).name === 'ConditionalCheckFailedException'
    ) {
      throw new ConditionFailed(message);
    }
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

  async putItem(item: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.name, Item: item }));
  }

  /** Writes an item that must not exist yet; ConditionFailed with `message` if it does. */
  async createItem(item: Record<string, unknown>, message: string): Promise<void> {
    await this.conditionalPut(item, { condition: 'attribute_not_exists(PK)' }, message);
  }

  /**
   * Writes a versioned item (its `version` one above the one read) if nobody else wrote it since:
   * the stored `version` must still be `version - 1`. ConditionFailed with `message` otherwise.
   */
  async putNextVersion(item: Record<string, unknown> & { version: number }, message: string): Promise<void> {
    await this.conditionalPut(
      item,
      {
        condition: '#version = :expected',
        names: { '#version': 'version' },
        values: { ':expected': item.version - 1 },
      },
      message,
    );
  }

  /** Writes (replaces) an item if `when` holds for the stored one; ConditionFailed with `message` otherwise. */
  async conditionalPut(item: Record<string, unknown>, when: WriteCondition, message: string): Promise<void> {
    await conditional(
      this.db.send(new PutCommand({ TableName: this.name, Item: item, ...expressionParts(when) })),
      message,
    );
  }

  /**
   * Updates the item under `key` with `update` (e.g. `SET usedAt = :now`) if `when` holds for it;
   * ConditionFailed with `message` otherwise. `when`'s names and values serve both expressions.
   */
  async conditionalUpdate(
    key: Record<string, string>,
    update: string,
    when: WriteCondition,
    message: string,
  ): Promise<void> {
    await conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: update,
          ...expressionParts(when),
        }),
      ),
      message,
    );
  }

  /** Deletes the item under `key` if `when` holds for it; ConditionFailed with `message` otherwise. */
  async conditionalDelete(key: Record<string, string>, when: WriteCondition, message: string): Promise<void> {
    await conditional(
      this.db.send(new DeleteCommand({ TableName: this.name, Key: key, ...expressionParts(when) })),
      message,
    );
  }

  async deleteItem(key: Record<string, string>): Promise<boolean> {
    const out = await this.db.send(
      new DeleteCommand({ TableName: this.name, Key: key, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
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
