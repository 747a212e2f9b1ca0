/** Ports for the state machine: starting an order's lifecycle, completing the tasks it waits on. */
import type { Order } from '../../core/order.js';

export interface IdentificationWorkflow {
  /** Starts the order's lifecycle; starting it twice for one refId runs it once. */
  start(order: Order): Promise<void>;
}

/** Completes a waiting task. A token that is gone (completed, timed out) answers false, never throws. */
export interface TaskCallbackPort {
  succeed(taskToken: string, output: unknown): Promise<boolean>;
  fail(taskToken: string, error: string, cause: string): Promise<boolean>;
}
