/**
 * The rules seeding keeps for an SP's dated methods (`enabledMethods`, ADR 0028, ADR 0030): a month
 * that has ended keeps the monthly fees it was charged, and the methods dated now or later are
 * those the SP's setup allows. Pure; apart from statement.ts, whose pricing the usage route carries
 * without them.
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
 * Where an SP's dated methods disagree with what its setup lets it use (`allowed`: its `methods` as
 * the catalogue offers them — the partners', the rules — whatever the dates) in `currentMonth`, each
 * with its path below the SP (`enabledMethods…`): a `from` after the current month (a method is
 * enabled when it is seeded); an entry on now or later — without `until`, or until a month to come
 * — for a method not allowed (it would be charged and not usable); a method allowed that no entry
 * dates (it would not be offered: the catalogue offers a dated setup's methods in their months
 * only, ADR 0030). An `until` of the current month or a later one, for a method allowed, is a
 * withdrawal at that month's end; one of the current month, for a method no longer allowed, a
 * withdrawal now. None without dated methods.
 */
export function enabledMethodsDisagree(
  sp: Pick<SpSetup, 'enabledMethods'>,
  allowed: readonly IssuerMethod[],
  currentMonth: string,
): { path: string; message: string }[] {
  if (!sp.enabledMethods) return [];
  const issues: { path: string; message: string }[] = [];
  const isAllowed = (entry: IssuerMethod) => allowed.some((m) => named(m) === named(entry));
  const dated = new Set<string>();
  sp.enabledMethods.forEach((entry, j) => {
    dated.add(named(entry));
    // YYYY-MM strings compare in calendar order.
    if (entry.from > currentMonth)
      issues.push({
        path: `enabledMethods.${j}.from`,
        message: `${entry.from} has not begun: a method is enabled with the month it is seeded in, ${currentMonth} at the latest.`,
      });
    if (isAllowed(entry)) return;
    if (entry.until === undefined)
      issues.push({
        path: `enabledMethods.${j}`,
        message: `${named(entry)} is not offered to the SP now (its methods, the partner's, the rules) but has no until: give it until ${currentMonth} if it was withdrawn this month.`,
      });
    else if (entry.until > currentMonth)
      issues.push({
        path: `enabledMethods.${j}.until`,
        message: `${named(entry)} is not offered to the SP now (its methods, the partner's, the rules) but would be charged until ${entry.until}: give it until ${currentMonth} if it was withdrawn this month, or keep it in the SP's methods to withdraw it with ${entry.until}'s end.`,
      });
  });
  for (const method of allowed)
    if (!dated.has(named(method)))
      issues.push({
        path: 'enabledMethods',
        message: `${named(method)} is in the SP's methods but no entry dates it, so it would not be offered: add {"issuer":"${method.issuer}","method":"${method.method}","from":"${currentMonth}"}.`,
      });
  return issues;
}
