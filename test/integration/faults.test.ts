/**
 * Fault injection in the emulations (local/faults.ts): each injection point fails a call the way
 * the AWS service does, and the product's own retries (the SDK's, the state machine's Retry)
 * recover. The faults are scripted here (which call fails), so that nothing depends on chance.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsSmsSender } from '../../lambdas/adapters/sms.js';
import { startDynamo } from '../../local/dynamodb.js';
import {
  FAULT_KINDS,
  FaultInjector,
  type FaultKind,
  faultSettingsFrom,
  sdkAttemptOf,
  seededRandom,
} from '../../local/faults.js';
import { TABLE_NAME } from '../../local/stack.js';
import { acceptTerms, evidenceFor, sendEvidence, termsLinkFromOutbox } from '../support/isp.js';
import { call, type LocalStack, startOrder, startStack, tokenFor, waitFor } from '../support/stack.js';

/** Random numbers from a script, then "no fault" (0.99) once the script is used up. */
function scripted() {
  const queue: number[] = [];
  return { random: () => queue.shift() ?? 0.99, next: (...values: number[]) => queue.push(...values) };
}

function injector(kinds: FaultKind[], random: () => number) {
  const lines: string[] = [];
  const faults = new FaultInjector({ rate: 0.5, kinds, seed: 1 }, { random, log: (l) => lines.push(l) });
  return { faults, lines };
}

const local = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

describe('fault settings', () => {
  it('are off unless a rate is given, and refuse what they cannot mean', () => {
    expect(faultSettingsFrom({})).toBeUndefined();
    expect(faultSettingsFrom({ rate: '' })).toBeUndefined();
    expect(faultSettingsFrom({ rate: '0.05', seed: '7' })).toEqual({
      rate: 0.05,
      kinds: [...FAULT_KINDS],
      seed: 7,
    });
    expect(faultSettingsFrom({ rate: '1', kinds: 'sns, task', seed: '1' })?.kinds).toEqual(['sns', 'task']);
    expect(() => faultSettingsFrom({ rate: '5%' })).toThrow(/from 0 to 1/);
    expect(() => faultSettingsFrom({ rate: '1.5' })).toThrow(/from 0 to 1/);
    expect(() => faultSettingsFrom({ rate: '0.1', kinds: 'dynamodb,lambda' })).toThrow(
      /Unknown fault kind lambda/,
    );
    expect(() => faultSettingsFrom({ rate: '0.1', seed: 'x' })).toThrow(/seed must be an integer/);
  });

  it('fail about the configured share of calls, the same ones for the same seed', () => {
    const draw = (seed: number) => {
      const faults = new FaultInjector({ rate: 0.05, kinds: ['task'], seed }, { log: () => undefined });
      return Array.from({ length: 10_000 }, () => faults.pick('task', ['x']) !== undefined);
    };
    const failed = draw(42).filter(Boolean).length;
    expect(failed).toBeGreaterThan(400);
    expect(failed).toBeLessThan(600);
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });

  it('never fail a kind that is not configured, nor any call at rate 0', () => {
    const { faults, lines } = injector(['sns'], () => 0);
    const off = new FaultInjector({ rate: 0, kinds: [...FAULT_KINDS], seed: 1 }, { random: () => 0 });

    expect(faults.pick('dynamodb', ['a'])).toBeUndefined();
    expect(off.pick('sns', ['a'])).toBeUndefined();
    expect(faults.pick('sns', ['a', 'b'])).toBe('a');
    expect(lines).toEqual(['[fault] injected sns a']);
    expect(faults.counts()).toEqual({ injected: { 'sns a': 1 }, retried: {} });
  });

  it('read the SDK attempt number from its request header', () => {
    expect(sdkAttemptOf('attempt=2; max=3')).toBe(2);
    expect(sdkAttemptOf(undefined)).toBe(1);
  });
});

describe('DynamoDB faults', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function dynamo(kinds: FaultKind[]) {
    const script = scripted();
    const { faults, lines } = injector(kinds, script.random);
    const db = await startDynamo({ tableName: TABLE_NAME, faults });
    closers.push(db.close);
    return { ...db, script, lines };
  }

  it.each([
    [0.0, 'ProvisionedThroughputExceededException', 400],
    [0.5, 'ThrottlingException', 400],
    [0.9, 'InternalServerError', 500],
  ] as const)('answer %s as DynamoDB does: the SDK sees %s (HTTP %i)', async (variant, name, status) => {
    const db = await dynamo(['dynamodb']);
    const once = new DynamoDBClient({ endpoint: db.endpoint, maxAttempts: 1, ...local });
    db.script.next(0, variant);

    const error = await once.send(new DescribeTableCommand({ TableName: TABLE_NAME })).catch((e) => e);

    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } });
    once.destroy();
  });

  it('are recovered by the SDK’s own retries, which the emulation counts', async () => {
    const db = await dynamo(['dynamodb']);
    const client = new DynamoDBClient({ endpoint: db.endpoint, ...local });
    db.script.next(0, 0, 0, 0.9);

    const out = await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));

    expect(out.Table?.TableName).toBe(TABLE_NAME);
    expect(out.$metadata.attempts).toBe(3);
    expect(db.lines).toEqual([
      '[fault] injected dynamodb ProvisionedThroughputExceededException',
      '[fault] retry dynamodb attempt 2',
      '[fault] injected dynamodb InternalServerError',
      '[fault] retry dynamodb attempt 3',
    ]);
    client.destroy();
  });

  it('are not injected when only other kinds are configured', async () => {
    const db = await dynamo(['sns']);
    const once = new DynamoDBClient({ endpoint: db.endpoint, maxAttempts: 1, ...local });
    db.script.next(0, 0);

    await expect(once.send(new DescribeTableCommand({ TableName: TABLE_NAME }))).resolves.toBeDefined();
    expect(db.lines).toEqual([]);
    once.destroy();
  });
});

