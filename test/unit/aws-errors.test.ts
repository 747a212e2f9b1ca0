/**
 * Which AWS SDK errors are worth another attempt later (the task edge turns them into the
 * TransientError the ASL Retry lists: test/unit/task-handler.test.ts).
 */
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { ThrottledException } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { isTransientAwsError } from '../../lambdas/adapters/aws-errors.js';

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
