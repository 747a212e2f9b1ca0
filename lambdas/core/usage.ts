/**
 * Usage for invoicing, pure. Billable identification events are derived from an order's status
 * history — append-only, each event at most once, written by the order's own conditional write —
 * so counting them by (refId, event) is exact however often a step or a partner repeats itself.
 * Verify calls are aggregated counters per SP, claimed identity and month. A statement prices a
 * month's counts with the SP's price sheet, in integer minor units (no floating point money).
 */
import { offersFor } from './catalogue.js';
import type { IspConfig, SpSetup } from './domain.js';
import type { Order, StatusEntry } from './order.js';
import * as z from './zod.js';

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

export const UsageMonth = z
  .string()
  .check(
    z.regex(MONTH, { error: 'Must be a month YYYY-MM between 2000-01 and 2099-12.' }),
    z.meta({ examples: ['2026-11'] }),
  );

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
  return [...byMethod.values()].sort((a, b) =>
    a.issuer === b.issuer ? a.method.localeCompare(b.method) : a.issuer.localeCompare(b.issuer),
  );
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
  return [...byIdentity.values()].sort((a, b) => a.claimedIdentity.localeCompare(b.claimedIdentity));
}

// ---------------------------------------------------------------- price sheet and statement

/** A price in the sheet's currency with at most two decimals, e.g. "12.50". */
const amount = z.string().check(z.regex(/^\d{1,9}(\.\d{1,2})?$/, { error: 'Must be an amount like 12.50.' }));
/** Prices by method name; `default` for the methods not named. */
const byMethod = z.record(z.string().check(z.regex(/^(default|[a-z][a-z0-9-]{0,31})$/)), amount);

/**
 * What the SP pays: a monthly fee for each method enabled for it, a price per completed
 * identification (terms accepted) and, if any, per verify call under its claimed identities.
 */
export const PriceSheetSchema = z.strictObject({
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'Must be an ISO 4217 code like CHF.' })),
  monthlyFee: z._default(byMethod, {}),
  completedIdentification: z._default(byMethod, {}),
  verifyCall: z.optional(amount),
});
export type PriceSheet = z.output<typeof PriceSheetSchema>;

export type ChargeItem = 'monthly-fee' | 'completed-identification' | 'verify-call';

export interface Charge {
  item: ChargeItem;
  issuer?: string;
  method?: string;
  claimedIdentity?: string;
  quantity: number;
  unitPrice: string;
  amount: string;
}

export interface Statement {
  month: string;
  clientId: string;
  name: string;
  /** null without a price sheet: the counts are there, nothing is priced. */
  currency: string | null;
  charges: Charge[];
  total: string | null;
}

export interface SpUsage {
  month: string;
  clientId: string;
  identifications: IdentificationUsage[];
  verify: VerifyUsage[];
}

function cents(price: string): number {
  const [whole, fraction = ''] = price.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function formatCents(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

function priceFor(prices: Record<string, string>, method: string): string | undefined {
  return prices[method] ?? prices.default;
}

/** The methods enabled for an SP: what its catalogue offers it (setup ∩ partners ∩ rules). */
export function enabledMethods(
  isps: readonly IspConfig[],
  sp: SpSetup,
): { issuer: string; method: string }[] {
  return isps
    .flatMap((isp) =>
      offersFor(isp, sp).flatMap((o) =>
        [...o.realtimeMethods, ...o.offlineMethods].map((method) => ({ issuer: isp.issuer, method })),
      ),
    )
    .sort((a, b) => `${a.issuer} ${a.method}`.localeCompare(`${b.issuer} ${b.method}`));
}

/** The month's statement of one SP. Lines with nothing to pay (quantity or price 0) are left out. */
export function statementOf(
  usage: SpUsage,
  sp: Pick<SpSetup, 'clientId' | 'name'> & { priceSheet?: PriceSheet | undefined },
  enabled: readonly { issuer: string; method: string }[],
): Statement {
  const sheet = sp.priceSheet;
  if (!sheet) {
    return {
      month: usage.month,
      clientId: sp.clientId,
      name: sp.name,
      currency: null,
      charges: [],
      total: null,
    };
  }
  const charges: Charge[] = [];
  const charge = (line: Omit<Charge, 'amount' | 'unitPrice'>, unitPrice: string | undefined) => {
    if (unitPrice === undefined || line.quantity === 0 || cents(unitPrice) === 0) return;
    charges.push({ ...line, unitPrice, amount: formatCents(cents(unitPrice) * line.quantity) });
  };
  for (const { issuer, method } of enabled) {
    charge({ item: 'monthly-fee', issuer, method, quantity: 1 }, priceFor(sheet.monthlyFee, method));
  }
  for (const u of usage.identifications) {
    charge(
      {
        item: 'completed-identification',
        issuer: u.issuer,
        method: u.method,
        quantity: u.counts['terms-accepted'],
      },
      priceFor(sheet.completedIdentification, u.method),
    );
  }
  for (const v of usage.verify) {
    charge({ item: 'verify-call', claimedIdentity: v.claimedIdentity, quantity: v.calls }, sheet.verifyCall);
  }
  const total = charges.reduce((sum, c) => sum + cents(c.amount), 0);
  return {
    month: usage.month,
    clientId: sp.clientId,
    name: sp.name,
    currency: sheet.currency,
    charges,
    total: formatCents(total),
  };
}

// ---------------------------------------------------------------- the SP's view (GET /api/usage)

export const UsageQuery = z.strictObject({ month: UsageMonth }).check(z.meta({ id: 'UsageQuery' }));

const count = z.number().check(z.int(), z.minimum(0));

export const UsageReport = z
  .strictObject({
    month: z.string(),
    clientId: z.string(),
    identifications: z.array(
      z.strictObject({
        issuer: z.string(),
        method: z.string(),
        counts: z.strictObject(
          Object.fromEntries(USAGE_EVENTS.map((e) => [e, count])) as Record<UsageEvent, typeof count>,
        ),
      }),
    ),
    verify: z.array(
      z.strictObject({ claimedIdentity: z.string(), calls: count, positive: count, negative: count }),
    ),
    statement: z.strictObject({
      currency: z.nullable(z.string()),
      charges: z.array(
        z.strictObject({
          item: z.enum(['monthly-fee', 'completed-identification', 'verify-call']),
          issuer: z.optional(z.string()),
          method: z.optional(z.string()),
          claimedIdentity: z.optional(z.string()),
          quantity: count,
          unitPrice: z.string(),
          amount: z.string(),
        }),
      ),
      total: z.nullable(z.string()),
    }),
  })
  .check(
    z.meta({
      id: 'UsageReport',
      description:
        'The calling SP’s usage in one month (UTC): identification events per partner and method, verify calls per claimed identity, and the statement its price sheet makes of them.',
    }),
  );
export type UsageReport = z.infer<typeof UsageReport>;

export function toUsageReport(usage: SpUsage, statement: Statement): UsageReport {
  return {
    month: usage.month,
    clientId: usage.clientId,
    identifications: usage.identifications,
    verify: usage.verify,
    statement: { currency: statement.currency, charges: statement.charges, total: statement.total },
  };
}
