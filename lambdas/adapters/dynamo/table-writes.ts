/**
 * The table's writes: an item put, created once, its next version, a put, update or delete under a
 * condition, with a failed condition reported as core's ConditionFailed. Functions of the table
 * rather than methods of `Table`, so that a bundle carries the SDK's write commands only where an
 * item module it uses writes that way: each command costs about 0.5 M instructions of the import
 * (its classes and schemas are built when the bundle loads; docs/benchmarks.md §3, tenth round),
 * and verify, which reads two items and adds to a counter, carries neither the put nor the delete.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../../core/errors.js';
import type { Table } from './table.js';

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

export async function putItem(table: Table, item: Record<string, unknown>): Promise<void> {
  await table.db.send(new PutCommand({ TableName: table.name, Item: item }));
}

/** Writes an item that must not exist yet; ConditionFailed with `message` if it does. */
export async function createItem(
  table: Table,
  item: Record<string, unknown>,
  message: string,
): Promise<void> {
  await conditionalPut(table, item, { condition: 'attribute_not_exists(PK)' }, message);
}

/**
 * Writes a versioned item (its `version` one above the one read) if nobody else wrote it since:
 * the stored `version` must still be `version - 1`. ConditionFailed with `message` otherwise.
 */
export async function putNextVersion(
  table: Table,
  item: Record<string, unknown> & { version: number },
  message: string,
): Promise<void> {
  await conditionalPut(
    table,
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
export async function conditionalPut(
  table: Table,
  item: Record<string, unknown>,
  when: WriteCondition,
  message: string,
): Promise<void> {
  await conditional(
    table.db.send(new PutCommand({ TableName: table.name, Item: item, ...expressionParts(when) })),
    message,
  );
}

/**
 * Updates the item under `key` with `update` (e.g. `SET usedAt = :now`) if `when` holds for it;
 * ConditionFailed with `message` otherwise. `when`'s names and values serve both expressions.
 */
export async function conditionalUpdate(
  table: Table,
  key: Record<string, string>,
  update: string,
  when: WriteCondition,
  message: string,
): Promise<void> {
  await conditional(
    table.db.send(
      new UpdateCommand({
        TableName: table.name,
        Key: key,
        UpdateExpression: update,
        ...expressionParts(when),
      }),
    ),
    message,
  );
}

/** Deletes the item under `key` if `when` holds for it; ConditionFailed with `message` otherwise. */
export async function conditionalDelete(
  table: Table,
  key: Record<string, string>,
  when: WriteCondition,
  message: string,
): Promise<void> {
  await conditional(
    table.db.send(new DeleteCommand({ TableName: table.name, Key: key, ...expressionParts(when) })),
    message,
  );
}

/** Deletes the item under `key`; whether there was one. */
export async function deleteItem(table: Table, key: Record<string, string>): Promise<boolean> {
  const out = await table.db.send(
    new DeleteCommand({ TableName: table.name, Key: key, ReturnValues: 'ALL_OLD' }),
  );
  return out.Attributes !== undefined;
}
