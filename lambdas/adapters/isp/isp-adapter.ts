/**
 * ISP adapters are plug-ins: one per kind of partner interface, chosen per issuer by the
 * catalogue's `adapter` field (see `registry.ts`). Each opens an order at its partner and answers
 * where to send the person; optionally it maps the partner's own message shapes to ours, and
 * fetches the identification data from the partner instead of the stored evidence.
 */

import type { IspConfig, Jurisdiction, Loa } from '../../core/domain.js';
import type { VerifiedClaims } from '../../core/evidence.js';
import type { Order, PersonData } from '../../core/order.js';
import type { StoredEvidence } from '../dynamo/repository.js';

export interface OpenOrderInput {
  refId: string;
  isp: IspConfig;
  method: string;
  loa: Loa;
  jurisdictions: Jurisdiction[];
  person: PersonData;
  expiresAt: Date;
  /** Where this service is reachable, for links to pages it serves itself (the Test-ISP simulator). */
  serviceBaseUrl: string;
  /** The order token for this partner (a JWT signed by the service, `aud` = the partner). */
  orderToken: string;
}

export interface OpenedOrder {
  /** The partner's own order id (the paper's `orderId`). */
  ispOrderId: string;
  /** The URL the SP redirects the person to. */
  targetURL: string;
}

/** Thrown when the partner cannot open the order; `retryable` marks outages (503) vs errors (502). */
export class IspUnavailable extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'IspUnavailable';
  }
}

export interface IspAdapter {
  readonly name: string;
  openOrder(input: OpenOrderInput): Promise<OpenedOrder>;
  /**
   * Maps the verified claims of a partner's status event to ours (`IspEventClaims`), before they
   * are validated. Absent: the partner sends ours.
   */
  mapEvent?(claims: Record<string, unknown>, isp: IspConfig): Record<string, unknown>;
  /** The same for evidence (`IspEvidenceClaims`). */
  mapEvidence?(claims: Record<string, unknown>, isp: IspConfig): Record<string, unknown>;
  /**
   * The verified person data for an SP with an AML contract, fetched from the partner. Absent:
   * the data of the evidence the partner signed and we stored.
   */
  fetchIdentificationData?(input: {
    order: Order;
    evidence: StoredEvidence;
    isp: IspConfig;
  }): Promise<VerifiedClaims>;
}

/** A partner message's claims in our shape: the adapter's mapping, or the claims as they are. */
export function mapIspMessage(
  adapter: IspAdapter | undefined,
  kind: 'event' | 'evidence',
  claims: Record<string, unknown>,
  isp: IspConfig,
): Record<string, unknown> {
  const map = kind === 'event' ? adapter?.mapEvent : adapter?.mapEvidence;
  return map ? map.call(adapter, claims, isp) : claims;
}
