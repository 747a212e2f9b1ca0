/**
 * The identification order and its lifecycle. Pure: the transition function decides, the
 * repository writes what it decided under a version condition.
 *
 *   created → initialized → waiting-for-doc → done → data-ready → terms-accepted
 *   any non-final state → cancelled (kind user | isp | unsuccessful | expired) or failed,
 *   except that an order whose terms acceptance is recorded is not cancelled (ADR 0022)
 */
import type { Jurisdiction, Language, Loa } from './domain.js';
import type { IdentificationStatus } from './identification-schemas.js';

export const STATUSES = [
  'created',
  'initialized',
  'waiting-for-doc',
  'done',
  'data-ready',
  'terms-accepted',
  'cancelled',
  'failed',
] as const;
export type Status = (typeof STATUSES)[number];

export const CANCEL_KINDS = ['user', 'isp', 'unsuccessful', 'expired'] as const;
export type CancelKind = (typeof CANCEL_KINDS)[number];

/** Position on the happy path; the final states have none. */
const RANK: Partial<Record<Status, number>> = {
  created: 0,
  initialized: 1,
  'waiting-for-doc': 2,
  done: 3,
  'data-ready': 4,
  'terms-accepted': 5,
};
export const FINAL_STATUSES: readonly Status[] = ['terms-accepted', 'cancelled', 'failed'];

export interface StatusEntry {
  status: Status;
  date: string;
  reason: string | null;
  kind: string | null;
}

export interface PersonData {
  firstName: string;
  lastName: string;
  dob: string;
  email: string;
  /** E.164 with leading +. */
  mobile: string;
  language: Language;
}

export interface Order {
  refId: string;
  /** The SP (OAuth client id) that created the order: the only one who may read it. */
  clientId: string;
  /** The partner, its adapter, the method and its LoA: null while the person chooses the method. */
  issuer: string | null;
  adapter: string | null;
  method: string | null;
  loa: Loa | null;
  /** Empty while the person chooses the method. */
  jurisdictions: Jurisdiction[];
  offline: boolean;
  person: PersonData;
  redirectUrl: string | null;
  state: string | null;
  ispOrderId: string | null;
  /** The partner's URL for the person; null while the person chooses the method. */
  targetURL: string | null;
  createdAt: string;
  /** Until when the person can use the target URL / the ISP may finish (or the person may choose). */
  expiresAt: string;
  /** How long the state machine waits for the ISP before the order expires. */
  timeoutSeconds: number;
  /** Started without a method: the person chooses one on the service's page (see core/method-choice.ts). */
  methodChoice?: MethodChoiceState;
  statuses: StatusEntry[];
  evidenceId: string | null;
  /** Incremented by every write; writes are conditional on the version they read. */
  version: number;
  /** Step Functions task tokens the lifecycle waits on (secrets: never logged, never answered). */
  waitTokens?: { choice?: string; evidence?: string; terms?: string };
  /** The current terms link: only the newest one is valid. `sentAt` is null until the SMS left. */
  termsSms?: { sentAt: string | null; expiresAt: string; tokenHash: string; count: number };
  /** Set when the person accepted the terms, before the registration is written. */
  acceptance?: TermsAcceptance;
  /** The name the registration signs under (dn.ts distinguishedNameFor), set with terms-accepted. */
  distinguishedName?: string;
  /** The SHA-256 of the start call's Idempotency-Key, if it had one: erasure deletes its record too. */
  idempotencyKeyHash?: string;
}

/** What the person accepted on the terms page, and the pseudonym chosen there, if any. */
export interface TermsAcceptance {
  acceptedAt: string;
  /** The terms-of-use version shown (absent on acceptances recorded before versions existed). */
  termsVersion?: string;
  /** The language of the document shown. */
  termsLanguage?: string;
  pseudonym?: string;
}

/** The SP's start call without `issuer` and `method`: what the person's choice page needs. */
export interface MethodChoiceState {
  /** sha256 of the page link's secret (the link itself is never stored). */
  tokenHash: string;
  /** The SP's constraints from the start call: only methods that meet them are offered. */
  jurisdiction: Jurisdiction | null;
  assuranceLevel: Loa | null;
  /** Until when the person may choose. */
  expiresAt: string;
  /** A choice being opened with its partner: a second submission meanwhile is refused. */
  opening?: { issuer: string; method: string; until: string };
  chosenAt?: string;
}

/** An order opened with its partner: every order except one that waits for the person's choice. */
export type OpenedOrder = Order & { issuer: string; adapter: string; method: string; loa: Loa };

export function isOpened(order: Order): order is OpenedOrder {
  return order.issuer !== null && order.adapter !== null && order.method !== null && order.loa !== null;
}

export function currentStatus(order: Pick<Order, 'statuses'>): Status {
  const last = order.statuses[order.statuses.length - 1];
  if (!last) throw new Error('Order without status history');
  return last.status;
}

/**
 * Whether the order waits for the person to accept the terms: the evidence is in, the terms SMS went
 * out, and no acceptance is recorded. The acceptance is recorded at once; the status turns only when
 * the state machine has written the registration, so the status alone does not say it.
 */
export function awaitsTermsAcceptance(order: Order): boolean {
  return currentStatus(order) === 'data-ready' && Boolean(order.termsSms) && !order.acceptance;
}

