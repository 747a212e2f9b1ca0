/** Port for erasing a person's data on request. */
import type { Order } from '../../core/order.js';

/** A record that an erasure was carried out: what was removed, never whose. */
export interface ErasureRecord {
  id: string;
  at: string;
  /** The operator's reference (e.g. the ticket of the person's request), if given. */
  reference: string | null;
  erased: { registrations: number; orders: number; evidence: number };
}

export interface ErasureStore {
  /** Every order placed for this mobile number (E.164), by any SP. */
  ordersOfMobile(mobile: string): Promise<Order[]>;
  /** Each delete answers false if there was nothing to delete. */
  deleteOrder(refId: string): Promise<boolean>;
  deleteEvidence(refId: string): Promise<boolean>;
  deleteTermsLink(tokenHash: string): Promise<boolean>;
  /** The start call's Idempotency-Key record of an order (its fingerprint derives from the person's data). */
  deleteIdempotency(clientId: string, keyHash: string): Promise<boolean>;
  deleteRegistration(msisdn: string): Promise<boolean>;
  recordErasure(record: ErasureRecord): Promise<void>;
}
