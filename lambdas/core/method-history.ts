/**
 * The rules seeding keeps for an SP's dated methods (`enabledMethods`, ADR 0028): a month that has
 * ended keeps the monthly fees it was charged, and the entries still open are what the SP may use
 * now. Pure; apart from statement.ts, whose pricing the usage route carries without them.
 */
import type { SpSetup } from './domain.js';
import { monthsFrom } from './months.js';
import { type IssuerMethod, monthlyFeeMethodsIn } from './statement.js';

/** The first month usage can be asked for: where a setup without dated methods starts charging. */
const FIRST_MONTH = '2000-01';

const named = ({ issuer, method }: IssuerMethod) => `${issuer} ${method}`;

/**
 * The first month that has ended before `currentMonth` whose monthly fees `after` (with
 * `afterOfferedNow`, the methods its catalogue offers it) would charge for other methods than the
 * seeded `before` did, with the methods it adds and leaves out; undefined when every ended month
 * keeps its fees. Only a setup with dated methods is held to it: one seeded without them, whose
 * past fees followed its setup of the day, may be given them (the upgrade, ADR 0028).
 */
export function endedMonthFeesChanged(
  before: Pick<SpSetup, 'enabledMethods'>,
  after: Pick<SpSetup, 'enabledMethods'>,
  afterOfferedNow: readonly IssuerMethod[],
  currentMonth: string,
): { month: string; added: string[]; leftOut: string[] } | undefined {
  if (!before.enabledMethods) return undefined;
  // Before the first entry of either, neither charges a fee; without entries, `after` charges
  // what it offers now in every month.
  const firsts = [...before.enabledMethods, ...(after.enabledMethods ?? [{ from: FIRST_MONTH }])].map(
    (entry) => entry.from,
  );
  // YYYY-MM strings sort in calendar order.
  const start = [currentMonth, ...firsts].sort()[0] as string;
  for (const month of monthsFrom(start, currentMonth)) {
    const was = monthlyFeeMethodsIn(before, month, []).methods.map(named);
    const is = monthlyFeeMethodsIn(after, month, afterOfferedNow).methods.map(named);
    const added = is.filter((m) => !was.includes(m));
    const leftOut = was.filter((m) => !is.includes(m));
    if (added.length || leftOut.length) return { month, added, leftOut };
  }
  return undefined;
}

/**
 * Whether `after` leaves out the dates `before` was seeded with. Even where today's methods charge
 * every ended month as the dates did (so endedMonthFeesChanged finds nothing), those months' fees
 * would then follow what the SP may use now: the next change of its methods or its partners', or
 * dates given again (the upgrade), would change them with no refusal.
 */
export function datedMethodsLeftOut(
  before: Pick<SpSetup, 'enabledMethods'>,
  after: Pick<SpSetup, 'enabledMethods'>,
): boolean {
  return before.enabledMethods !== undefined && after.enabledMethods === undefined;
}

/**
 * Where an SP's dated methods disagree with what it may use now (`offeredNow`, its catalogue) in
 * `currentMonth`, each with its path below the SP (`enabledMethods…`): a month after the current one
 * (a method is dated when it is seeded, the month it is enabled or withdrawn in), a method offered
 * without an open entry (it would be used and not charged), an open entry for a method not offered
 * (it would be charged and not usable). None without dated methods.
 */
export function enabledMethodsDisagree(
  sp: Pick<SpSetup, 'enabledMethods'>,
  offeredNow: readonly IssuerMethod[],
  currentMonth: string,
): { path: string; message: string }[] {
  if (!sp.enabledMethods) return [];
  const issues: { path: string; message: string }[] = [];
  const open = new Set<string>();
  sp.enabledMethods.forEach((entry, j) => {
    for (const bound of ['from', 'until'] as const) {
      const month = entry[bound];
      // YYYY-MM strings compare in calendar order.
      if (month !== undefined && month > currentMonth)
        issues.push({
          path: `enabledMethods.${j}.${bound}`,
          message: `${month} has not begun: a method is dated with the month it is enabled or withdrawn in, ${currentMonth} at the latest.`,
        });
    }
    if (entry.until !== undefined) return;
    open.add(named(entry));
    if (!offeredNow.some((offered) => named(offered) === named(entry)))
      issues.push({
        path: `enabledMethods.${j}`,
        message: `${named(entry)} is not offered to the SP now (its methods, the partner's, the rules) but has no until: give it until ${currentMonth} if it was withdrawn this month.`,
      });
  });
  for (const offered of offeredNow)
    if (!open.has(named(offered)))
      issues.push({
        path: 'enabledMethods',
        message: `${named(offered)} is offered to the SP now but no entry without until enables it: add {"issuer":"${offered.issuer}","method":"${offered.method}","from":"${currentMonth}"}.`,
      });
  return issues;
}
