/** Calendar months as YYYY-MM, and the one walk over them that seeding's month rules share. */
import { describe, expect, it } from 'vitest';
import type { EnabledMethod } from '../../lambdas/core/enabled-methods.js';
import { endedMonthFeesChanged } from '../../lambdas/core/method-history.js';
import { monthsFrom, nextMonth } from '../../lambdas/core/months.js';
import { endedMonthRepriced } from '../../lambdas/core/price-history.js';
import { PriceSheetsSchema } from '../../lambdas/core/price-sheet.js';

describe('nextMonth', () => {
  it.each([
    ['2026-01', '2026-02'],
    ['2026-09', '2026-10'],
    ['2026-11', '2026-12'],
    ['2026-12', '2027-01'],
    ['1999-12', '2000-01'],
    ['2099-12', '2100-01'],
  ])('follows %s with %s', (month, next) => {
    expect(nextMonth(month)).toBe(next);
  });
});

describe('monthsFrom', () => {
  it('walks across a year’s end, the first month included and the last not', () => {
    expect([...monthsFrom('2025-11', '2026-02')]).toEqual(['2025-11', '2025-12', '2026-01']);
  });

  it('walks across several years’ ends', () => {
    const months = [...monthsFrom('2024-12', '2027-01')];

    expect(months).toHaveLength(25);
    expect(months.filter((m) => m.endsWith('-12'))).toEqual(['2024-12', '2025-12', '2026-12']);
    expect(months.filter((m) => m.endsWith('-01'))).toEqual(['2025-01', '2026-01']);
  });

  it('ends with December when the month before which it stops is January', () => {
    expect([...monthsFrom('2026-12', '2027-01')]).toEqual(['2026-12']);
  });

  it('walks no month from a month to itself or to an earlier one', () => {
    expect([...monthsFrom('2027-01', '2027-01')]).toEqual([]);
    expect([...monthsFrom('2027-01', '2026-12')]).toEqual([]);
  });
});

describe('the ended months seeding compares, at a year’s end', () => {
  const sheet = (from: string, verifyCall: string) => ({
    from,
    currency: 'CHF',
    monthlyFee: { default: '40.00' },
    verifyCall,
  });
  const sheets = (...list: ReturnType<typeof sheet>[]) => ({ priceSheets: PriceSheetsSchema.parse(list) });

  it('finds December of the last year repriced in January, and lets January be repriced', () => {
    const seeded = sheets(sheet('2025-11', '0.05'), sheet('2025-12', '0.04'));

    expect(
      endedMonthRepriced(seeded, sheets(sheet('2025-11', '0.05'), sheet('2025-12', '0.03')), '2026-01'),
    ).toEqual({ month: '2025-12', from: '2025-12' });
    expect(
      endedMonthRepriced(
        seeded,
        sheets(sheet('2025-11', '0.05'), sheet('2025-12', '0.04'), sheet('2026-01', '0.03')),
        '2026-01',
      ),
    ).toBeUndefined();
  });

  const eid = (from: string, until?: string): EnabledMethod => ({
    issuer: 'eID',
    method: 'eid',
    from,
    until,
  });

  it('finds a withdrawal moved from December back to November in January', () => {
    const seeded = { enabledMethods: [eid('2025-10', '2025-12')] };

    expect(
      endedMonthFeesChanged(seeded, { enabledMethods: [eid('2025-10', '2025-11')] }, [], '2026-01'),
    ).toEqual({
      month: '2025-12',
      added: [],
      leftOut: ['eID eid'],
    });
    // Moved into January, the current month: no ended month changes.
    expect(
      endedMonthFeesChanged(seeded, { enabledMethods: [eid('2025-10', '2026-01')] }, [], '2026-01'),
    ).toBeUndefined();
  });
});
