/**
 * The delivery queue (SQS): one message per delivery attempt that is due now or later. SQS delays
 * a message by at most 15 minutes, so a later attempt hops: the consumer sends it on again until
 * it is due. Locally the endpoint is the embedded stack's SQS emulation (`AWS_ENDPOINT_URL_SQS`).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue, DeliveryRef } from '../usecases/ports/webhooks.js';
import { requiredEnv } from './env.js';

/** SQS's longest message delay. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

let client: SQSClient | undefined;
export function sqsClient(): SQSClient {
  client ??= new SQSClient({});
  return client;
}

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string,
  ) {}

  static fromEnv(): SqsDeliveryQueue {
    return new SqsDeliveryQueue(
      sqsClient(),
      requiredEnv('WEBHOOK_QUEUE_URL'),
      requiredEnv('WEBHOOK_DLQ_URL'),
    );
  }

  async enqueue(ref: DeliveryRef, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(ref),
        DelaySeconds: Math.max(0, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(delaySeconds))),
      }),
    );
  }

  async deadLetter(ref: DeliveryRef): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.deadLetterUrl, MessageBody: JSON.stringify(ref) }),
    );
  }
}
