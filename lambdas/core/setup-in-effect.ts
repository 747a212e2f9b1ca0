/**
 * An SP's setup as the catalogue reads it at a given time: with dated methods (`enabledMethods`,
 * ADR 0028, ADR 0030), only the methods enabled in the current month (UTC) — the months the monthly
 * fees are charged for — so that a withdrawal dated with a month's end takes effect at the month
 * change, with nobody seeding anything. Pure; read by every path that offers or starts a method
 * (the catalogue, the start call, the method-choice page) in both runtimes.
 */
import type { SpSetup } from './domain.js';
import type { EnabledMethod } from './enabled-methods.js';
import { monthOf } from './usage.js';

/** Whether a dated method was enabled on some day of `month` (YYYY-MM; both bounds included). */
export function enabledIn(entry: EnabledMethod, month: string): boolean {
  // YYYY-MM strings compare in calendar order.
  return entry.from <= month && (entry.until === undefined || month <= entry.until);
}

/**
 * The setup whose `methods` are those the SP may use at `now`: its methods as they are without
 * dated methods (the form before ADR 0028: the catalogue follows the setup as seeded); with them,
 * each issuer's methods narrowed to those an entry enables in the month (UTC) `now` lies in. An
 * issuer stays named with no method left: the start call then says the method is not offered, not
 * that the issuer is unknown.
 */
export function setupInEffect(sp: SpSetup, now: Date): SpSetup {
  const dated = sp.enabledMethods;
  if (dated === undefined) return sp;
  // The month usage is recorded and charged in: UTC.
  const month = monthOf(now.toISOString());
  const methods: SpSetup['methods'] = {};
  for (const [issuer, allowed] of Object.entries(sp.methods)) {
    methods[issuer] = dated
      .filter(
        (entry) =>
          entry.issuer === issuer &&
          enabledIn(entry, month) &&
          (allowed === '*' || allowed.includes(entry.method)),
      )
      .map((entry) => entry.method);
  }
  return { ...sp, methods };
}
