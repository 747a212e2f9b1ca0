/**
 * The embedded stack's change feed and its on-failure destination, as the stack wires them
 * (lambdas/event-sources.ts, lib/event-sources.ts): a record the webhook fan-out keeps failing on is
 * retried as often as the stack's event source mapping retries it, then discarded, and Lambda's
 * message about it (metadata, no data) lands in the webhook-dead-letters queue. When the queue
 * refuses that message, the discard is counted as Lambda counts it (DestinationDeliveryFailures) and
 * logged without data, and the feed goes on.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import { EVENT_SOURCE_FUNCTIONS } from '../../lambdas/event-sources.js';
import { embeddedDocumentClient } from '../../local/dynamodb.js';
import type { OnFailureMessage } from '../../local/dynamodb-streams.js';
import { TABLE_NAME } from '../../local/stack.js';
import { useStack, waitFor } from '../support/stack.js';

const DEAD_LETTERS = 'webhook-dead-letters';
const FANOUT = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === 'webhook-fanout');
const RETRY_ATTEMPTS = FANOUT?.source.kind === 'table-stream' ? FANOUT.source.retryAttempts : Number.NaN;

// The stack's pauses between retries, shortened: the test waits for the outcome, not the clock.
const stack = useStack({ changeFeed: { retryPauseMs: 1, maxRetryPauseMs: 1 } });

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Writes an order item without its statuses, as no use case writes one: the fan-out fails on its
 * change record every time (it reads which statuses the order gained). Answers its refId.
 */
async function poisonedOrder(): Promise<string> {
  const refId = randomUUID();
  const db = embeddedDocumentClient(stack().dynamoEndpoint);
  try {
    await db.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { ...keys.order(refId), refId, clientId: 'demo-portal' },
      }),
    );
  } finally {
    db.destroy();
  }
  return refId;
}

/** The messages in the dead-letter queue, parsed. */
const deadLetters = async () =>
  (stack().sqs.list()[DEAD_LETTERS]?.messages ?? []).map((m) => JSON.parse(m.body) as OnFailureMessage);

describe('a change record the fan-out keeps failing on', () => {
  it('is retried as the stack retries it, then its metadata land in webhook-dead-letters in Lambda’s DDBStreamBatchInfo shape', async () => {
    const before = (await deadLetters()).length;
    const refId = await poisonedOrder();

    const [message] = (
      await waitFor(deadLetters, (messages) => messages.length > before, { timeoutMs: 30_000 })
    ).slice(before);
    expect(message).toEqual({
      requestContext: {
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        functionArn: 'arn:aws:lambda:local:000000000000:function:webhook-fanout',
        condition: 'RetryAttemptsExhausted',
        // The first attempt and every retry.
        approximateInvokeCount: RETRY_ATTEMPTS + 1,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      version: '1.0',
      timestamp: expect.any(String),
      DDBStreamBatchInfo: {
        shardId: 'shardId-local',
        startSequenceNumber: expect.stringMatching(/^\d{21}$/),
        endSequenceNumber: message?.DDBStreamBatchInfo.startSequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        approximateArrivalOfLastRecord: message?.DDBStreamBatchInfo.approximateArrivalOfFirstRecord,
        batchSize: 1,
        streamArn: stack().stream.arn,
      },
    });
    // Where to find the record, not what it held.
    expect(JSON.stringify(message)).not.toContain(refId);
    expect(stack().destinationDeliveryFailures.get('webhook-fanout')).toBeUndefined();
  }, 60_000);

  it('when webhook-dead-letters refuses the message: counted and logged without data, and the feed goes on', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    stack().sqs.deleteQueue(DEAD_LETTERS);
    try {
      const first = await poisonedOrder();
      await waitFor(
        async () => stack().destinationDeliveryFailures.get('webhook-fanout'),
        (count) => count === 1,
        { timeoutMs: 30_000 },
      );
      const lines = logged.mock.calls.map((args) => args.join(' '));
      expect(lines.filter((line) => line.includes('on-failure destination'))).toEqual([
        expect.stringMatching(
          /^\[local\] webhook-fanout: the on-failure destination webhook-dead-letters refused the discarded records (\d{21})-\1 \(QueueDoesNotExist\); they are lost$/,
        ),
      ]);
      expect(lines.join('\n')).not.toContain(first);

      // The feed did not stop at the lost discard: the next record the fan-out fails on is
      // retried and discarded in its turn.
      await poisonedOrder();
      await waitFor(
        async () => stack().destinationDeliveryFailures.get('webhook-fanout'),
        (count) => count === 2,
        { timeoutMs: 30_000 },
      );
    } finally {
      stack().sqs.createQueue(DEAD_LETTERS);
    }

    // The queue back, the next discard reaches it: each send stands on its own.
    await poisonedOrder();
    const messages = await waitFor(deadLetters, (m) => m.length === 1, { timeoutMs: 30_000 });
    expect(messages[0]?.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(stack().destinationDeliveryFailures.get('webhook-fanout')).toBe(2);
  }, 90_000);
});
