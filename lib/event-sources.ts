/**
 * What feeds the functions that no route or task calls (lambdas/event-sources.ts): the webhook
 * delivery queue, the dead-letter queues (the deliveries' and the fan-out's; the relay's), and the
 * event source mappings from the table's stream and the queue.
 */
import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  type ChangeFeedDeadLetters,
  EVENT_SOURCE_FUNCTIONS,
  type EventSourceFunction,
} from '../lambdas/event-sources.js';
import { prefixOf, type StageConfig } from './config.js';
import type { QueueName } from './function-permissions.js';

export function createEventSourceQueues(
  scope: Stack,
  deps: { config: StageConfig },
): ReadonlyMap<QueueName, sqs.Queue> {
  const prefix = prefixOf(deps.config.stage);
  const delivery = EVENT_SOURCE_FUNCTIONS.find((f) => f.source.kind === 'queue')?.source;
  if (delivery?.kind !== 'queue') throw new Error('lambdas/event-sources.ts defines no delivery queue');
  // Kept 14 days, for an operator to act on; each alarms when it holds a message (lib/operations.ts).
  const deadLetterQueue = (id: string, name: ChangeFeedDeadLetters) =>
    new sqs.Queue(scope, id, {
      queueName: `${prefix}-${name}`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: deps.config.removalPolicy,
    });
  // Failed deliveries and the fan-out's discards.
  const deadLetters = deadLetterQueue('WebhookDeadLetters', 'webhook-dead-letters');
  // The relay's discards: acceptances the change feed could not tell the terms wait (ADR 0022).
  const relayDeadLetters = deadLetterQueue(
    'TermsAcceptanceRelayDeadLetters',
    'terms-acceptance-relay-dead-letters',
  );
  Validations.of(relayDeadLetters).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself a dead-letter queue: the on-failure destination of terms-acceptance-relay's stream mapping; nothing consumes it automatically, so it needs no DLQ of its own. An alarm fires on its depth.",
  });
  const deliveries = new sqs.Queue(scope, 'WebhookDeliveries', {
    queueName: `${prefix}-${delivery.queue}`,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // Later attempts hop through the queue (15 minutes at most per hop): no message waits longer.
    retentionPeriod: Duration.days(4),
    visibilityTimeout: Duration.seconds(delivery.visibilityTimeoutSeconds),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: delivery.maxReceiveCount },
    removalPolicy: deps.config.removalPolicy,
  });
  return new Map<QueueName, sqs.Queue>([
    ['webhook-deliveries', deliveries],
    ['webhook-dead-letters', deadLetters],
    ['terms-acceptance-relay-dead-letters', relayDeadLetters],
  ]);
}

export function connectEventSource(
  _scope: Stack,
  deps: { table: dynamodb.ITable; queues: ReadonlyMap<QueueName, sqs.Queue> },
  fn: nodejs.NodejsFunction,
  def: EventSourceFunction,
): void {
  const source = def.source;
  if (source.kind === 'queue') {
    fn.addEventSource(
      new eventSources.SqsEventSource(deps.queues.get(source.queue) as sqs.Queue, {
        batchSize: source.batchSize,
        reportBatchItemFailures: true,
      }),
    );
    return;
  }
  fn.addEventSource(
    new eventSources.DynamoEventSource(deps.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: source.batchSize,
      retryAttempts: source.retryAttempts,
      maxRecordAge: Duration.seconds(source.maxRecordAgeSeconds),
      reportBatchItemFailures: true,
      bisectBatchOnError: source.bisectBatchOnError,
      onFailure: new eventSources.SqsDlq(deps.queues.get(source.onFailureQueue) as sqs.Queue),
      // The pattern as lambdas/event-sources.ts writes it, in Lambda's syntax: passed on unchanged.
      filters: [lambda.FilterCriteria.filter(source.filter)],
    }),
  );
}
