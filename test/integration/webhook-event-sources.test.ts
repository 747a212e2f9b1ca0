/**
 * The two webhook functions an event source invokes, each the real handler module (as the stack
 * loads it) against the embedded stack, with a batch that holds a record it cannot handle:
 * - webhook-fanout (the table's change feed): the record it cannot read is reported by its sequence
 *   number in `batchItemFailures`, so the feed hands it and those after it back, in order; the
 *   records before it are fanned out; the log names the error only, never the order in the image.
 * - webhook-deliver (the delivery queue): a message that is not a delivery is dropped — not
 *   reported, so SQS deletes it instead of handing it back until the dead-letter queue — nothing is
 *   sent for it, the other messages of the batch are delivered, and the log line names the message
 *   by its id, never by its body.
 */
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
  AttributeValue as StreamAttributeValue,
} from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../lambdas/core/order.js';
import { statusMessageId } from '../../lambdas/core/webhooks.js';
import type { StoredDelivery } from '../../lambdas/usecases/ports/webhooks.js';
import { loadHandler } from '../../local/handler-modules.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { captureLogs, logRecords } from '../support/logs.js';
import { call, tokenFor, useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { order, statusEntry } from '../unit/fixtures.js';

type Handler<E, R> = (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>;

const stack = useStack({ rateLimits: false, logLevel: 'INFO' });
/** The SP whose endpoints the tests register (its client id, as its tokens carry it). */
const clientId = 'demo-portal';
let token: string;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  token = await tokenFor(stack(), clientId);
});
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop();
});

/** A receiver with an endpoint of the demo portal's pointing at it. */
async function subscribed(): Promise<{ receiver: WebhookReceiver; endpointId: string }> {
  const receiver = await new WebhookReceiver().start();
  receivers.push(receiver);
  const res = await call<{ id: string }>(stack(), 'POST', '/api/webhooks', {
    token,
    json: { url: receiver.url },
  });
  expect(res.status, res.text).toBe(201);
  return { receiver, endpointId: res.body.id };
}

describe('webhook-fanout, a change record it cannot handle', () => {
  /** An item as a stream image (the SDK's and the event's attribute value types differ in name only). */
  const image = (item: object) => marshall(item) as Record<string, StreamAttributeValue>;
  /** A change record of an order item, as DynamoDB Streams sends it (new and old images). */
  const changeRecord = (sequence: string, after: { refId: string }): DynamoDBRecord => ({
    eventID: randomUUID(),
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: image({ PK: `ORDER#${after.refId}`, SK: 'ORDER' }),
      NewImage: image({ PK: `ORDER#${after.refId}`, SK: 'ORDER', ...after }),
      SequenceNumber: sequence,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });

  it('reports it by sequence number; the records before it are fanned out, those after it come again with it', async () => {
    const { receiver, endpointId } = await subscribed();
    const mobile = '+41791234999';
    const first: Order = order({ refId: randomUUID(), clientId, statuses: [statusEntry('created', 0)] });
    // An order item whose status list was damaged: no status events can be read from it.
    const damaged = { ...order({ refId: randomUUID(), clientId }), person: { mobile }, statuses: 'damaged' };
    const after: Order = order({ refId: randomUUID(), clientId, statuses: [statusEntry('created', 0)] });
    const fanOut = await loadHandler<Handler<DynamoDBStreamEvent, DynamoDBBatchResponse>>('webhook-fanout');

    let answer: DynamoDBBatchResponse | undefined;
    const written = await captureLogs(async () => {
      answer = await fanOut(
        {
          Records: [changeRecord('100', first), changeRecord('200', damaged), changeRecord('300', after)],
        },
        lambdaContext('webhook-fanout', randomUUID(), 30_000),
      );
    });

    expect(answer).toStrictEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    // The first order's status went out; the order after the damaged one waits for the feed's retry.
    const sent = await waitFor(
      async () => receiver.received.map((m) => m.headers['webhook-id']),
      (ids) => ids.length > 0,
    );
    expect(sent).toStrictEqual([statusMessageId(first.refId, 1)]);
    expect(await stack().repository.getDelivery(endpointId, statusMessageId(first.refId, 1))).toMatchObject({
      refId: first.refId,
    });
    expect(await stack().repository.getDelivery(endpointId, statusMessageId(after.refId, 1))).toBeUndefined();
    expect(logRecords(written)).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'webhook fan-out failed', errorName: 'TypeError' }),
    );
    expect(written).not.toContain(mobile);
  });
});

describe('webhook-deliver, a message that is not a delivery', () => {
  const message = (body: string): SQSRecord => ({
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-2:000000000000:webhook-deliveries',
    awsRegion: 'eu-central-2',
  });

  it('drops it unreported and unsent, logged by its id without the body; the batch’s delivery goes out', async () => {
    const { receiver, endpointId } = await subscribed();
    const refId = randomUUID();
    const delivery: StoredDelivery = {
      messageId: statusMessageId(refId, 1),
      endpointId,
      clientId,
      refId,
      sequence: 1,
      type: 'identification.status-changed',
      payload: JSON.stringify({ type: 'identification.status-changed', data: { refId, sequence: 1 } }),
      createdAt: new Date().toISOString(),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: new Date().toISOString(),
      lastAttemptAt: null,
      lastStatusCode: null,
      lastError: null,
      deliveredAt: null,
      version: 1,
    };
    await stack().repository.createDelivery(delivery);
    // Not deliveries: not JSON, JSON of no object, and a reference with a field of the wrong type.
    const secret = 'whsec_not-for-the-log +41791234999';
    const unreadable = [
      message(`${secret} is not JSON`),
      message('null'),
      message(JSON.stringify({ clientId, endpointId, messageId: 42, note: secret })),
    ];
    const readable = message(JSON.stringify({ clientId, endpointId, messageId: delivery.messageId }));
    const deliver = await loadHandler<Handler<SQSEvent, SQSBatchResponse>>('webhook-deliver');

    let answer: SQSBatchResponse | undefined;
    const written = await captureLogs(async () => {
      answer = await deliver(
        { Records: [unreadable[0], readable, ...unreadable.slice(1)] as SQSRecord[] },
        lambdaContext('webhook-deliver', randomUUID(), 30_000),
      );
    });

    // Not reported: SQS deletes the batch's messages, so an unreadable one does not come back.
    expect(answer).toStrictEqual({ batchItemFailures: [] });
    expect(receiver.received.map((m) => m.headers['webhook-id'])).toStrictEqual([delivery.messageId]);
    expect(await stack().repository.getDelivery(endpointId, delivery.messageId)).toMatchObject({
      state: 'delivered',
      attempts: 1,
    });
    const dropped = logRecords(written, { message: 'unreadable delivery message dropped' });
    expect(dropped.map((l) => [l.level, l.messageId])).toStrictEqual(
      unreadable.map((m) => ['WARN', m.messageId]),
    );
    expect(written).not.toContain('whsec_not-for-the-log');
    expect(written).not.toContain('+41791234999');
  });
});
