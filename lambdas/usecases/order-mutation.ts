/**
 * Changing an order: read, decide, write under the version condition, and decide again when
 * another writer came first. Every lifecycle step is such a single-item conditional write, safe to
 * repeat, so the state machine can retry and resume it.
 */
import { ConditionFailed, TransientError } from '../core/errors.js';
import { applyEvent, type LifecycleEvent, type Order, type TransitionResult } from '../core/order.js';
import { problems } from '../core/problems.js';
import type { LifecycleMetrics } from './ports/metrics.js';
import type { OrderStore } from './ports/orders.js';
import type { TaskCallbackPort } from './ports/workflow.js';
import { recordUsage, type UsagePort } from './usage.js';

/** How often a mutation reads and decides again after losing the race for the order's version. */
export const MUTATION_ATTEMPTS = 6;

/** The error a state machine Catch recognises as "the order was cancelled". */
export const CANCELLED_ERROR = 'IdentificationCancelled';

export interface OrderMutationDeps {
  repository: OrderStore & UsagePort;
  /** Counts the statuses orders reach (none in tests that do not ask). */
  metrics?: LifecycleMetrics;
  now?: () => Date;
}

export const clock = (deps: { now?: () => Date }) => (deps.now ?? (() => new Date()))();

/**
 * Read, decide, write under the version condition; on a concurrent write, decide again. After
 * MUTATION_ATTEMPTS lost races it gives up with a TransientError, which the state machine retries
 * later and an API route answers 503.
 */
export async function mutateOrder<T>(
  repository: OrderStore,
  refId: string,
  decide: (order: Order) => { save?: Order; result: T },
): Promise<{ order: Order; result: T }> {
  for (let attempt = 0; attempt < MUTATION_ATTEMPTS; attempt++) {
    const order = await repository.getOrder(refId);
    if (!order) throw problems.notFound('No identification with this refId.');
    const { save, result } = decide(order);
    if (!save) return { order, result };
    try {
      await repository.saveOrder(save);
      return { order: save, result };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }
  throw new TransientError('The order is being changed concurrently');
}

/** The order with `change` applied, one version on. */
export function bump(order: Order, change: Partial<Order>): Order {
  return { ...order, ...change, version: order.version + 1 };
}

/**
 * Applies a lifecycle event and tells the caller what happened. The order's billable events are
 * written after the order — also when the event is a repeat, so that a retry writes what a
 * function that died between the two writes left out.
 */
export async function transition(deps: OrderMutationDeps, refId: string, event: LifecycleEvent) {
  const changed = await mutateOrder<TransitionResult>(deps.repository, refId, (order) => {
    const result = applyEvent(order, event, clock(deps));
    return { save: result.outcome === 'applied' ? result.order : undefined, result };
  });
  if (changed.result.outcome === 'applied') await deps.metrics?.statusReached(changed.order);
  if (changed.result.outcome === 'applied' || changed.result.outcome === 'duplicate') {
    try {
      await recordUsage(deps.repository, changed.order);
    } catch (err) {
      throw new TransientError(`Usage not recorded: ${(err as Error).name}`);
    }
  }
  return changed;
}

/** Tells the waiting state machine tasks, if any wait, that the order was cancelled. */
export async function notifyCancelled(
  callbacks: TaskCallbackPort,
  order: Order,
  reason: string,
): Promise<void> {
  for (const token of [order.waitTokens?.evidence, order.waitTokens?.terms]) {
    if (token) await callbacks.fail(token, CANCELLED_ERROR, reason);
  }
}
