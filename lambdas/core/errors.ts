/**
 * Errors the use cases decide on, raised by whichever adapter meets the condition. They live in the
 * core so that use cases can recognise them without importing an adapter.
 */

/** A conditional write found the item not as expected (exists, changed since read, used, taken). */
export class ConditionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionFailed';
  }
}

/** The partner cannot open the order; `retryable` marks outages (503) vs errors (502). */
export class IspUnavailable extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'IspUnavailable';
  }
}

/** An error the state machine's Retry retries (its name is the error code the ASL lists). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}
