/**
 * The state machine's own steps: parking a task token on the order until what it waits for
 * happens, and the endings the state machine decides (no answer in time, a step that failed).
 */
import {
  awaitsRegistration,
  currentStatus,
  isOpened,
  type Order,
  type TransitionResult,
} from '../core/order.js';
import { bump, CANCELLED_ERROR, mutateOrder, type OrderMutationDeps, transition } from './order-mutation.js';
import type { TaskCallbackPort } from './ports/workflow.js';

export interface WorkflowTaskDeps extends OrderMutationDeps {
  callbacks: TaskCallbackPort;
}

/**
 * Parks a task token on the order. If what the task waits for has already happened (an early
 * ISP message, a resumed execution), completes the task at once.
 */
export async function awaitCallback(
  deps: WorkflowTaskDeps,
  input: { refId: string; waitFor: 'choice' | 'evidence' | 'terms'; taskToken: string },
): Promise<void> {
  const { order } = await mutateOrder(deps.repository, input.refId, (o) => ({
    save: bump(o, { waitTokens: { ...o.waitTokens, [input.waitFor]: input.taskToken } }),
    result: undefined,
  }));
  const status = currentStatus(order);
  if (status === 'cancelled' || status === 'failed') {
    await deps.callbacks.fail(input.taskToken, CANCELLED_ERROR, `order ${status}`);
  } else if (input.waitFor === 'choice' && isOpened(order)) {
    await deps.callbacks.succeed(input.taskToken, chosenPartnerOutput(order));
  } else if (input.waitFor === 'evidence' && order.evidenceId) {
    await deps.callbacks.succeed(input.taskToken, { evidenceId: order.evidenceId });
  } else if (input.waitFor === 'terms' && order.acceptance) {
    await deps.callbacks.succeed(input.taskToken, order.acceptance);
  }
}

/** What the method choice task answers the state machine: the chosen partner's timeout. */
export function chosenPartnerOutput(order: Order): { ispTimeoutSeconds: number } {
  return { ispTimeoutSeconds: order.timeoutSeconds };
}

/**
 * What ends a wait that timed out. `accepted`: the person's acceptance was recorded in time (its
 * answer to the state machine was lost, or came too late): the state machine registers the person
 * instead. Otherwise the order ends cancelled/expired (or had already ended).
 */
export async function expireOrder(
  deps: OrderMutationDeps,
  input: { refId: string },
): Promise<{ outcome: TransitionResult['outcome'] | 'accepted' }> {
  const { order, result } = await transition(deps, input.refId, {
    type: 'cancelled',
    source: 'service',
    kind: 'expired',
    reason: 'No answer in time.',
  });
  if (result.outcome === 'rejected' && awaitsRegistration(order)) return { outcome: 'accepted' };
  return { outcome: result.outcome };
}

export async function recordFailure(
  deps: OrderMutationDeps,
  input: { refId: string; error?: { Error?: string; Cause?: string } },
) {
  const code = (input.error?.Error ?? 'UnknownError').slice(0, 100);
  const { result } = await transition(deps, input.refId, { type: 'failed', source: 'service', reason: code });
  return { outcome: result.outcome };
}
