/**
 * The table's change feed (DynamoDB Streams, new and old images) read as order changes: a record of
 * an order item becomes the order before (absent for a new one) and after; any other record — an
 * item of another kind, an order deleted — is no order change.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Order } from '../../core/order.js';
import { ORDER_SK } from './table-schema.js';

type Image = Record<string, AttributeValue> | undefined;

const orderOf = (image: Image) => (image ? (unmarshall(image) as Order) : undefined);

/** The order change a stream record carries (the fan-out's OrderChange), or undefined if it carries none. */
export function orderChangeOf(
  record: DynamoDBRecord,
): { before: Order | undefined; after: Order } | undefined {
  const change = record.dynamodb;
  // Only orders matter here (the event source's filter already says so in AWS).
  if ((change?.Keys as Image)?.SK?.S !== ORDER_SK || !change?.NewImage) return undefined;
  return {
    before: orderOf(change.OldImage as Image),
    after: orderOf(change.NewImage as Image) as Order,
  };
}
