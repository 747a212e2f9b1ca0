/**
 * How long each kind of data is kept: the one place that decides when an item expires. The
 * repository writes the result as the item's `ttl` (epoch seconds); DynamoDB's Time to Live
 * deletes it after that in AWS, the embedded stack's emulation of TTL locally. Pure.
 * The defaults and their reasons: docs/retention.md.
 */
import { FINAL_STATUSES, type Order } from './order.js';
import type { Registration } from './registration.js';
import { TERMS_LINK_SECONDS } from './terms.js';

export interface RetentionPolicy {
  /** An order (the person data the SP sent, the status history) that ended without a registration. */
  endedOrderDays: number;
  /** An order that ended in a registration: the SP's status calls and support questions. */
  registeredOrderDays: number;
  /** Evidence of a registration, after the registration's validity ends (ZertES: 11 years). */
  evidenceYearsAfterValidity: number;
  /** Usage records (no person data): accounting records (Swiss CO art. 958f: 10 years). */
  usageYears: number;
  /** Records of accesses to AML identification data (AMLA art. 7: 10 years). */
  amlAccessYears: number;
  /** Records of erasures (no person data): accountability (GDPR art. 5(2), nDSG art. 12). */
  erasureRecordYears: number;
  /** A webhook delivery's log entry (event id, refId, status, attempts — no person data). */
  webhookDeliveryDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  endedOrderDays: 30,
  registeredOrderDays: 90,
  evidenceYearsAfterValidity: 11,
  usageYears: 10,
  amlAccessYears: 10,
  erasureRecordYears: 10,
  webhookDeliveryDays: 30,
};

/** The environment variable that overrides each setting (whole days or years, ≥ 1). */
export const RETENTION_VARIABLES = {
  endedOrderDays: 'RETENTION_ENDED_ORDER_DAYS',
  registeredOrderDays: 'RETENTION_REGISTERED_ORDER_DAYS',
  evidenceYearsAfterValidity: 'RETENTION_EVIDENCE_YEARS_AFTER_VALIDITY',
  usageYears: 'RETENTION_USAGE_YEARS',
  amlAccessYears: 'RETENTION_AML_ACCESS_YEARS',
  erasureRecordYears: 'RETENTION_ERASURE_RECORD_YEARS',
  webhookDeliveryDays: 'RETENTION_WEBHOOK_DELIVERY_DAYS',
} as const satisfies Record<keyof RetentionPolicy, string>;
export type RetentionVariable = (typeof RETENTION_VARIABLES)[keyof RetentionPolicy];

/** What a RETENTION_* value must be: a whole number of days or years, 1 to 99999. */
export const RETENTION_VALUE = /^[1-9]\d{0,4}$/;

/**
 * The policy with the overrides found in `env`; a value that is not a whole number ≥ 1 is an error.
 * The functions read their environment through adapters/env.ts (`retentionPolicyEnv`); the CDK app
 * checks its `retention` context with this.
 */
export function retentionPolicyFrom(env: Record<string, string | undefined>): RetentionPolicy {
  const policy = { ...DEFAULT_RETENTION };
  for (const [setting, variable] of Object.entries(RETENTION_VARIABLES) as [
    keyof RetentionPolicy,
    string,
  ][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    if (!RETENTION_VALUE.test(raw)) throw new Error(`${variable} must be a whole number ≥ 1, not "${raw}"`);
    policy[setting] = Number(raw);
  }
  return policy;
}

const DAY = 86_400;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const years = (n: number) => Math.round(n * 365.25 * DAY);

/** The latest an open order can end: the partner's timeout, then the terms window. */
function latestEnd(order: Pick<Order, 'createdAt' | 'timeoutSeconds'>): number {
  return epoch(order.createdAt) + order.timeoutSeconds + TERMS_LINK_SECONDS;
}

/**
 * An order expires a while after it ended: longer when it ended in a registration. An open order
 * already carries the expiry it would get if it ended at the latest possible time without one,
 * so that an order whose lifecycle was lost is not kept for ever.
 */
export function orderExpiry(order: Order, policy: RetentionPolicy): number {
  const last = order.statuses[order.statuses.length - 1];
  if (!last || !FINAL_STATUSES.includes(last.status)) {
    return latestEnd(order) + policy.endedOrderDays * DAY;
  }
  const days = last.status === 'terms-accepted' ? policy.registeredOrderDays : policy.endedOrderDays;
  return epoch(last.date) + days * DAY;
}

/** Evidence of an order that has no registration (yet) goes with an order that ends without one. */
export function pendingEvidenceExpiry(order: Order, policy: RetentionPolicy): number {
  return latestEnd(order) + policy.endedOrderDays * DAY;
}

/** Evidence of a registration is kept for the registration's validity and the legal period after it. */
export function registeredEvidenceExpiry(validUntil: string, policy: RetentionPolicy): number {
  return epoch(validUntil) + years(policy.evidenceYearsAfterValidity);
}

/** A registration is of no use after its validity (verify answers negative from then on). */
export function registrationExpiry(registration: Pick<Registration, 'validUntil'>): number {
  return epoch(registration.validUntil);
}

export function usageExpiry(at: string, policy: RetentionPolicy): number {
  return epoch(at) + years(policy.usageYears);
}

/** A month's verify counters: from the month's last day on. */
export function verifyCounterExpiry(month: string, policy: RetentionPolicy): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Math.floor(Date.UTC(y, m, 1) / 1000) + years(policy.usageYears);
}

export function amlAccessExpiry(at: string, policy: RetentionPolicy): number {
  return epoch(at) + years(policy.amlAccessYears);
}

export function erasureRecordExpiry(at: string, policy: RetentionPolicy): number {
  return epoch(at) + years(policy.erasureRecordYears);
}

/** A delivery log entry, counted from the delivery's creation (its last retry is about a day later). */
export function webhookDeliveryExpiry(createdAt: string, policy: RetentionPolicy): number {
  return epoch(createdAt) + policy.webhookDeliveryDays * DAY;
}
