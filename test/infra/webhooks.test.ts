/**
 * The webhook delivery resources: the table's change feed, the delivery queue with its
 * dead-letter queue and alarm, and the two event source mappings — each as lambdas/event-sources.ts
 * defines them for both runtimes.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE_FUNCTIONS, type QueueSource, type StreamSource } from '../../lambdas/event-sources.js';
import type { QueueName } from '../../lib/function-permissions.js';
import { logicalIdOf, resourcesOf, synthStage } from './helpers.js';

const s = synthStage('prod');
const queueId = (name: QueueName) => logicalIdOf(s.stateless, s.stateless.queues.get(name) as never);
const functionId = (handler: string) => logicalIdOf(s.stateless, s.stateless.functions.get(handler) as never);
const delivery = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === 'webhook-deliver')?.source as QueueSource;

describe('webhook delivery in AWS', () => {
  it('the table streams new and old images (the change feed deliveries are driven from)', () => {
    s.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('the delivery queue is encrypted, TLS only, and moves a message the function keeps failing on to the dead-letter queue', () => {
    s.statelessTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'srs-prod-webhook-deliveries',
      SqsManagedSseEnabled: true,
      VisibilityTimeout: delivery.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [queueId('webhook-dead-letters'), 'Arn'] },
        maxReceiveCount: delivery.maxReceiveCount,
      },
    });
    s.statelessTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'srs-prod-webhook-dead-letters',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    for (const name of ['webhook-deliveries', 'webhook-dead-letters'] as const) {
      s.statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId(name) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('the relay’s discards have a dead-letter queue of their own: encrypted, TLS only, kept 14 days, alarmed, its URL an output', () => {
    s.statelessTemplate.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'srs-prod-terms-acceptance-relay-dead-letters',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    s.statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId('terms-acceptance-relay-dead-letters') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('terms-acceptance-relay') },
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [queueId('terms-acceptance-relay-dead-letters'), 'Arn'] },
        },
      },
    });
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'srs-prod-TermsAcceptanceRelayDeadLettersDepth',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [queueId('terms-acceptance-relay-dead-letters'), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: Match.anyValue(),
    });
    s.statelessTemplate.hasOutput('TermsAcceptanceRelayDeadLettersQueueUrl', {
      Value: { Ref: queueId('terms-acceptance-relay-dead-letters') },
    });
    // The existing queue keeps its name and logical id (a rename would replace it, messages lost).
    expect(queueId('webhook-dead-letters')).toMatch(/^WebhookDeadLetters[0-9A-F]{8}$/);
  });

  it('the fan-out reports a record on failure before the stream trims it, even after every retry', () => {
    const fanout = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === 'webhook-fanout');
    const stream = fanout?.source as StreamSource;
    const STREAM_RETENTION_SECONDS = 24 * 3600; // DynamoDB Streams, fixed
    expect(
      stream.maxRecordAgeSeconds + stream.retryAttempts * (fanout?.timeoutSeconds ?? Infinity),
    ).toBeLessThan(STREAM_RETENTION_SECONDS);
  });

  it('the delivery queue waits longer than an attempt can take', () => {
    const fn = resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[functionId('webhook-deliver')];
    expect(delivery.visibilityTimeoutSeconds).toBeGreaterThan(Number(fn?.Properties.Timeout));
  });

  it('feeds order writes only from the stream to the fan-out, reporting failed records, then the dead-letter queue', () => {
    s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('webhook-fanout') },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // A batch whose function fails without naming a record is halved until the record is found.
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 100,
      // 22 hours: reported before the stream's 24-hour retention trims a record, with more than
      // 100 retries of the 30-second function to spare.
      MaximumRecordAgeInSeconds: 22 * 3600,
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { SK: { S: ['ORDER'] } } } }) }],
      },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [queueId('webhook-dead-letters'), 'Arn'] } },
      },
    });
  });

  it('feeds the relay only the write that newly records a terms acceptance, by an event filter on the images', () => {
    s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('terms-acceptance-relay') },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 100,
      MaximumRecordAgeInSeconds: 22 * 3600,
      // Lambda's syntax: `exists` on the acceptance's leaf (a map is no leaf); an INSERT has no
      // old image, which `exists: false` matches too.
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              dynamodb: {
                Keys: { SK: { S: ['ORDER'] } },
                NewImage: { acceptance: { M: { acceptedAt: { S: [{ exists: true }] } } } },
                OldImage: { acceptance: { M: { acceptedAt: { S: [{ exists: false }] } } } },
              },
            }),
          },
        ],
      },
    });
  });

  it('feeds the delivery queue to the delivery function with partial batch failures', () => {
    s.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('webhook-deliver') },
      EventSourceArn: { 'Fn::GetAtt': [queueId('webhook-deliveries'), 'Arn'] },
      BatchSize: delivery.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('raises an alarm to the operators’ topic when anything lands in the dead-letter queue', () => {
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'srs-prod-WebhookDeadLettersDepth',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId('webhook-dead-letters'), 'QueueName'] } },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: Match.anyValue(),
    });
  });

  it('raises an alarm when the change feed cannot send a discarded record to the dead-letter queue', () => {
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'srs-prod-WebhookFanoutDestinationDeliveryFailures',
      MetricName: 'DestinationDeliveryFailures',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('webhook-fanout') } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: Match.anyValue(),
    });
  });

  it('gives the functions that queue deliveries the queue URLs', () => {
    for (const handler of ['webhooks', 'webhook-fanout', 'webhook-deliver']) {
      const fn = resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[functionId(handler)];
      const env =
        (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(env.WEBHOOK_QUEUE_URL, handler).toEqual({ Ref: queueId('webhook-deliveries') });
      expect(env.WEBHOOK_DLQ_URL, handler).toEqual({ Ref: queueId('webhook-dead-letters') });
    }
  });
});
