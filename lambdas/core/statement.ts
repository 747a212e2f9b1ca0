/**
 * A month's statement: the SP's counts priced with the price sheet in effect that month — a monthly
 * fee per method enabled that month, a price per completed identification, per verify call — in
 * integer minor units (no floating point money). The price sheets' and the dated methods' schemas
 * (configuration) are price-sheet.ts and enabled-methods.ts: pricing builds no zod schema.
 */
import { offersFor } from './catalogue.js';
import type { IspConfig, SpSetup } from './domain.js';
import type { DatedPriceSheet } from './price-sheet.js';
import { enabledIn } from './setup-in-effect.js';
import { byIssuerThenMethod, type SpUsage } from './usage.js';

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

/**
 * Which methods the monthly fees are for: `enabled-that-month`, the SP setup's `enabledMethods` in
 * effect in the month (ADR 0028), or `offered-now`, what its catalogue offers it today — a setup
 * without dated methods, whose past months' fees follow today's setup.
 */
export type MonthlyFeeMethods = 'enabled-that-month' | 'offered-now';

export interface Statement {
  month: string;
  clientId: string;
  name: string;
  monthlyFeeMethods: MonthlyFeeMethods;
  /**
   * The `from` of the price sheet that priced the month; null when none is in effect (the SP has
   * none, or the month is before its first): the counts are there, nothing is priced.
   */
  priceSheetFrom: string | null;
  /** null when nothing is priced. */
  currency: string | null;
  charges: Charge[];
  total: string | null;
}

/**
 * Cents as a bigint: a sheet's unit price reaches 99,999,999,999 cents, and times a month's count a
 * line can pass 2^53, where a number stops being whole cents.
 */
function cents(price: string): bigint {
  const [whole, fraction = ''] = price.split('.');
  return BigInt(whole as string) * 100n + BigInt(fraction.padEnd(2, '0'));
}

function formatCents(value: bigint): string {
  return `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
}

function priceFor(prices: Record<string, string>, method: string): string | undefined {
  return prices[method] ?? prices.default;
}

/** An (issuer, method) of a monthly fee. */
export interface IssuerMethod {
  issuer: string;
  method: string;
}

/**
 * The methods an SP's setup allows: what its catalogue offers it (setup ∩ partners ∩ rules), each
 * once — a partner may list a method in real time and offline, and one method is one monthly fee.
 * Whatever its dates: with dated methods the catalogue offers those of them dated in the current
 * month (setup-in-effect.ts).
 */
export function offeredMethods(isps: readonly IspConfig[], sp: SpSetup): IssuerMethod[] {
  return isps
    .flatMap((isp) => {
      const methods = new Set(offersFor(isp, sp).flatMap((o) => [...o.realtimeMethods, ...o.offlineMethods]));
      return [...methods].map((method) => ({ issuer: isp.issuer, method }));
    })
    .sort(byIssuerThenMethod);
}

/**
 * The methods `month`'s monthly fees are for (ADR 0028), sorted by issuer and method: with dated
 * methods, those enabled on any day of the month — whatever the setup offers now; without, the
 * methods offered now (`offeredNow`, the form before dated methods: every month as today).
 */
export function monthlyFeeMethodsIn(
  sp: Pick<SpSetup, 'enabledMethods'>,
  month: string,
  offeredNow: readonly IssuerMethod[],
): { methods: IssuerMethod[]; from: MonthlyFeeMethods } {
  if (!sp.enabledMethods) return { methods: [...offeredNow], from: 'offered-now' };
  const methods = sp.enabledMethods
    .filter((entry) => enabledIn(entry, month))
    .map(({ issuer, method }) => ({ issuer, method }))
    .sort(byIssuerThenMethod);
  return { methods, from: 'enabled-that-month' };
}

/** The month a sheet given as `priceSheet` (the form before price history) prices from: every month. */
const SINGLE_PRICE_SHEET_FROM = '2000-01';

/**
 * An SP setup's sheets, oldest first, each with the month it prices from. A setup with `priceSheet`
 * (seeded before price history, ADR 0025) has one sheet, from 2000-01, the first month usage can be
 * asked for.
 */
export function datedPriceSheets(sp: Pick<SpSetup, 'priceSheets' | 'priceSheet'>): DatedPriceSheet[] {
  return sp.priceSheets ?? (sp.priceSheet ? [{ ...sp.priceSheet, from: SINGLE_PRICE_SHEET_FROM }] : []);
}

/**
 * The price sheet in effect in `month` (YYYY-MM): the latest whose `from` is that month or before;
 * none before the first sheet.
 */
export function priceSheetIn(
  sp: Pick<SpSetup, 'priceSheets' | 'priceSheet'>,
  month: string,
): DatedPriceSheet | undefined {
  // Oldest first (seeding refuses any other order); YYYY-MM strings compare in calendar order.
  return datedPriceSheets(sp).findLast((sheet) => sheet.from <= month);
}

/**
 * The month's statement of one SP, priced with the sheet in effect that month, its monthly fees for
 * the methods enabled that month (`offeredNow`: what its catalogue offers it today, for a setup
 * without dated methods). Lines with nothing to pay (quantity or price 0) are left out.
 */
export function statementOf(
  usage: SpUsage,
  sp: Pick<SpSetup, 'clientId' | 'name' | 'priceSheets' | 'priceSheet' | 'enabledMethods'>,
  offeredNow: readonly IssuerMethod[],
): Statement {
  const sheet = priceSheetIn(sp, usage.month);
  const fees = monthlyFeeMethodsIn(sp, usage.month, offeredNow);
  if (!sheet) {
    return {
      month: usage.month,
      clientId: sp.clientId,
      name: sp.name,
      monthlyFeeMethods: fees.from,
      priceSheetFrom: null,
      currency: null,
      charges: [],
      total: null,
    };
  }
  const charges: Charge[] = [];
  const charge = (line: Omit<Charge, 'amount' | 'unitPrice'>, unitPrice: string | undefined) => {
    if (unitPrice === undefined || line.quantity === 0 || cents(unitPrice) === 0n) return;
    charges.push({ ...line, unitPrice, amount: formatCents(cents(unitPrice) * BigInt(line.quantity)) });
  };
  for (const { issuer, method } of fees.methods) {
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
  const total = charges.reduce((sum, c) => sum + cents(c.amount), 0n);
  return {
    month: usage.month,
    clientId: sp.clientId,
    name: sp.name,
    monthlyFeeMethods: fees.from,
    priceSheetFrom: sheet.from,
    currency: sheet.currency,
    charges,
    total: formatCents(total),
  };
}
