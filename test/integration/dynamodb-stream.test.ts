/**
 * The embedded stack's change feed (local/dynamodb-streams.ts) gives up on records as the stack's
 * event source mapping does, with its settings (lambdas/event-sources.ts, the change feed's fan-out):
 * a function error splits the batch until the record it fails on is alone, each half run as a batch
 * of its own (records written meanwhile wait for the next batch), that record is retried
 * `retryAttempts` times and then discarded, a record older than `maxRecordAgeSeconds` is discarded
 * unread, and each discard sends the on-failure destination Lambda's message (its metadata, no data).
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  NumberValue,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_SK } from '../../lambdas/adapters/dynamo/table-schema.js';
import { EVENT_SOURCE_FUNCTIONS, type StreamSource } from '../../lambdas/event-sources.js';
import { embeddedDocumentClient, startDynamo } from '../../local/dynamodb.js';
import {
  LocalDynamoStream,
  type OnFailureMessage,
  type StreamConsumerResult,
  type StreamRecord,
} from '../../local/dynamodb-streams.js';
import { waitFor } from '../support/stack.js';

const TABLE = 'srs-stream-test';
const FANOUT = EVENT_SOURCE_FUNCTIONS.find((f) => f.handler === 'webhook-fanout');
const SOURCE = FANOUT?.source as StreamSource;
const FUNCTION_ARN = 'arn:aws:lambda:local:000000000000:function:webhook-fanout';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Starts the feed and waits until the function has been handed `count` batches. */
async function startUntilBatches(f: { start: () => void }, batches: unknown[], count: number) {
  f.start();
  await waitFor(
    async () => batches.length,
    (n) => n >= count,
    { timeoutMs: 60_000 },
  );
}

/** A table whose change feed goes to `invoke` with the fan-out's settings, on a clock the test moves. */
async function feed(invoke: (records: StreamRecord[]) => Promise<StreamConsumerResult | undefined>) {
  const clock = { now: Date.parse('2026-11-30T12:00:00Z'), broken: false };
  const stream = new LocalDynamoStream(TABLE, ['PK', 'SK'], () => {
    if (clock.broken) throw new Error('the clock is broken');
    return clock.now;
  });
  const dynamo = await startDynamo({ tableName: TABLE, stream });
  const db = embeddedDocumentClient(dynamo.endpoint);
  closers.push(async () => {
    await stream.close();
    db.destroy();
    await dynamo.close();
  });
  const discarded: OnFailureMessage[] = [];
  const put = (refId: string) =>
    db.send(new PutCommand({ TableName: TABLE, Item: { PK: `ORDER#${refId}`, SK: ORDER_SK, refId } }));
  const subscribe = (consumer: typeof invoke) =>
    stream.subscribe(consumer, {
      ...SOURCE,
      functionArn: FUNCTION_ARN,
      onFailure: (message) => discarded.push(JSON.parse(message) as OnFailureMessage),
      // The stack's pauses between retries, shortened: the test waits for the outcome, not the clock.
      retryPauseMs: 1,
      maxRetryPauseMs: 1,
    });
  const start = () => subscribe(invoke);
  return { clock, put, start, subscribeAlso: subscribe, discarded, db, stream, endpoint: dynamo.endpoint };
}

const refIdOf = (r: StreamRecord) => (r.dynamodb.NewImage as { refId: { S: string } }).refId.S;

