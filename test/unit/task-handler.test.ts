/**
 * The middy chain every state machine task shares: what a task throws reaches Step Functions as a
 * typed task error whose name the ASL's Retry and Catch match, never as an HTTP problem; every log
 * line of the invocation carries the Lambda context and the order's refId, and nothing else of it.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambdas/adapters/logger.js';
import { OrderNotReady, TransientError } from '../../lambdas/core/errors.js';
import { problems } from '../../lambdas/core/problems.js';
import { taskHandler } from '../../lambdas/http/task.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { captureLogs, logRecords } from '../support/logs.js';

const context = lambdaContext('task-register-person', 'aws-request-7', 30_000);
const refId = '6f1c2a4e-1b2c-4d3e-8f90-0123456789ab';

const failureOf = (task: (e: { refId: string }, c: typeof context) => Promise<unknown>) =>
  task({ refId }, context).then(
    () => undefined,
    (e: unknown) => e as Error,
  );

// The lines these tests read are INFO lines, whatever LOG_LEVEL the shell has.
beforeAll(() => logger.setLogLevel('INFO'));
afterEach(() => vi.restoreAllMocks());

describe('taskHandler', () => {
  it('turns AWS throttling that outlasted the SDK’s retries into the TransientError every task’s Retry lists', async () => {
    const task = taskHandler('task-register-person', async () => {
      throw new ProvisionedThroughputExceededException({ message: 'too fast', $metadata: {} });
    });

    let error: Error | undefined;
    const written = await captureLogs(async () => {
      error = await failureOf(task);
    });

    expect(error).toBeInstanceOf(TransientError);
    expect(error?.name).toBe('TransientError');
    expect(error?.message).toContain('ProvisionedThroughputExceededException');
    expect(logRecords(written)).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'task failed, to be retried',
        errorName: 'TransientError',
      }),
    ]);
  });

  it('names an HTTP problem from a shared use case for the state machine instead of passing it on', async () => {
    const missing = taskHandler('task-expire-order', async () => {
      throw problems.notFound('No identification with this refId.');
    });
    const refused = taskHandler('task-expire-order', async () => {
      throw problems.conflict('The order moved on.', 'transition-not-allowed');
    });

    let errors: (Error | undefined)[] = [];
    await captureLogs(async () => {
      errors = [await failureOf(missing), await failureOf(refused)];
    });

    expect(errors.map((e) => e?.name)).toEqual(['OrderNotFound', 'TransitionRefused']);
    expect(errors.map((e) => e?.constructor.name)).not.toContain('Problem');
  });

  it('passes a typed task error and any other error on under its own name, and answers results unchanged', async () => {
    const notReady = new OrderNotReady('Registration needs evidence and acceptance.');
    const bug = new TypeError('bug');
    const tasks = [
      taskHandler('t', async () => {
        throw notReady;
      }),
      taskHandler('t', async () => {
        throw bug;
      }),
    ];

    let errors: (Error | undefined)[] = [];
    await captureLogs(async () => {
      errors = await Promise.all(tasks.map(failureOf));
    });
    const ok = await taskHandler('t', async (e: { refId: string }) => ({ refId: e.refId }))(
      { refId },
      context,
    );

    expect(errors).toEqual([notReady, bug]);
    expect(ok).toEqual({ refId });
  });

  it('puts the Lambda context and the refId on every line of the invocation, and neither the error’s message nor the event', async () => {
    const task = taskHandler('task-send-terms-sms', async (_: { refId: string; mobile: string }) => {
      logger.info('terms sms', { sent: true });
      throw new TypeError('cannot send to +41791234567');
    });

    const written = await captureLogs(() =>
      task({ refId, mobile: '+41791234567' }, context).catch(() => undefined),
    );
    const after = await captureLogs(async () => logger.info('between invocations'));

    const lines = logRecords(written);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        refId,
        function_name: 'task-register-person',
        function_request_id: 'aws-request-7',
      });
    }
    expect(lines[1]).toMatchObject({ level: 'ERROR', message: 'task failed', errorName: 'TypeError' });
    expect(written).not.toContain('41791234567');
    expect(logRecords(after)[0]?.refId).toBeUndefined();
  });
});
