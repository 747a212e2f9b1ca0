/**
 * Ports for an identification order and the items that hang on it: the order itself, the partner's
 * evidence, the terms links sent by SMS, and the counters of per-order rate limits. Every write
 * that can lose a race throws ConditionFailed (core/errors.ts).
 */
import type { IspEvidenceClaims } from '../../core/evidence.js';
import type { Order } from '../../core/order.js';

export interface OrderStore {
  /** A consistent read. */
  getOrder(refId: string): Promise<Order | undefined>;
  /** ConditionFailed if an order with this refId exists. */
  createOrder(order: Order): Promise<void>;
  /** Writes `order` if the stored one is still `order.version - 1`; ConditionFailed otherwise. */
  saveOrder(order: Order): Promise<void>;
}

export interface StoredEvidence {
  refId: string;
  evidenceId: string;
  issuer: string;
  /** The partner's compact JWS exactly as received. */
  jws: string;
  sha256: string;
  importedAt: string;
  claims: IspEvidenceClaims['evidence'];
}

export interface EvidenceStore {
  /** One per order, immutable: ConditionFailed if the order has evidence. */
  createEvidence(evidence: StoredEvidence, order: Order): Promise<void>;
  /** A consistent read. */
  getEvidence(refId: string): Promise<StoredEvidence | undefined>;
  /** A registration rests on the evidence: keep it as long as the law asks. ConditionFailed if none. */
  retainEvidence(refId: string, registrationValidUntil: string): Promise<void>;
}

export interface TermsLink {
  tokenHash: string;
  refId: string;
  language: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
}

export interface TermsLinkStore {
  /** ConditionFailed if a link with this hash exists. */
  createTermsLink(link: TermsLink): Promise<void>;
  getTermsLink(tokenHash: string): Promise<TermsLink | undefined>;
  /** Single use: ConditionFailed if the link is unknown, used or expired at `now`. */
  useTermsLink(tokenHash: string, now: Date): Promise<void>;
}

export interface WindowCounters {
  /** Adds one to the counter of `name`/`subject` in the window; answers the new count. */
  incrementCounter(name: string, subject: string, windowStart: number, ttlEpoch: number): Promise<number>;
}