describe('the change feed, for records its function keeps failing on', () => {
  it('splits the batch around the record the function fails on, runs each half as its own batch, retries the record alone as often as set, then discards it', async () => {
    const batches: string[][] = [];
    const done: string[] = [];
    const f = await feed(async (records) => {
      const refIds = records.map(refIdOf);
      batches.push(refIds);
      // Newer records arrive while the first batch is being worked on.
      if (batches.length === 1) for (const refId of ['d', 'e']) await f.put(refId);
      if (refIds.includes('poison')) throw new Error('the function crashed');
      done.push(...refIds);
      return undefined;
    });
    for (const refId of ['a', 'b', 'poison', 'c']) await f.put(refId);

    f.start();
    await waitFor(
      async () => f.discarded.length > 0 && done.length === 5,
      (settled) => settled,
      { timeoutMs: 60_000 },
    );

    expect(SOURCE.bisectBatchOnError).toBe(true);
    // Every good record handed over once, in write order.
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The whole batch, its halves; the failing half's halves; the record alone, once and
    // `retryAttempts` times again (the splits are not retries); then the other half alone, as the
    // batch it was split into; the newer records only after it.
    expect(batches).toEqual([
      ['a', 'b', 'poison', 'c'],
      ['a', 'b'],
      ['poison', 'c'],
      ...Array.from({ length: SOURCE.retryAttempts + 1 }, () => ['poison']),
      ['c'],
      ['d', 'e'],
    ]);
    expect(f.discarded).toEqual([
      {
        requestContext: expect.objectContaining({
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: SOURCE.retryAttempts + 1,
          functionArn: FUNCTION_ARN,
        }),
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: '2026-11-30T12:00:00.000Z',
        DDBStreamBatchInfo: {
          shardId: 'shardId-local',
          // The third record written.
          startSequenceNumber: '000000000000000000003',
          endSequenceNumber: '000000000000000000003',
          approximateArrivalOfFirstRecord: '2026-11-30T12:00:00Z',
          approximateArrivalOfLastRecord: '2026-11-30T12:00:00Z',
          batchSize: 1,
          streamArn: `arn:aws:dynamodb:local:000000000000:table/${TABLE}/stream/local`,
        },
      },
    ]);
  });

  it('gives each half its own retry count: a failing record in each half is retried as often as set', async () => {
    const batches: string[][] = [];
    const done: string[] = [];
    const f = await feed(async (records) => {
      const refIds = records.map(refIdOf);
      batches.push(refIds);
      if (refIds.some((refId) => refId.startsWith('poison'))) throw new Error('the function crashed');
      done.push(...refIds);
      return undefined;
    });
    for (const refId of ['poison-1', 'a', 'poison-2', 'b']) await f.put(refId);

    f.start();
    await waitFor(
      async () => f.discarded.length === 2 && done.length === 2,
      (settled) => settled,
      { timeoutMs: 60_000 },
    );

    expect(done).toEqual(['a', 'b']);
    const tries = (refId: string) => batches.filter((b) => b.length === 1 && b[0] === refId).length;
    expect(tries('poison-1')).toBe(SOURCE.retryAttempts + 1);
    expect(tries('poison-2')).toBe(SOURCE.retryAttempts + 1);
    expect(f.discarded.map((m) => [m.DDBStreamBatchInfo.startSequenceNumber, m.requestContext])).toEqual([
      [
        '000000000000000000001',
        expect.objectContaining({ approximateInvokeCount: SOURCE.retryAttempts + 1 }),
      ],
      [
        '000000000000000000003',
        expect.objectContaining({ approximateInvokeCount: SOURCE.retryAttempts + 1 }),
      ],
    ]);
  });

  it('retries only the records from the one the function reports, not refilled with newer ones', async () => {
    const batches: string[][] = [];
    const f = await feed(async (records) => {
      const refIds = records.map(refIdOf);
      batches.push(refIds);
      if (batches.length > 1) return undefined;
      await f.put('d');
      const failed = records[refIds.indexOf('b')] as StreamRecord;
      return { batchItemFailures: [{ itemIdentifier: failed.dynamodb.SequenceNumber }] };
    });
    for (const refId of ['a', 'b', 'c']) await f.put(refId);

    f.start();
    await waitFor(
      async () => batches.flat().includes('d'),
      (settled) => settled,
      { timeoutMs: 60_000 },
    );

    expect(batches).toEqual([['a', 'b', 'c'], ['b', 'c'], ['d']]);
    expect(f.discarded).toEqual([]);
  });

  it('retries from the reported record with the lowest sequence number, whatever order they are listed in', async () => {
    const batches: string[][] = [];
    const f = await feed(async (records) => {
      const refIds = records.map(refIdOf);
      batches.push(refIds);
      if (batches.length > 1) return undefined;
      const seq = (refId: string) => (records[refIds.indexOf(refId)] as StreamRecord).dynamodb.SequenceNumber;
      return { batchItemFailures: [{ itemIdentifier: seq('c') }, { itemIdentifier: seq('b') }] };
    });
    for (const refId of ['a', 'b', 'c']) await f.put(refId);

    await startUntilBatches(f, batches, 2);

    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
  });

  it('retries the whole batch when a reported identifier names none of its records', async () => {
    const batches: string[][] = [];
    const f = await feed(async (records) => {
      batches.push(records.map(refIdOf));
      if (batches.length > 1) return undefined;
      return { batchItemFailures: [{ itemIdentifier: '' }] };
    });
    for (const refId of ['a', 'b']) await f.put(refId);

    await startUntilBatches(f, batches, 2);

    expect(batches).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('discards a record older than the maximum record age without handing it over again', async () => {
    let calls = 0;
    const f = await feed(async () => {
      calls += 1;
      // The first attempt fails, and by the retry the record is past its age.
      f.clock.now += (SOURCE.maxRecordAgeSeconds + 1) * 1000;
      throw new Error('the function timed out');
    });
    await f.put('late');

    f.start();
    await waitFor(
      async () => f.discarded.length,
      (n) => n > 0,
      { timeoutMs: 60_000 },
    );

    expect(SOURCE.maxRecordAgeSeconds).toBe(22 * 3600);
    expect(calls).toBe(1);
    expect(f.discarded).toHaveLength(1);
    expect(f.discarded[0]?.requestContext).toMatchObject({
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 1,
    });
    expect(f.discarded[0]?.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(f.discarded[0]?.DDBStreamBatchInfo).toMatchObject({
      startSequenceNumber: '000000000000000000001',
      batchSize: 1,
    });
  });
});

describe('the change feed with two functions subscribed', () => {
  it('hands every record to each, in write order, at its own pace: one failing holds the other back in nothing', async () => {
    const first: string[] = [];
    const second: string[] = [];
    let secondFails = true;
    let secondAttempts = 0;
    const f = await feed(async (records) => {
      first.push(...records.map(refIdOf));
      return undefined;
    });
    for (const refId of ['a', 'b', 'c']) await f.put(refId);
    f.start();
    // The second mapping, as the stack subscribes every stream function at start.
    f.subscribeAlso(async (records) => {
      secondAttempts++;
      if (secondFails)
        return { batchItemFailures: [{ itemIdentifier: records[0]?.dynamodb.SequenceNumber ?? '' }] };
      second.push(...records.map(refIdOf));
      return undefined;
    });
    await f.put('d');

    await waitFor(
      async () => first.length === 4 && secondAttempts > 3,
      (settled) => settled,
      { timeoutMs: 60_000 },
    );
    expect(first).toEqual(['a', 'b', 'c', 'd']);
    expect(second).toEqual([]);

    secondFails = false;
    await waitFor(
      async () => second.length,
      (n) => n === 4,
      { timeoutMs: 60_000 },
    );
    expect(second).toEqual(['a', 'b', 'c', 'd']);
    expect(first).toEqual(['a', 'b', 'c', 'd']);
    expect(f.discarded).toEqual([]);
  });
});

describe('the change feed’s records: each item’s images before and after, as DynamoDB Streams writes them', () => {
  /** A feed that keeps every record it is handed, and the records of one order item, in stream order. */
  async function recordingFeed() {
    const records: StreamRecord[] = [];
    const f = await feed(async (batch) => {
      records.push(...batch);
      return undefined;
    });
    f.start();
    const key = (refId: string) => ({ PK: `ORDER#${refId}`, SK: ORDER_SK });
    const of = (refId: string) =>
      records.filter((r) => (r.dynamodb.Keys.PK as { S?: string } | undefined)?.S === `ORDER#${refId}`);
    /** Waits until the feed has handed over every record written so far. */
    const caughtUp = () =>
      waitFor(
        async () => f.stream.unconsumed(),
        (n) => n === 0,
      );
    return { ...f, key, of, caughtUp };
  }
  const update = (TableName: string, Key: Record<string, string>, expression: string, values: object) =>
    new UpdateCommand({
      TableName,
      Key,
      UpdateExpression: expression,
      ExpressionAttributeValues: values,
    });

  it('records an update that creates the item as INSERT, with its new image and no old one', async () => {
    const f = await recordingFeed();

    await f.db.send(update(TABLE, f.key('u1'), 'SET refId = :r, step = :s', { ':r': 'u1', ':s': 1 }));
    await f.caughtUp();

    expect(f.of('u1').map((r) => [r.eventName, r.dynamodb.OldImage, r.dynamodb.NewImage])).toEqual([
      [
        'INSERT',
        undefined,
        { PK: { S: 'ORDER#u1' }, SK: { S: ORDER_SK }, refId: { S: 'u1' }, step: { N: '1' } },
      ],
    ]);
  });

  it('records an update of an item as MODIFY, with the item before and after, and answers the caller what it asked', async () => {
    const f = await recordingFeed();
    await f.put('u2');

    const answer = await f.db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: f.key('u2'),
        UpdateExpression: 'SET step = :s',
        ExpressionAttributeValues: { ':s': 2 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const plain = await f.db.send(update(TABLE, f.key('u2'), 'SET step = :s', { ':s': 3 }));
    await f.caughtUp();

    expect(answer.Attributes).toEqual({ step: 2 });
    expect(plain.Attributes).toBeUndefined();
    const base = { PK: { S: 'ORDER#u2' }, SK: { S: ORDER_SK }, refId: { S: 'u2' } };
    expect(f.of('u2').map((r) => [r.eventName, r.dynamodb.OldImage, r.dynamodb.NewImage])).toEqual([
      ['INSERT', undefined, base],
      ['MODIFY', base, { ...base, step: { N: '2' } }],
      ['MODIFY', { ...base, step: { N: '2' } }, { ...base, step: { N: '3' } }],
    ]);
  });

  it('records nothing for a conditional write that fails, a delete of no item, or a write that leaves the item as it was', async () => {
    const f = await recordingFeed();
    await f.put('u3');

    await expect(
      f.db.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: f.key('u3'),
          UpdateExpression: 'SET step = :s',
          ConditionExpression: 'attribute_not_exists(PK)',
          ExpressionAttributeValues: { ':s': 1 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(
      f.db.send(
        new PutCommand({
          TableName: TABLE,
          Item: { ...f.key('u3'), refId: 'other' },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await f.db.send(new DeleteCommand({ TableName: TABLE, Key: f.key('u3-none'), ReturnValues: 'ALL_OLD' }));
    await f.db.send(new DeleteCommand({ TableName: TABLE, Key: f.key('u3-none') }));
    await f.put('u3');
    await f.db.send(update(TABLE, f.key('u3'), 'SET refId = :r', { ':r': 'u3' }));
    // The item's next write, to know every earlier one of it has been recorded or not.
    await f.db.send(new DeleteCommand({ TableName: TABLE, Key: f.key('u3') }));
    await f.caughtUp();

    const item = { PK: { S: 'ORDER#u3' }, SK: { S: ORDER_SK }, refId: { S: 'u3' } };
    expect(f.of('u3').map((r) => [r.eventName, r.dynamodb.OldImage, r.dynamodb.NewImage])).toEqual([
      ['INSERT', undefined, item],
      ['REMOVE', item, undefined],
    ]);
    expect(f.of('u3-none')).toEqual([]);
  });

  it('reads numbers as DynamoDB stores them: a put of the same number in another notation is no change, and images carry the stored form', async () => {
    const f = await recordingFeed();
    const item = (n: string, more: Record<string, unknown> = {}) => ({
      ...f.key('n1'),
      refId: 'n1',
      step: NumberValue.from(n),
      ...more,
    });

    await f.db.send(new PutCommand({ TableName: TABLE, Item: item('1') }));
    await f.db.send(new PutCommand({ TableName: TABLE, Item: item('1.0') }));
    await f.db.send(new PutCommand({ TableName: TABLE, Item: item('01') }));
    await f.db.send(
      new PutCommand({
        TableName: TABLE,
        Item: item('1e0', { amounts: { list: [NumberValue.from('0.50'), NumberValue.from('-2.5E2')] } }),
      }),
    );
    // The item's next write, to know every earlier one of it has been recorded or not.
    await f.db.send(new DeleteCommand({ TableName: TABLE, Key: f.key('n1') }));
    await f.caughtUp();

    const base = { PK: { S: 'ORDER#n1' }, SK: { S: ORDER_SK }, refId: { S: 'n1' }, step: { N: '1' } };
    const withAmounts = { ...base, amounts: { M: { list: { L: [{ N: '0.5' }, { N: '-250' }] } } } };
    expect(f.of('n1').map((r) => [r.eventName, r.dynamodb.OldImage, r.dynamodb.NewImage])).toEqual([
      ['INSERT', undefined, base],
      ['MODIFY', base, withAmounts],
      ['REMOVE', withAmounts, undefined],
    ]);
    // What the record says is what the table holds.
    await f.db.send(
      new PutCommand({
        TableName: TABLE,
        Item: item('1e0', { amounts: { list: [NumberValue.from('0.50')] } }),
      }),
    );
    const stored = await f.db.send(new GetCommand({ TableName: TABLE, Key: f.key('n1') }));
    expect(stored.Item?.amounts).toEqual({ list: [0.5] });
  });

  it('answers a put without the old item its record was read from, also when the record cannot be written', async () => {
    // No function subscribed: the clock is read by the record's write alone.
    const f = await feed(async () => undefined);
    const key = { PK: 'ORDER#r1', SK: ORDER_SK };
    await f.put('r1');

    f.clock.broken = true;
    const answer = await f.db.send(
      new PutCommand({ TableName: TABLE, Item: { ...key, refId: 'r1', step: 2 } }),
    );
    f.clock.broken = false;

    expect(answer.Attributes).toBeUndefined();
    const stored = await f.db.send(new GetCommand({ TableName: TABLE, Key: key }));
    expect(stored.Item?.step).toBe(2);
    expect(f.stream.unconsumed()).toBe(0);
  });

  it('records each item of a batch write, with its images', async () => {
    const f = await recordingFeed();
    await f.put('b1');

    await f.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { DeleteRequest: { Key: f.key('b1') } },
            { PutRequest: { Item: { ...f.key('b2'), refId: 'b2' } } },
          ],
        },
      }),
    );
    await f.caughtUp();

    const image = (refId: string) => ({
      PK: { S: `ORDER#${refId}` },
      SK: { S: ORDER_SK },
      refId: { S: refId },
    });
    expect(f.of('b1').map((r) => [r.eventName, r.dynamodb.OldImage, r.dynamodb.NewImage])).toEqual([
      ['INSERT', undefined, image('b1')],
      ['REMOVE', image('b1'), undefined],
    ]);
    expect(f.of('b2').map((r) => [r.eventName, r.dynamodb.OldImage, r.dynamodb.NewImage])).toEqual([
      ['INSERT', undefined, image('b2')],
    ]);
  });

  it('lets the next write to an item through after a write dynalite answered without JSON (no record for it)', async () => {
    const f = await recordingFeed();
    // A write sent as text/plain: dynalite answers 404 with an XML body, and writes nothing.
    const refused = await fetch(f.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: JSON.stringify({
        TableName: TABLE,
        Item: { PK: { S: 'ORDER#x1' }, SK: { S: ORDER_SK }, refId: { S: 'x1' } },
      }),
    });
    expect(refused.status).toBe(404);

    await f.put('x1');
    await f.caughtUp();

    expect(f.of('x1').map((r) => [r.eventName, refIdOf(r)])).toEqual([['INSERT', 'x1']]);
  });

  it('gives concurrent writes to one item each its own images, one after the other, in the order they were applied', async () => {
    const f = await recordingFeed();
    const writes = 30;

    // Updates at once, as the embedded stack takes concurrent requests; every third asks for values
    // of its own (UPDATED_OLD), so its new image is read after it rather than forced into its answer.
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        i % 3 === 2
          ? f.db.send(
              new UpdateCommand({
                TableName: TABLE,
                Key: f.key('c'),
                UpdateExpression: 'ADD n :one SET refId = :r',
                ExpressionAttributeValues: { ':one': 1, ':r': 'c' },
                ReturnValues: 'UPDATED_OLD',
              }),
            )
          : f.db.send(update(TABLE, f.key('c'), 'ADD n :one SET refId = :r', { ':one': 1, ':r': 'c' })),
      ),
    );
    await f.caughtUp();

    const counts = f
      .of('c')
      .map((r) => [
        (r.dynamodb.OldImage as { n?: { N: string } } | undefined)?.n?.N,
        (r.dynamodb.NewImage as { n?: { N: string } } | undefined)?.n?.N,
      ]);
    // Each record's old image is the one before's new image: 0 → 1 → … → 30.
    expect(counts).toEqual(
      Array.from({ length: writes }, (_, i) => [i === 0 ? undefined : String(i), String(i + 1)]),
    );
    const stored = await f.db.send(new GetCommand({ TableName: TABLE, Key: f.key('c') }));
    expect(stored.Item?.n).toBe(writes);
  });
});
