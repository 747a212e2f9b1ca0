/**
 * Who may see an order. Another SP's (or another partner's) order is indistinguishable from one
 * that does not exist: the same 404, so that refIds reveal nothing.
 */
import { isOpened, type OpenedOrder, type Order } from '../core/order.js';
import { problems } from '../core/problems.js';
import type { OrderStore } from './ports/orders.js';

/** The order, if this SP (OAuth client) started it. */
export async function orderOfClient(repository: OrderStore, refId: string, clientId: string): Promise<Order> {
  const order = await repository.getOrder(refId);
  if (!order || order.clientId !== clientId) throw problems.notFound('No identification with this refId.');
  return order;
}

/** The order, if it was opened with this partner. */
export async function orderOfIssuer(
  repository: OrderStore,
  refId: string,
  issuer: string,
): Promise<OpenedOrder> {
  const order = await repository.getOrder(refId);
  if (!order || !isOpened(order) || order.issuer !== issuer) {
    throw problems.notFound('No identification with this refId for this issuer.');
  }
  return order;
}
