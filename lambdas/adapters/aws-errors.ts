/**
 * AWS SDK errors that a later attempt can get past: throttling, a service's 5xx, a broken
 * connection. The SDK has retried them already (3 attempts by default); what still fails reaches
 * our code. A state machine task turns them into a TransientError, which every task's ASL Retry
 * lists, so that the step is tried again seconds later instead of failing the identification.
 */
import { TransientError } from '../core/errors.js';

/** The SDK's own list of throttling error codes (@smithy/service-error-classification). */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function isTransientAwsError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    e.$retryable !== undefined ||
    THROTTLING_CODES.has(e.name ?? '') ||
    status === 429 ||
    status >= 500 ||
    e.name === 'TimeoutError' ||
    NETWORK_ERROR_CODES.has(e.code ?? '')
  );
}

/** Wraps a state machine task: a transient AWS error becomes the TransientError its Retry retries. */
export function retryingTransientErrors<E, R>(task: (event: E) => Promise<R>): (event: E) => Promise<R> {
  return async (event) => {
    try {
      return await task(event);
    } catch (err) {
      if (isTransientAwsError(err))
        throw new TransientError(`${(err as Error).name} after the SDK's own retries`);
      throw err;
    }
  };
}