/** Why an order whose acceptance is recorded is not cancelled (see awaitsRegistration). */
export const ACCEPTED_REASON = 'The person accepted the terms: the registration is under way.';

/**
 * Whether the order's acceptance is recorded and its registration not yet written: neither a
 * cancellation nor the expiry of the wait ends it, the state machine registers it.
 */
export function awaitsRegistration(order: Order): boolean {
  return currentStatus(order) === 'data-ready' && Boolean(order.acceptance);
}

export function isFinal(status: Status): boolean {
  return FINAL_STATUSES.includes(status);
}

/** What can happen to an order. `source` says who may cause it. */
export type LifecycleEvent =
  | { type: 'initialized'; source: 'service' }
  | { type: 'waiting-for-doc'; source: 'isp'; reason?: string | null }
  | { type: 'done'; source: 'isp'; reason?: string | null }
  | { type: 'data-ready'; source: 'isp' | 'service'; evidenceId?: string; reason?: string | null }
  | { type: 'terms-accepted'; source: 'person'; distinguishedName: string }
  | { type: 'cancelled'; source: 'isp'; kind: Exclude<CancelKind, 'expired'>; reason?: string | null }
  | { type: 'cancelled'; source: 'service'; kind: 'expired'; reason?: string | null }
  | { type: 'failed'; source: 'service'; reason: string };

export type TransitionResult =
  | { outcome: 'applied'; order: Order; entry: StatusEntry }
  /** The same event was applied before: acknowledge, change nothing. */
  | { outcome: 'duplicate' }
  /** An earlier step arriving after a later one (reordered delivery): acknowledge, change nothing. */
  | { outcome: 'stale' }
  | { outcome: 'rejected'; reason: string };

function sameEvent(entry: StatusEntry, event: LifecycleEvent): boolean {
  if (entry.status !== event.type) return false;
  if (event.type === 'cancelled') return entry.kind === event.kind;
  return true;
}

/**
 * Applies one event to an order. Never mutates its input. Rules:
 * - an event already in the history is a duplicate;
 * - nothing changes a final order;
 * - cancellation and failure are possible from every non-final state, but an order whose terms
 *   acceptance is recorded is not cancelled (nor expired): it is registered;
 * - forward steps may skip intermediate states (an ISP may report `done` without `waiting-for-doc`),
 *   backward steps are stale;
 * - `data-ready` needs the evidence, `terms-accepted` needs `data-ready`, `initialized` needs `created`.
 */
export function applyEvent(order: Order, event: LifecycleEvent, now: Date): TransitionResult {
  const current = currentStatus(order);
  if (order.statuses.some((e) => sameEvent(e, event))) return { outcome: 'duplicate' };
  if (isFinal(current)) return { outcome: 'rejected', reason: `The order is already ${current}.` };
  // The person accepted in time and was thanked: the order ends registered, never cancelled (the
  // state machine registers it, from its expiry too). A step of ours failing for good still fails it.
  if (event.type === 'cancelled' && order.acceptance) return { outcome: 'rejected', reason: ACCEPTED_REASON };

  if (event.type !== 'cancelled' && event.type !== 'failed') {
    const from = RANK[current] as number;
    const to = RANK[event.type] as number;
    if (to < from) return { outcome: 'stale' };
    if (event.type === 'initialized' && current !== 'created') {
      return { outcome: 'rejected', reason: 'Only a created order can be initialized.' };
    }
    if (event.type !== 'initialized' && current === 'created') {
      return { outcome: 'rejected', reason: 'The order has not been opened with the ISP yet.' };
    }
    if (event.type === 'data-ready' && !(event.evidenceId ?? order.evidenceId)) {
      return { outcome: 'rejected', reason: 'Data ready requires imported evidence.' };
    }
    if (event.type === 'terms-accepted' && current !== 'data-ready') {
      return { outcome: 'rejected', reason: 'Terms can be accepted once the evidence is ready.' };
    }
  }

  const entry: StatusEntry = {
    status: event.type,
    date: now.toISOString(),
    reason: 'reason' in event ? (event.reason ?? null) : null,
    kind: event.type === 'cancelled' ? event.kind : null,
  };
  const evidenceId = event.type === 'data-ready' && event.evidenceId ? event.evidenceId : order.evidenceId;
  return {
    outcome: 'applied',
    entry,
    order: {
      ...order,
      evidenceId,
      ...(event.type === 'terms-accepted' ? { distinguishedName: event.distinguishedName } : {}),
      statuses: [...order.statuses, entry],
      version: order.version + 1,
    },
  };
}

/**
 * The paper's status response. `orderId` is the ISP's order id once known; `distinguishedName`, a field
 * the paper does not have, once the person is registered (ADR 0026).
 */
export function toStatusView(order: Order): IdentificationStatus {
  return {
    refId: order.refId,
    orderId: order.ispOrderId ?? order.refId,
    issuer: order.issuer,
    adapter: order.adapter,
    method: order.method,
    mobile: order.person.mobile,
    evidenceId: order.evidenceId,
    statuses: order.statuses.map((s) => ({ status: s.status, date: s.date, reason: s.reason, kind: s.kind })),
    // Only once registered, after the paper's fields: every answer before it is the paper's, field for field.
    ...(order.distinguishedName !== undefined ? { distinguishedName: order.distinguishedName } : {}),
  };
}
