/**
 * The table's change feed (DynamoDB Streams, new and old images) → one queued delivery per status
 * an order gained and per subscribed endpoint. Failures are reported per record, so the feed
 * delivers the failed record and those after it again, in order.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { webhookTableStores } from '../adapters/aws-clients.js';
import { ORDER_SK } from '../adapters/dynamo/table-schema.js';
import { logger } from '../adapters/logger.js';
import { SqsDeliveryQueue } from '../adapters/webhook-queue.js';
import type { Order } from '../core/order.js';
import { batchHandler } from '../http/event-source.js';
import { fanOutStatusChanges } from '../usecases/webhook-delivery.js';

const deps = { repository: webhookTableStores(), queue: SqsDeliveryQueue.fromEnv(), clock: () => new Date() };

type Image = Record<string, AttributeValue> | undefined;
const orderOf = (image: Image) => (image ? (unmarshall(image) as Order) : undefined);

export const handler = batchHandler(
  'webhook-fanout',
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      const keys = record.dynamodb?.Keys as Image;
      // Only orders matter here (the event source's filter already says so in AWS).
      if (keys?.SK?.S !== ORDER_SK || !record.dynamodb?.NewImage) continue;
      try {
        const after = orderOf(record.dynamodb.NewImage as Image) as Order;
        const queued = await fanOutStatusChanges(deps, {
          before: orderOf(record.dynamodb.OldImage as Image),
          after,
        });
        if (queued) logger.info('webhook deliveries queued', { refId: after.refId, queued });
      } catch (err) {
        logger.error('webhook fan-out failed', { errorName: (err as Error).name });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  },
);
