/**
 * A month's statement: the SP's counts priced with its price sheet — a monthly fee per enabled
 * method, a price per completed identification, per verify call — in integer minor units (no
 * floating point money). The price sheet's schema (configuration) is price-sheet.ts: pricing builds
 * no zod schema.
 */
import { offersFor } from './catalogue.js';
import type { IspConfig, SpSetup } from './domain.js';
import type { PriceSheet } from './price-sheet.js';
import type { SpUsage } from './usage.js';

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