describe('faults on the embedded stack', () => {
  let stack: LocalStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function stackWith(kinds: FaultKind[]) {
    const script = scripted();
    const { faults, lines } = injector(kinds, script.random);
    stack = await startStack({ faults, rateLimits: false, stepFunctions: { retryIntervalMs: 10 } });
    return { stack, script, lines, faults };
  }

  function sender(s: LocalStack) {
    return new SnsSmsSender(new SNSClient({ endpoint: `${s.baseUrl}/_aws/sns`, ...local }));
  }

  it('SNS throttling and 500s before delivery: the SDK retries, the SMS arrives once', async () => {
    const { stack: s, script, lines } = await stackWith(['sns']);
    script.next(0, 0, 0, 0.5);

    const sent = await sender(s).send('+41790000901', 'hello');

    expect(sent.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.outbox.list().filter((m) => m.phoneNumber === '+41790000901')).toHaveLength(1);
    expect(lines).toEqual([
      '[fault] injected sns Throttling',
      '[fault] retry sns attempt 2',
      '[fault] injected sns InternalError',
      '[fault] retry sns attempt 3',
    ]);
  });

  it('an SNS 500 after delivery: the SDK’s retry delivers the SMS a second time (at least once)', async () => {
    const { stack: s, script } = await stackWith(['sns']);
    script.next(0, 0.9);

    await sender(s).send('+41790000902', 'hello twice');

    expect(
      s.outbox
        .list()
        .filter((m) => m.phoneNumber === '+41790000902')
        .map((m) => m.message),
    ).toEqual(['hello twice', 'hello twice']);
  });

  it('failed task invocations, before and after the function ran: the ASL Retry recovers, one SMS', async () => {
    const { stack: s, script, lines } = await stackWith(['task']);
    const token = await tokenFor(s);
    const mobile = '+41790000903';
    // WaitForEvidence fails before it runs; SendTermsSms fails after it sent the SMS.
    script.next(0, 0, 0.99, 0, 0.9);

    const { refId } = await startOrder(s, token, { mobile });
    expect((await sendEvidence(s, refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
    const link = await waitFor(
      async () => termsLinkFromOutbox(s, mobile),
      (l) => l !== undefined,
    );
    expect((await acceptTerms(link as string)).status).toBe(200);
    const execution = await s.stepFunctions.settled(refId);

    expect(execution.status).toBe('SUCCEEDED');
    expect(lines).toEqual([
      '[fault] injected task Lambda.ServiceException',
      '[fault] retry task attempt 2',
      '[fault] injected task Lambda.ServiceException-after-run',
      '[fault] retry task attempt 2',
    ]);
    expect(s.outbox.list().filter((m) => m.phoneNumber === mobile)).toHaveLength(1);
    const status = await call<{ statuses: { status: string }[] }>(s, 'GET', `/api/identifications/${refId}`, {
      token,
    });
    expect(status.body.statuses.at(-1)?.status).toBe('terms-accepted');
    expect(await s.repository.getRegistration(mobile.slice(1))).toMatchObject({ refId });
  });

  it('a callback task that failed its own token and then its invocation: no unhandled rejection, the Catch runs', async () => {
    // Seen in the fault run: the emulation's stack process died of an unhandled rejection here.
    const script = scripted();
    const { faults, lines } = injector(['task'], script.random);
    let running: LocalStack | undefined;
    const cancelItself = async (event: unknown) => {
      const { taskToken } = event as { taskToken: string };
      running?.stepFunctions.sendTaskFailure({ taskToken, error: 'IdentificationCancelled', cause: 'gone' });
      return {};
    };
    stack = await startStack({
      faults,
      rateLimits: false,
      stepFunctions: { retryIntervalMs: 10, taskOverrides: { WaitForEvidence: cancelItself } },
    });
    running = stack;
    const token = await tokenFor(stack);
    script.next(0, 0.9);

    const { refId } = await startOrder(stack, token, { mobile: '+41790000905' });
    const execution = await stack.stepFunctions.settled(refId);

    expect(lines).toContain('[fault] injected task Lambda.ServiceException-after-run');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.slice(-2)).toEqual(['WaitForEvidence', 'Cancelled']);
  });

  it('are counted at /_local/faults, which answers null when faults are off', async () => {
    const { stack: s, script } = await stackWith(['sns']);
    script.next(0, 0);
    await sender(s).send('+41790000904', 'counted');

    const counts = await call(s, 'GET', '/_local/faults');
    expect(counts.body).toEqual({
      settings: { rate: 0.5, kinds: ['sns'], seed: 1 },
      injected: { 'sns Throttling': 1 },
      retried: { 'sns attempt 2': 1 },
    });

    await s.close();
    stack = await startStack({ rateLimits: false });
    expect((await call(stack, 'GET', '/_local/faults')).body).toBeNull();
  });
});
