/**
 * The delivery queue (SQS) → one attempt per message. A message that fails here (not the
 * receiver: the function) is reported and comes back after the visibility timeout; after a few
 * such returns SQS moves it to the dead-letter queue, which raises an alarm.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../adapters/logger.js';
import { deliveryDeps } from '../adapters/webhook-deps.js';
import { batchHandler } from '../http/event-source.js';
import type { DeliveryRef } from '../usecases/ports/webhooks.js';
import { deliverWebhook } from '../usecases/webhook-delivery.js';

const deps = deliveryDeps();

function refOf(body: string): DeliveryRef | undefined {
  try {
    const ref = JSON.parse(body) as Partial<DeliveryRef>;
    if (
      typeof ref.clientId === 'string' &&
      typeof ref.endpointId === 'string' &&
      typeof ref.messageId === 'string'
    ) {
      return ref as DeliveryRef;
    }
  } catch {
    // not ours: dropped below
  }
  return undefined;
}

export const handler = batchHandler('webhook-deliver', async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const ref = refOf(record.body);
    if (!ref) {
      logger.warn('unreadable delivery message dropped', { messageId: record.messageId });
      continue;
    }
    try {
      const step = await deliverWebhook(deps, ref);
      const log = step === 'failed' ? logger.warn.bind(logger) : logger.info.bind(logger);
      log('webhook delivery step', { endpointId: ref.endpointId, webhookId: ref.messageId, step });
    } catch (err) {
      logger.error('webhook delivery failed', { errorName: (err as Error).name, webhookId: ref.messageId });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
