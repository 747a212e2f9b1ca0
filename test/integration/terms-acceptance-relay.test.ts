/**
 * An acceptance recorded by a terms page that died before telling the state machine (ADR 0022):
 * the change feed's relay (terms-acceptance-relay) tells the terms wait, so the person is
 * registered without coming back and without the wait timing out (14 days). Faults are placed at
 * the seams: the page's callback port dies after the write; Step Functions refuses the relay's
 * first calls, which the change feed then delivers again, or all of them, and the record's metadata
 * go to the relay's own dead-letter queue. The relay is invoked for that write alone, not for the
 * order's others (its event source's filter).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, expect, it, vi } from 'vitest';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import { embeddedDocumentClient } from '../../local/dynamodb.js';
import type { OnFailureMessage } from '../../local/dynamodb-streams.js';
import type { MetricsHooks } from '../../local/metrics-hooks.js';
import { TABLE_NAME } from '../../local/stack.js';
import { SfnError } from '../../local/stepfunctions.js';
import { acceptTerms } from '../support/isp.js';
import { statusesOf, tokenFor, useStack, waitFor } from '../support/stack.js';
import { acceptanceRecordedUntold, waitingForTerms } from '../support/terms.js';

/** Each function's invocations (Lambda's Invocations metric), as the stack reports them to a recorder. */
const invocations = new Map<string, number>();
const invocationCounter: MetricsHooks = {
  recording: true,
  invoke: (functionName, run) => {
    invocations.set(functionName, (invocations.get(functionName) ?? 0) + 1);
    return run();
  },
  recordApiRequest: () => {},
  recordTokenRequest: () => {},
  recordServiceCall: () => {},
  instrumentDynalite: () => {},
};

let token: string;
// The change feed's pause before a retry, shortened: the test waits for the outcome, not the clock.
const stack = useStack({
  rateLimits: false,
  changeFeed: { retryPauseMs: 10, maxRetryPauseMs: 10 },
  metrics: invocationCounter,
});
beforeAll(async () => {
  token = await tokenFor(stack());
});

/** Waits until the change feed has handed over every record written so far. */
const caughtUp = () =>
  waitFor(
    async () => stack().stream.unconsumed(),
    (n) => n === 0,
  );

/** `fn`'s invocations since `before` (a copy of `invocations`). */
const invokedSince = (before: Map<string, number>, fn: string) =>
  (invocations.get(fn) ?? 0) - (before.get(fn) ?? 0);

/** The execution ended registered straight from the terms wait: told, not timed out. */
const TOLD = ['WaitForTerms', 'RegisterPerson', 'Registered'];

it('registers a person whose terms page died after recording the acceptance, without their coming back or the wait timing out', async () => {
  const { refId, linkToken } = await waitingForTerms(stack(), token, '+41795560001');

  await acceptanceRecordedUntold(stack(), linkToken);

  const execution = await stack().stepFunctions.settled(refId);
  expect(execution.status).toBe('SUCCEEDED');
  expect(execution.states.slice(-3)).toEqual(TOLD);
  expect(execution.states).not.toContain('ExpireOrder');
  const order = await stack().repository.getOrder(refId);
  expect(await stack().repository.getRegistration('41795560001')).toMatchObject({
    refId,
    termsAcceptedAt: order?.acceptance?.acceptedAt,
  });
  expect((await statusesOf(stack(), token, refId)).map((s) => s.status)).toEqual([
    'created',
    'initialized',
    'data-ready',
    'terms-accepted',
  ]);
});

it('tells it again when Step Functions refuses the first calls: the change feed delivers the record until it is told', async () => {
  const { refId, linkToken } = await waitingForTerms(stack(), token, '+41795560002');
  // Throttled beyond the SDK's own attempts (3): the relay reports the record, the feed retries it.
  let refused = 0;
  const refuse = () => {
    refused += 1;
    if (refused < 4) stack().stepFunctions.interceptNextCallback(refId, refuse);
    throw new SfnError('ThrottlingException', 'Rate exceeded');
  };
  stack().stepFunctions.interceptNextCallback(refId, refuse);

  await acceptanceRecordedUntold(stack(), linkToken);

  const execution = await stack().stepFunctions.settled(refId);
  expect(refused).toBe(4);
  expect(execution.status).toBe('SUCCEEDED');
  expect(execution.states.slice(-3)).toEqual(TOLD);
  expect((await statusesOf(stack(), token, refId)).filter((s) => s.status === 'terms-accepted')).toHaveLength(
    1,
  );
});

