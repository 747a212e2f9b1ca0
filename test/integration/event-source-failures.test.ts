/**
 * A function an event source invokes that fails (throws): the embedded stack's emulations
 * (local/sqs.ts, local/dynamodb-streams.ts) log one line per failed invocation, as Lambda does —
 * the function's name and the error's name and message, never the records — and retry as the
 * stack's event source mappings do, with the settings of lambdas/event-sources.ts: the queue hands
 * the message back after its visibility timeout and moves it to the dead-letter queue after
 * `maxReceiveCount` receives; the change feed retries the batch.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ORDER_SK } from '../../lambdas/adapters/dynamo/table-schema.js';
import { EVENT_SOURCE_FUNCTIONS, type QueueSource, type StreamSource } from '../../lambdas/event-sources.js';
import { embeddedDocumentClient, startDynamo } from '../../local/dynamodb.js';
import { LocalDynamoStream, type StreamRecord } from '../../local/dynamodb-streams.js';
import { LocalSqs } from '../../local/sqs.js';
import { waitFor } from '../support/stack.js';

const DELIVER = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === 'webhook-deliver');
const QUEUE = DELIVER?.source as QueueSource;
const FANOUT = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === 'webhook-fanout');
const STREAM = FANOUT?.source as StreamSource;
/** A message body standing in for person data: it must never reach the log. */
const BODY = '{"mobile":"+41790000000"}';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.restoreAllMocks();
});

/** What the emulations write with console.error, captured. */
function errorLines(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  return lines;
}

/** The stack's delivery queue and its dead-letter queue, with a shortened visibility timeout. */
function queues() {
  const sqs = new LocalSqs('http://127.0.0.1:1/_aws/sqs');
  closers.push(() => sqs.close());
  sqs.createQueue('webhook-dead-letters');
  const url = sqs.createQueue(QUEUE.queue, {
    deadLetter: 'webhook-dead-letters',
    maxReceiveCount: QUEUE.maxReceiveCount,
  });
  const send = () => {
    const sent = sqs.handleAwsRequest(
      'AmazonSQS.SendMessage',
      JSON.stringify({ QueueUrl: url, MessageBody: BODY }),
    );
    expect(sent.status).toBe(200);
    return (sent.body as { MessageId: string }).MessageId;
  };
  return { sqs, send };
}

describe('the delivery queue, when its function throws', () => {
  it('logs the failed invocation with the function name and the error, and hands the message back for a retry that succeeds', async () => {
    const lines = errorLines();
    const { sqs, send } = queues();
    const received: { messageId: string; receiveCount: string }[] = [];
    sqs.subscribe(
      QUEUE.queue,
      async (records) => {
        for (const r of records)
          received.push({ messageId: r.messageId, receiveCount: r.attributes.ApproximateReceiveCount });
        if (received.length === 1) throw new TypeError('the receiver table was unreachable');
        return { batchItemFailures: [] };
      },
      { functionName: 'webhook-deliver', batchSize: QUEUE.batchSize, visibilityTimeoutSeconds: 0.05 },
    );
    const messageId = send();
    await waitFor(
      async () => sqs.list()[QUEUE.queue]?.messages.length,
      (n) => n === 0 && received.length === 2,
      { timeoutMs: 30_000 },
    );
    expect(received).toEqual([
      { messageId, receiveCount: '1' },
      { messageId, receiveCount: '2' },
    ]);
    expect(lines).toEqual([
      '[local] webhook-deliver: Invoke Error TypeError: the receiver table was unreachable',
    ]);
    expect(sqs.list()['webhook-dead-letters']?.messages).toEqual([]);
  });

  it('logs each failed receive and moves the message to the dead-letter queue after the stack’s maxReceiveCount', async () => {
    const lines = errorLines();
    const { sqs, send } = queues();
    let invocations = 0;
    sqs.subscribe(
      QUEUE.queue,
      async () => {
        invocations += 1;
        throw new Error(`attempt ${invocations} failed`);
      },
      { functionName: 'webhook-deliver', batchSize: QUEUE.batchSize, visibilityTimeoutSeconds: 0.02 },
    );
    const messageId = send();
    const deadLetters = await waitFor(
      async () => sqs.list()['webhook-dead-letters']?.messages ?? [],
      (m) => m.length === 1,
      { timeoutMs: 30_000 },
    );
    expect(deadLetters.map((m) => [m.messageId, m.body])).toEqual([[messageId, BODY]]);
    expect(sqs.list()[QUEUE.queue]?.messages).toEqual([]);
    expect(invocations).toBe(QUEUE.maxReceiveCount);
    expect(lines).toEqual(
      Array.from(
        { length: QUEUE.maxReceiveCount },
        (_, i) => `[local] webhook-deliver: Invoke Error Error: attempt ${i + 1} failed`,
      ),
    );
  });
});

describe('the change feed, when its function throws', () => {
  it('logs the failed invocation with the function name and the error, and retries the batch until it succeeds', async () => {
    const lines = errorLines();
    const table = 'srs-failure-log-test';
    const stream = new LocalDynamoStream(table, ['PK', 'SK']);
    const dynamo = await startDynamo({ tableName: table, stream });
    const db = embeddedDocumentClient(dynamo.endpoint);
    closers.push(async () => {
      await stream.close();
      db.destroy();
      await dynamo.close();
    });
    const batches: string[][] = [];
    stream.subscribe(
      async (records: StreamRecord[]) => {
        batches.push(records.map((r) => r.eventID));
        if (batches.length === 1) throw new RangeError('the delivery queue was unreachable');
        return { batchItemFailures: [] };
      },
      {
        ...STREAM,
        functionArn: 'arn:aws:lambda:local:000000000000:function:webhook-fanout',
        onFailure: () => {
          throw new Error('nothing is discarded here');
        },
        retryPauseMs: 1,
        maxRetryPauseMs: 1,
      },
    );
    await db.send(
      new PutCommand({ TableName: table, Item: { PK: 'ORDER#a', SK: ORDER_SK, mobile: '+41790000000' } }),
    );
    await waitFor(
      async () => batches.length,
      (n) => n >= 2,
      { timeoutMs: 30_000 },
    );
    expect(batches).toEqual([['1'], ['1']]);
    expect(lines).toEqual([
      '[local] webhook-fanout: Invoke Error RangeError: the delivery queue was unreachable',
    ]);
  });
});
