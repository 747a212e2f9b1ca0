/**
 * Port for the identification partners (ISPs). One adapter per kind of partner interface, chosen
 * per issuer by the catalogue's `adapter` field. Each opens an order at its partner and answers
 * where to send the person; optionally it maps the partner's own message shapes to ours, and
 * fetches the identification data from the partner instead of the stored evidence. An adapter
 * that cannot open the order throws IspUnavailable (core/errors.ts).
 */
import type { IspConfig, Jurisdiction, Loa } from '../../core/domain.js';
import type { VerifiedClaims } from '../../core/evidence.js';
import type { Order, PersonData } from '../../core/order.js';
import type { OrderTokenInput } from '../../core/order-token-format.js';
import type { StoredEvidence } from './orders.js';

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

export interface IspAdapter {
  readonly name: string;
  openOrder(input: OpenOrderInput): Promise<OpenedOrder>;
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

/** The adapter for a catalogue `adapter` name; undefined for an unknown one. */
export type IspAdapterFor = (name: string) => IspAdapter | undefined;

/** Signs the order token a partner gets with the order (see adapters/order-token.ts). */
export type OrderTokenSigner = (input: OrderTokenInput & { now: Date }) => Promise<string>;
