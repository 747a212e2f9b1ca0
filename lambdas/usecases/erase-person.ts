/**
 * Erasure of a person's data on request (GDPR art. 17, nDSG art. 32): the registration, and every
 * order placed for the mobile number with its evidence — the partner's signed JWS included — its
 * current terms link and its start call's idempotency record. Usage records, AML access records
 * and webhook deliveries (ids, statuses and counts, no person data) stay; a record that the erasure
 * happened is kept, without anything that says whose.
 */
import { randomUUID } from 'node:crypto';
import { currentStatus, isFinal } from '../core/order.js';
import { normaliseMsisdn } from '../core/registration.js';
import type { ErasureRecord, ErasureStore } from './ports/erasure.js';

export type ErasurePort = ErasureStore;

export type ErasureResult =
  | { outcome: 'erased'; record: ErasureRecord }
  /** An identification of the person is still running: erase after it ended (nothing was changed). */
  | { outcome: 'open-orders'; refIds: string[] };

export async function erasePerson(
  repository: ErasurePort,
  input: { mobile: string; reference?: string | undefined; now?: Date },
): Promise<ErasureResult> {
  const msisdn = normaliseMsisdn(input.mobile);
  const orders = await repository.ordersOfMobile(`+${msisdn}`);
  const open = orders.filter((o) => !isFinal(currentStatus(o))).map((o) => o.refId);
  if (open.length) return { outcome: 'open-orders', refIds: open.sort() };

  // Evidence first, then its order: a run that stops half-way finds the rest by the order again.
  let evidence = 0;
  let erasedOrders = 0;
  for (const order of orders) {
    if (await repository.deleteEvidence(order.refId)) evidence += 1;
    // The current terms link (an earlier one, replaced by a resend, expires within 15 days).
    if (order.termsSms) await repository.deleteTermsLink(order.termsSms.tokenHash);
    if (order.idempotencyKeyHash)
      await repository.deleteIdempotency(order.clientId, order.idempotencyKeyHash);
    if (await repository.deleteOrder(order.refId)) erasedOrders += 1;
  }
  const registrations = (await repository.deleteRegistration(msisdn)) ? 1 : 0;
  const record: ErasureRecord = {
    id: randomUUID(),
    at: (input.now ?? new Date()).toISOString(),
    reference: input.reference ?? null,
    erased: { registrations, orders: erasedOrders, evidence },
  };
  await repository.recordErasure(record);
  return { outcome: 'erased', record };
}
