/**
 * The rule seeding keeps for a price history (ADR 0025): a month that has ended keeps the price it
 * was charged. Pure; apart from statement.ts, whose pricing the usage route carries without it.
 */
import type { SpSetup } from './domain.js';
import { canonicalJson } from './idempotency.js';
import { monthsFrom } from './months.js';
import { datedPriceSheets, priceSheetIn } from './statement.js';

/**
 * The first month that has ended before `currentMonth` which the price history `before` priced, or
 * left unpriced before its first sheet, and `after` would price otherwise (another sheet, or none, or
 * one where there was none), with the `from` of the sheet that priced it (null: none did); undefined
 * when every ended month keeps its statement (ADR 0025: a statement of a past month does not change
 * after the fact). Only a history (`priceSheets`) is held to it: a setup without one, or with the
 * single `priceSheet` of before price history, may be given one.
 */
export function endedMonthRepriced(
  before: Pick<SpSetup, 'priceSheets' | 'priceSheet'>,
  after: Pick<SpSetup, 'priceSheets' | 'priceSheet'>,
  currentMonth: string,
): { month: string; from: string | null } | undefined {
  const first = before.priceSheets?.[0];
  if (!first) return undefined;
  // From the earlier first sheet: before it, neither prices a month. (The single `priceSheet`
  // prices every month from 2000-01.)
  const afterFirst = datedPriceSheets(after)[0]?.from;
  const start = afterFirst !== undefined && afterFirst < first.from ? afterFirst : first.from;
  for (const month of monthsFrom(start, currentMonth)) {
    const was = priceSheetIn(before, month);
    if (canonicalJson(was ?? null) !== canonicalJson(priceSheetIn(after, month) ?? null))
      return { month, from: was?.from ?? null };
  }
  return undefined;
}
