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

/**
 * A conditional write as a yes/no: false when its condition failed (someone else got there
 * first), true when it was written; any other error goes on.
 */
export async function succeeded(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (err instanceof ConditionFailed) return false;
    throw err;
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

/**
 * A partner's settings in the service's configuration cannot be used here (e.g. an `ordersUrl` of
 * http to the loopback interface in production, which the seed command refuses): the operator's to
 * fix, not the caller's, and not the partner's failure. `setting` names the setting (never a value:
 * no secret, no person data), for the log line that tells the operator what to fix.
 */
export class PartnerMisconfigured extends Error {
  override readonly name = 'PartnerMisconfigured';
  constructor(
    readonly issuer: string,
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`The ${setting} of ${issuer} cannot be used here: ${reason}`);
  }
}

/** An error the state machine's Retry retries (its name is the error code the ASL lists). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/*
 * The errors a state machine task ends with besides TransientError. Step Functions sees an error's
 * `name` as its error code: TransientError is in every task's Retry; these fall to `States.ALL`,
 * whose RecordFailure writes the code on the order as the reason its lifecycle ended — so each
 * names what went wrong. A task never ends with an HTTP problem (lambdas/http/task.ts).
 */

/** The order the task was started for does not exist (erased, or never written). */
export class OrderNotFound extends Error {
  override readonly name = 'OrderNotFound';
}

/** The order is not in a state this task can work on (e.g. a registration without evidence). */
export class OrderNotReady extends Error {
  override readonly name = 'OrderNotReady';
}

/** The lifecycle refused the transition the task makes (the order moved on meanwhile). */
export class TransitionRefused extends Error {
  override readonly name = 'TransitionRefused';
}

/** The errors a task ends with as they are, each under its own name. */
export const TASK_ERRORS = [TransientError, OrderNotFound, OrderNotReady, TransitionRefused] as const;