it('tells an acceptance the page told already once more, which the completed wait ignores: registered once', async () => {
  const { refId, link } = await waitingForTerms(stack(), token, '+41795560003');
  // Every SendTaskSuccess, answered or refused: the page's, then the relay's.
  const tells = vi.spyOn(stack().stepFunctions, 'sendTaskSuccess');

  expect((await acceptTerms(link)).status).toBe(200);
  await vi.waitFor(() => expect(tells).toHaveBeenCalledTimes(2), { timeout: 10_000 });
  tells.mockRestore();

  const execution = await stack().stepFunctions.settled(refId);
  expect(execution.status).toBe('SUCCEEDED');
  expect(execution.states.filter((s) => s === 'RegisterPerson')).toHaveLength(1);
  expect((await statusesOf(stack(), token, refId)).filter((s) => s.status === 'terms-accepted')).toHaveLength(
    1,
  );
});

it('is invoked for the write that recorded the acceptance only, none of the order’s other writes', async () => {
  await caughtUp();
  const before = new Map(invocations);
  const { refId, link } = await waitingForTerms(stack(), token, '+41795560004');

  expect((await acceptTerms(link)).status).toBe(200);
  expect((await stack().stepFunctions.settled(refId)).status).toBe('SUCCEEDED');
  await caughtUp();

  const invoked = (fn: string) => invokedSince(before, fn);
  // The order was written once per version; the fan-out was handed them all.
  expect((await stack().repository.getOrder(refId))?.version).toBeGreaterThanOrEqual(5);
  expect(invoked('webhook-fanout')).toBeGreaterThan(1);
  expect(invoked('terms-acceptance-relay')).toBe(1);
});

it('is invoked once per acceptance, not again for updates of the accepted order (the feed’s records have its old image)', async () => {
  await caughtUp();
  const before = new Map(invocations);
  const { refId, link } = await waitingForTerms(stack(), token, '+41795560006');
  expect((await acceptTerms(link)).status).toBe(200);
  expect((await stack().stepFunctions.settled(refId)).status).toBe('SUCCEEDED');

  // The accepted order updated in place, as the index migration (`index-orders`) updates an order
  // written before the mobile index: taken out of the index, then put back by the repository.
  const db = embeddedDocumentClient(stack().dynamoEndpoint);
  try {
    await db.send(
      new UpdateCommand({
        TableName: TABLE_NAME,
        Key: keys.order(refId),
        UpdateExpression: 'REMOVE GSI2PK, GSI2SK',
      }),
    );
  } finally {
    db.destroy();
  }
  expect(await stack().repository.indexOrdersByMobile()).toBe(1);
  await caughtUp();

  const invoked = (fn: string) => invokedSince(before, fn);
  expect(invoked('terms-acceptance-relay')).toBe(1);
});

it('sends an acceptance it could not tell after every retry to its own dead-letter queue, not the webhooks’ one', async () => {
  const messagesOf = (queue: string) =>
    (stack().sqs.list()[queue]?.messages ?? []).map((m) => JSON.parse(m.body) as OnFailureMessage);
  const webhookDeadLetters = messagesOf('webhook-dead-letters').length;
  const { refId, linkToken } = await waitingForTerms(stack(), token, '+41795560005');
  // Step Functions refuses every call for this order (an error the SDK does not retry itself).
  let refusing = true;
  const refuse = () => {
    if (refusing) stack().stepFunctions.interceptNextCallback(refId, refuse);
    throw new SfnError('AccessDeniedException', 'Not authorized');
  };
  stack().stepFunctions.interceptNextCallback(refId, refuse);

  await acceptanceRecordedUntold(stack(), linkToken);

  const [message] = await waitFor(
    async () => messagesOf('terms-acceptance-relay-dead-letters'),
    (messages) => messages.length === 1,
    { timeoutMs: 60_000 },
  );
  refusing = false;
  expect(message).toMatchObject({
    requestContext: {
      functionArn: 'arn:aws:lambda:local:000000000000:function:terms-acceptance-relay',
      condition: 'RetryAttemptsExhausted',
    },
    DDBStreamBatchInfo: { batchSize: 1, streamArn: stack().stream.arn },
  });
  // Where to find the record, not what it held.
  expect(JSON.stringify(message)).not.toContain(refId);
  expect(messagesOf('webhook-dead-letters')).toHaveLength(webhookDeadLetters);
}, 90_000);
