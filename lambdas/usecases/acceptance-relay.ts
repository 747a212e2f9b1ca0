/**
 * The change feed's teller of a recorded terms acceptance (ADR 0022). The terms page records the
 * acceptance and then tells the waiting state machine; a page that dies between the two (a crash,
 * a timeout) leaves the order accepted and its wait untold until the wait times out (14 days). The
 * change record of the write that recorded the acceptance tells it as well — at least once: the
 * event source retries a record whose telling fails — so the person is registered without coming
 * back. Told twice (the page, then this) is harmless: a completed wait ignores the second.
 */
import type { OrderStore } from './ports/orders.js';
import type { TaskCallbackPort } from './ports/workflow.js';
import { tellTermsWait } from './terms-acceptance.js';
import type { OrderChange } from './webhook-delivery.js';

interface AcceptanceRelayDeps {
  repository: Pick<OrderStore, 'getOrder'>;
  callbacks: TaskCallbackPort;
}

/**
 * Tells the terms wait the acceptance this change recorded; false when there is nothing to tell or
 * the wait was completed already (by the page, usually): only a wait this told counts as told.
 */
export async function tellRecordedAcceptance(
  deps: AcceptanceRelayDeps,
  change: OrderChange,
): Promise<boolean> {
  const { before, after } = change;
  // Only the write that recorded it: the order's later writes carry it too, and are not news.
  if (!after.acceptance || before?.acceptance) return false;
  // The order as it is now, not as the record shows it: a record delivered again late finds it
  // registered, and a resumed execution has parked a new token. No token yet: AwaitCallback finds
  // the acceptance when it parks one, and completes the wait itself.
  const order = await deps.repository.getOrder(after.refId);
  return order ? tellTermsWait(deps.callbacks, order) : false;
}
