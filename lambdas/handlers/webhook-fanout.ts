/**
 * The table's change feed (DynamoDB Streams, new and old images) → one queued delivery per status
 * an order gained and per subscribed endpoint. Failures are reported per record, so the feed
 * delivers the failed record and those after it again, in order.
 */

import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { webhookTableStores } from '../adapters/aws-clients.js';
import { orderChangeOf } from '../adapters/dynamo/order-changes.js';
import { logger } from '../adapters/logger.js';
import { SqsDeliveryQueue } from '../adapters/webhook-queue.js';
import { batchHandler } from '../http/event-source.js';
import { fanOutStatusChanges } from '../usecases/webhook-delivery.js';

const deps = { repository: webhookTableStores(), queue: SqsDeliveryQueue.fromEnv(), clock: () => new Date() };

export const handler = batchHandler(
  'webhook-fanout',
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      try {
        const change = orderChangeOf(record);
        if (!change) continue;
        const queued = await fanOutStatusChanges(deps, change);
        if (queued) logger.info('webhook deliveries queued', { refId: change.after.refId, queued });
      } catch (err) {
        logger.error('webhook fan-out failed', { errorName: (err as Error).name });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  },
);
