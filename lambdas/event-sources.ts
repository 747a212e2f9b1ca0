/**
 * The functions that are not behind a route or a state machine task but fed by an event source:
 * the table's change feed and the webhook delivery queue. One definition, read by the CDK stack
 * (event source mappings) and by the embedded stack (its DynamoDB Streams and SQS emulations, with
 * the same batch sizes, retry limits, record age, batch splitting and dead-letter queues).
 * Pure data.
 */

import { ORDER_SK } from './adapters/dynamo/table-schema.js';

export interface StreamSource {
  kind: 'table-stream';
  /** Only records whose item keys have these values reach the function (an event filter in AWS). */
  keyFilter: Record<string, string>;
  batchSize: number;
  /** How often a failing batch is retried before its records' metadata go to the on-failure queue. */
  retryAttempts: number;
  /**
   * A function error (a timeout, a crash), unlike a reported record, names no record: the batch is
   * split and each half retried, so that one record that kills the function does not take the
   * others of its batch to the on-failure queue with it.
   */
  bisectBatchOnError: boolean;
  /**
   * A record older than this goes to the on-failure queue instead of being read again (AWS): less
   * than the stream's 24-hour retention by more than the longest run of retries (100 × the 30 s
   * timeout), so that no record is trimmed from the stream unreported.
   */
  maxRecordAgeSeconds: number;
}

export interface QueueSource {
  kind: 'queue';
  queue: 'webhook-deliveries';
  batchSize: number;
  /** Longer than one attempt (the 10 s delivery timeout and the table writes around it). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message the function keeps failing on goes to the dead-letter queue. */
  maxReceiveCount: number;
}

export interface EventSourceFunction {
  /** The module is `lambdas/handlers/<handler>.ts`, exporting `handler`. */
  handler: string;
  source: StreamSource | QueueSource;
  timeoutSeconds: number;
}

/**
 * The orders' changes on the table's feed, as each of its readers takes them: every mapping reads
 * the stream on its own (its own position, retries and discards), with these settings.
 */
const ORDER_CHANGES: StreamSource = {
  kind: 'table-stream',
  keyFilter: { SK: ORDER_SK },
  batchSize: 100,
  retryAttempts: 100,
  bisectBatchOnError: true,
  maxRecordAgeSeconds: 22 * 3600,
};

export const EVENT_SOURCE_FUNCTIONS: readonly EventSourceFunction[] = [
  {
    handler: 'webhook-fanout',
    source: ORDER_CHANGES,
    timeoutSeconds: 30,
  },
  {
    // Tells the terms wait of an acceptance recorded by a page that died before telling it (ADR 0022).
    handler: 'terms-acceptance-relay',
    source: ORDER_CHANGES,
    timeoutSeconds: 30,
  },
  {
    handler: 'webhook-deliver',
    source: {
      kind: 'queue',
      queue: 'webhook-deliveries',
      batchSize: 5,
      visibilityTimeoutSeconds: 90,
      maxReceiveCount: 5,
    },
    timeoutSeconds: 60,
  },
];
