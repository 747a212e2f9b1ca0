/**
 * What an operator watches: failed, timed-out and aborted executions collected in a queue, and the
 * alarms (API 5xx, function throttles, failed and throttled executions, dead letters) on the
 * stateful stack's alarm topic.
 */
import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EVENT_SOURCE_FUNCTIONS } from '../lambdas/event-sources.js';
import { prefixOf, type StageConfig } from './config.js';
import type { QueueName } from './function-permissions.js';
import { pascal } from './stateless-names.js';

/** Failed, timed-out and aborted executions land here for an operator to inspect and redrive. */
export function createFailedExecutionsQueue(
  scope: Stack,
  deps: { config: StageConfig; stateMachines: ReadonlyMap<string, sfn.StateMachine> },
): sqs.Queue {
  const queue = new sqs.Queue(scope, 'FailedExecutionsQueue', {
    queueName: `${prefixOf(deps.config.stage)}-failed-executions`,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: deps.config.removalPolicy,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself the workflow's dead-letter queue (failed, timed-out and aborted executions); nothing consumes it automatically, so it needs no DLQ of its own. An alarm fires on its depth.",
  });
  if (deps.stateMachines.size > 0) {
    new events.Rule(scope, 'FailedExecutionsRule', {
      description: 'Step Functions executions that did not succeed → the failed-executions queue',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [...deps.stateMachines.values()].map((sm) => sm.stateMachineArn),
        },
      },
      targets: [new targets.SqsQueue(queue)],
    });
  }
  return queue;
}

export function createAlarms(
  scope: Stack,
  deps: {
    config: StageConfig;
    alarmTopic: sns.ITopic;
    api: apigateway.RestApi;
    functions: ReadonlyMap<string, nodejs.NodejsFunction>;
    stateMachines: ReadonlyMap<string, sfn.StateMachine>;
    queues: ReadonlyMap<QueueName, sqs.Queue>;
    failedExecutionsQueue: sqs.Queue;
  },
): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const action = new cwActions.SnsAction(deps.alarmTopic);
  const period = Duration.minutes(5);
  const alarm = (id: string, metric: cloudwatch.IMetric, description: string): void => {
    const a = new cloudwatch.Alarm(scope, id, {
      alarmName: `${prefixOf(deps.config.stage)}-${id}`,
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(action);
    alarms.push(a);
  };

  alarm(
    'Api5xx',
    deps.api.metricServerError({ period, statistic: 'Sum' }),
    'The API answered 5xx (a handler failed or API Gateway could not reach it).',
  );
  for (const [handler, fn] of deps.functions) {
    alarm(
      `${pascal(handler)}Throttles`,
      fn.metricThrottles({ period, statistic: 'Sum' }),
      `Function ${handler} was throttled (concurrency limit).`,
    );
  }
  for (const [name, sm] of deps.stateMachines) {
    alarm(
      `${pascal(name)}ExecutionsFailed`,
      new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: sm.metricFailed({ period, statistic: 'Sum' }),
          timedOut: sm.metricTimedOut({ period, statistic: 'Sum' }),
          aborted: sm.metricAborted({ period, statistic: 'Sum' }),
        },
        period,
      }),
      `Executions of ${name} failed, timed out or were aborted.`,
    );
    alarm(
      `${pascal(name)}ExecutionsThrottled`,
      sm.metric('ExecutionThrottled', { period, statistic: 'Sum' }),
      `Executions of ${name} were throttled.`,
    );
  }
  alarm(
    'WebhookDeadLettersDepth',
    (deps.queues.get('webhook-dead-letters') as sqs.Queue).metricApproximateNumberOfMessagesVisible({
      period,
      statistic: 'Maximum',
    }),
    'Webhook deliveries failed for good (or change-feed records webhook-fanout could not handle); see docs/webhooks.md.',
  );
  alarm(
    'TermsAcceptanceRelayDeadLettersDepth',
    (
      deps.queues.get('terms-acceptance-relay-dead-letters') as sqs.Queue
    ).metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    'terms-acceptance-relay could not tell the terms wait of a recorded acceptance (change-feed records discarded): the person is registered when the wait times out at the latest; see docs/webhooks.md.',
  );
  // A change-feed discard whose metadata the on-failure queue refused (the queue deleted, its key
  // disabled) is lost with no message anywhere: Lambda only counts it (AWS/Lambda
  // DestinationDeliveryFailures, which also counts asynchronous invocations' destinations).
  for (const { handler, source } of EVENT_SOURCE_FUNCTIONS) {
    if (source.kind !== 'table-stream') continue;
    const fn = deps.functions.get(handler) as nodejs.NodejsFunction;
    alarm(
      `${pascal(handler)}DestinationDeliveryFailures`,
      fn.metric('DestinationDeliveryFailures', { period, statistic: 'Sum' }),
      `Function ${handler} could not send discarded change-feed records to ${source.onFailureQueue}: what it would have done with them (webhooks, a told acceptance) is lost; see docs/webhooks.md.`,
    );
  }
  alarm(
    'FailedExecutionsQueueDepth',
    deps.failedExecutionsQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    'Failed executions wait in the dead-letter queue for an operator.',
  );
  return alarms;
}
