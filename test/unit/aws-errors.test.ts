/**
 * Which AWS SDK errors are worth another attempt later, and the state machine tasks' wrapper that
 * turns them into the TransientError their ASL Retry lists.
 */
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { ThrottledException } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { isTransientAwsError, retryingTransientErrors } from '../../lambdas/adapters/aws-errors.js';
import { TransientError } from '../../lambdas/core/errors.js';

const $metadata = {};

describe('isTransientAwsError', () => {
  it.each([
    ['DynamoDB throttling', new ProvisionedThroughputExceededException({ message: 'x', $metadata })],
    ['a DynamoDB 500', new InternalServerError({ message: 'x', $metadata: { httpStatusCode: 500 } })],
    ['SNS throttling', new ThrottledException({ message: 'x', $metadata })],
    [
      'a 503 of any service',
      Object.assign(new Error('x'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } }),
    ],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('retries %s', (_case, err) => {
    expect(isTransientAwsError(err)).toBe(true);
  });

  it.each([
    [
      'a failed condition',
      new ConditionalCheckFailedException({ message: 'x', $metadata: { httpStatusCode: 400 } }),
    ],
    ['a plain error', new Error('bug')],
    ['a thrown string', 'nope'],
    ['nothing', undefined],
  ])('does not retry %s', (_case, err) => {
    expect(isTransientAwsError(err)).toBe(false);
  });
});

describe('retryingTransientErrors', () => {
  it('rethrows a transient AWS error as the TransientError the ASL Retry lists, naming it', async () => {
    const task = retryingTransientErrors(async () => {
      throw new ProvisionedThroughputExceededException({ message: 'x', $metadata });
    });

    const error = await task({}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ name: 'TransientError' });
    expect((error as Error).message).toContain('ProvisionedThroughputExceededException');
  });

  it('passes results and every other error through unchanged', async () => {
    const bug = new TypeError('bug');
    await expect(retryingTransientErrors(async (n: number) => n + 1)(1)).resolves.toBe(2);
    await expect(
      retryingTransientErrors(async () => {
        throw bug;
      })({}),
    ).rejects.toBe(bug);
  });
});
