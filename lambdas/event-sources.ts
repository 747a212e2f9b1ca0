/**
 * The functions that are not behind a route or a state machine task but fed by an event source:
 * the table's change feed and the webhook delivery queue. One definition, read by the CDK stack
 * (event source mappings) and by the embedded stack (its DynamoDB Streams and SQS emulations, with
 * the same batch sizes, retry limits, record age, batch splitting and dead-letter queues).
 * Pure data.
 */

import { ORDER_SK } from './adapters/dynamo/table-schema.js';
import type { Order, TermsAcceptance } from './core/order.js';

/**
 * One rule of a Lambda event filter pattern, of the kinds used here: a value the record's field
 * equals, or whether the field is there (`exists` looks at leaves only: a string, not a map).
 */
export type FilterRule = string | { exists: boolean };

/**
 * A Lambda event filter pattern (its syntax, the subset used here): per field of the record either
 * a nested pattern or the rules one of which its value must meet; every field must match.
 */
export interface FilterPattern {
  readonly [field: string]: FilterPattern | readonly FilterRule[];
}

/**
 * Where a stream mapping sends the metadata of the records it discards (its on-failure destination):
 * the fan-out's go with the failed webhook deliveries, the relay's to a queue of their own, as they
 * need another remedy (docs/webhooks.md, ADR 0022).
 */
export type ChangeFeedDeadLetters = 'webhook-dead-letters' | 'terms-acceptance-relay-dead-letters';

export interface StreamSource {
  kind: 'table-stream';
  /**
   * Only the records this pattern matches reach the function (the mapping's event filter in AWS):
   * the others are not handed over, and cost no invocation.
   */
  filter: FilterPattern;
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
  /** The queue the discarded records' metadata go to (Lambda's `DDBStreamBatchInfo` message). */
  onFailureQueue: ChangeFeedDeadLetters;
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

const ORDER_KEYS = { SK: { S: [ORDER_SK] } } as const;

/**
 * The orders' changes on the table's feed, as each of its readers takes them: every mapping reads
 * the stream on its own (its own position, retries and discards), with these settings.
 */
const ORDER_CHANGES: StreamSource = {
  kind: 'table-stream',
  filter: { dynamodb: { Keys: ORDER_KEYS } },
  batchSize: 100,
  retryAttempts: 100,
  bisectBatchOnError: true,
  maxRecordAgeSeconds: 22 * 3600,
  onFailureQueue: 'webhook-dead-letters',
};

/** An order image whose terms acceptance is, or is not, recorded (DynamoDB JSON, as the record has it). */
const acceptanceRecorded = (recorded: boolean): FilterPattern => ({
  ['acceptance' satisfies keyof Order]: {
    M: { ['acceptedAt' satisfies keyof TermsAcceptance]: { S: [{ exists: recorded }] } },
  },
});

/**
 * The write that recorded an order's terms acceptance: its new image has one, its old image none
 * (or there is no old image: an order created accepted). The order's later writes carry the
 * acceptance too and are not news (ADR 0022): filtered out, they cost the relay no invocation.
 */
const ACCEPTANCE_RECORDINGS: StreamSource = {
  ...ORDER_CHANGES,
  filter: {
    dynamodb: { Keys: ORDER_KEYS, NewImage: acceptanceRecorded(true), OldImage: acceptanceRecorded(false) },
  },
  onFailureQueue: 'terms-acceptance-relay-dead-letters',
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
    source: ACCEPTANCE_RECORDINGS,
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
