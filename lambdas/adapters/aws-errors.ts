/**
 * AWS SDK errors that a later attempt can get past: throttling, a service's 5xx, a broken
 * connection. The SDK has retried them already (3 attempts by default); what still fails reaches
 * our code. The task edge (lambdas/http/task.ts) turns them into a TransientError, which every
 * task's ASL Retry lists, so that the step is tried again seconds later instead of failing the
 * identification; the API edge answers them 503.
 */
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
