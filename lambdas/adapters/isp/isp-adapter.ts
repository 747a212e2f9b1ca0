/**
 * ISP adapters are plug-ins: one per kind of partner interface, chosen per issuer by the
 * catalogue's `adapter` field. Each opens an order at its partner and answers where to send the person.
 */
import type { IspConfig, Jurisdiction, Loa } from '../../core/domain.js';
import type { PersonData } from '../../core/order.js';

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
}
