/**
 * Calendar months as `YYYY-MM` strings (UTC), pure. Such strings compare in calendar order with
 * `<`, so a range needs no date arithmetic but the step to the next month.
 */

/** The month after `month` (YYYY-MM): December's is January of the next year. */
export function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The months from `first` up to `before`, `first` included and `before` not, in calendar order;
 * none when `first` is not before `before`. Seeding walks the ended months with it (before the
 * current one) to find the first whose statement a configuration would change.
 */
export function* monthsFrom(first: string, before: string): Generator<string, void, undefined> {
  for (let month = first; month < before; month = nextMonth(month)) yield month;
}
