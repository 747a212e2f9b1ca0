/**
 * The table's change feed (order items) → the terms wait told of an acceptance the terms page
 * recorded (usecases/acceptance-relay.ts, ADR 0022): registers a person whose page died between
 * recording the acceptance and telling the state machine. A record it fails to tell is reported,
 * so the feed delivers it (and those after it) again.
 */

import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { orderTableStores } from '../adapters/aws-clients.js';
import { orderChangeOf } from '../adapters/dynamo/order-changes.js';
import { logger } from '../adapters/logger.js';
import { sfnClient, TaskCallbacks } from '../adapters/workflow/step-functions.js';
import { batchHandler } from '../http/event-source.js';
import { tellRecordedAcceptance } from '../usecases/acceptance-relay.js';

const deps = { repository: orderTableStores(), callbacks: new TaskCallbacks(sfnClient()) };

export const handler = batchHandler(
  'terms-acceptance-relay',
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      try {
        const change = orderChangeOf(record);
        if (!change) continue;
        if (await tellRecordedAcceptance(deps, change))
          logger.info('recorded acceptance told', { refId: change.after.refId });
      } catch (err) {
        logger.error('telling a recorded acceptance failed', { errorName: (err as Error).name });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  },
);
