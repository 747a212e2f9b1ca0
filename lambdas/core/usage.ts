/**
 * Usage for invoicing, pure. Billable identification events are derived from an order's status
 * history — append-only, each event at most once, written by the order's own conditional write —
 * so counting them by (refId, event) is exact however often a step or a partner repeats itself.
 * Verify calls are aggregated counters per SP, claimed identity and month. Pricing them:
 * statement.ts; the SP's own view: usage-report.ts.
 */
import { byCodeUnits } from './code-unit-order.js';
import type { Order, StatusEntry } from './order.js';

export const USAGE_EVENTS = [
  'started',
  'evidence-imported',
  'terms-accepted',
  'cancelled-user',
  'cancelled-isp',
  'cancelled-unsuccessful',
  'expired',
  'failed',
] as const;
export type UsageEvent = (typeof USAGE_EVENTS)[number];

/** A calendar month in UTC, `YYYY-MM` (part of a table key: checked strictly). */
export const MONTH = /^(20\d\d)-(0[1-9]|1[0-2])$/;

export function monthOf(isoDate: string): string {
  return isoDate.slice(0, 7);
}

/** One billable event of one order. Holds no person data. */
export interface UsageRecord {
  clientId: string;
  month: string;
  issuer: string;
  method: string;
  event: UsageEvent;
  refId: string;
  at: string;
}

/** The billable event a status entry stands for, if any. */
export function usageEventOf(entry: StatusEntry): UsageEvent | undefined {
  switch (entry.status) {
    case 'created':
      return 'started';
    case 'data-ready':
      return 'evidence-imported';
    case 'terms-accepted':
      return 'terms-accepted';
    case 'failed':
      return 'failed';
    case 'cancelled':
      if (entry.kind === 'expired') return 'expired';
      if (entry.kind === 'user' || entry.kind === 'isp' || entry.kind === 'unsuccessful')
        return `cancelled-${entry.kind}`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Every billable event in an order's history, each in the month it happened. An order whose
 * method the person has not chosen yet has none: its events are written, `started` included, with
 * the partner and method once chosen; one never chosen involved no partner and bills nothing.
 */
export function usageRecordsOf(
  order: Pick<Order, 'refId' | 'clientId' | 'issuer' | 'method' | 'statuses'>,
): UsageRecord[] {
  const { issuer, method } = order;
  if (issuer === null || method === null) return [];
  return order.statuses.flatMap((entry) => {
    const event = usageEventOf(entry);
    if (!event) return [];
    return [
      {
        clientId: order.clientId,
        month: monthOf(entry.date),
        issuer,
        method,
        event,
        refId: order.refId,
        at: entry.date,
      },
    ];
  });
}

export type EventCounts = Record<UsageEvent, number>;

/** A month's identification events of one SP with one partner's method. */
export interface IdentificationUsage {
  issuer: string;
  method: string;
  counts: EventCounts;
}

/** Verify calls under one claimed identity in a month. `calls` may exceed positive + negative by
 *  the answers whose outcome a retired function instance had not yet written. */
export interface VerifyUsage {
  claimedIdentity: string;
  calls: number;
  positive: number;
  negative: number;
}

export interface VerifyCounts {
  claimedIdentity: string;
  calls?: number;
  positive?: number;
  negative?: number;
}

/**
 * The order of a statement's lines and of the counts: by issuer, then method, in code-unit order
 * (the same on every machine). The issuer first, not `issuer + ' ' + method`: issuer names may hold
 * spaces, and `Bank` must come before `Bank AG` whatever their methods are called.
 */
export const byIssuerThenMethod = (
  a: { issuer: string; method: string },
  b: { issuer: string; method: string },
): number => byCodeUnits(a.issuer, b.issuer) || byCodeUnits(a.method, b.method);

const zeroCounts = (): EventCounts => Object.fromEntries(USAGE_EVENTS.map((e) => [e, 0])) as EventCounts;

/** Counts events per issuer × method (one per refId and event, whatever was stored twice). */
export function countIdentifications(records: readonly UsageRecord[]): IdentificationUsage[] {
  const seen = new Set<string>();
  const byMethod = new Map<string, IdentificationUsage>();
  for (const r of records) {
    const once = `${r.refId}#${r.event}`;
    if (seen.has(once)) continue;
    seen.add(once);
    const key = `${r.issuer}\u0000${r.method}`;
    let usage = byMethod.get(key);
    if (!usage) {
      usage = { issuer: r.issuer, method: r.method, counts: zeroCounts() };
      byMethod.set(key, usage);
    }
    usage.counts[r.event] += 1;
  }
  return [...byMethod.values()].sort(byIssuerThenMethod);
}

/** Sums the counter shards of each claimed identity. */
export function sumVerifyCounts(shards: readonly VerifyCounts[]): VerifyUsage[] {
  const byIdentity = new Map<string, VerifyUsage>();
  for (const s of shards) {
    const usage = byIdentity.get(s.claimedIdentity) ?? {
      claimedIdentity: s.claimedIdentity,
      calls: 0,
      positive: 0,
      negative: 0,
    };
    usage.calls += s.calls ?? 0;
    usage.positive += s.positive ?? 0;
    usage.negative += s.negative ?? 0;
    byIdentity.set(s.claimedIdentity, usage);
  }
  return [...byIdentity.values()].sort((a, b) => byCodeUnits(a.claimedIdentity, b.claimedIdentity));
}

/** One SP's counts in one month. */
export interface SpUsage {
  month: string;
  clientId: string;
  identifications: IdentificationUsage[];
  verify: VerifyUsage[];
}
