/**
 * The middy chain of the functions an event source invokes (the change feed's fan-out, the
 * webhook delivery): the Lambda context on every line of the batch, a batch that fails whole
 * logged by the error's name only and handed back to the event source.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambdas/adapters/logger.js';
import { batchHandler } from '../../lambdas/http/event-source.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { captureLogs, logRecords } from '../support/logs.js';

const context = lambdaContext('webhook-deliver', 'aws-request-9', 30_000);

// The lines these tests read are INFO lines, whatever LOG_LEVEL the shell has.
beforeAll(() => logger.setLogLevel('INFO'));
afterEach(() => vi.restoreAllMocks());

describe('batchHandler', () => {
  it('answers the handler’s partial batch response, each line with the Lambda context', async () => {
    const deliver = batchHandler('webhook-deliver', async (event: { Records: { id: string }[] }) => {
      logger.info('webhook delivery step', { step: 'delivered' });
      return { batchItemFailures: event.Records.slice(1).map((r) => ({ itemIdentifier: r.id })) };
    });

    let answer: unknown;
    const lines = logRecords(
      await captureLogs(async () => {
        answer = await deliver({ Records: [{ id: 'a' }, { id: 'b' }] }, context);
      }),
    );

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'webhook delivery step',
        function_name: 'webhook-deliver',
        function_request_id: 'aws-request-9',
      }),
    ]);
  });

  it('hands an error that fails the whole batch back to the event source, logging its name and not its message', async () => {
    const broken = new TypeError('cannot read https://sp.example/hook?secret=whsec_abc');
    const fanOut = batchHandler('webhook-fanout', async () => {
      throw broken;
    });

    let error: unknown;
    const written = await captureLogs(async () => {
      error = await fanOut({ Records: [] }, context).catch((e: unknown) => e);
    });

    expect(error).toBe(broken);
    expect(logRecords(written)[0]).toMatchObject({
      level: 'ERROR',
      message: 'batch failed',
      handler: 'webhook-fanout',
      errorName: 'TypeError',
    });
    expect(written).not.toContain('whsec_abc');
  });
});
