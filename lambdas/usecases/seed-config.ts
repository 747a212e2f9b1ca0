/**
 * Writes the operator's configuration (catalogue, SP setups, claimed identities, the current terms
 * of use) into the table.
 *
 * The claimed identities in the table converge to the configuration: one no SP of the
 * configuration claims any more is deleted, so that verify stops answering positive under it (a
 * signing account that was withdrawn must not keep signing). Registrations, orders and everything
 * else identifications wrote are never touched. Partners and SP setups are only written: an SP's
 * setup stays for its monthly statements, a partner's entry for the orders still open with it.
 */

import { ConditionFailed } from '../core/errors.js';
import {
  datedMethodsLeftOut,
  enabledMethodsDisagree,
  endedMonthFeesChanged,
} from '../core/method-history.js';
import { endedMonthRepriced } from '../core/price-history.js';
import { type ServiceConfig, toIspConfig, toSpSetup } from '../core/service-config.js';
import { type IssuerMethod, offeredMethods } from '../core/statement.js';
import { monthOf } from '../core/usage.js';
import type { ConfigReader, ConfigWriter } from './ports/config.js';

/**
 * Seeding refused the configuration, nothing written: one refusal per path and cause.
 * `endedMonths`: some are about months that have ended, which `repriceEndedMonths` would write.
 */
export class SeedRefused extends ConditionFailed {
  constructor(
    readonly refusals: readonly string[],
    readonly endedMonths: boolean,
  ) {
    super(refusals.join('; '));
  }
}

export interface SeedOutcome {
  /** Claimed identities that were in the table but no longer in the configuration, now deleted. */
  removedClaimedIdentities: string[];
}

/**
 * The methods each SP's setup in the configuration allows, by its index: its `methods` as the
 * catalogue offers them (partners, rules), whatever its dates; with dated methods the catalogue
 * offers those of them dated in the current month (core/setup-in-effect.ts).
 */
function offeredNowOf(config: ServiceConfig): IssuerMethod[][] {
  const isps = config.isps.map(toIspConfig);
  return config.serviceProviders.map((sp) => offeredMethods(isps, toSpSetup(sp)));
}

/**
 * Where an SP's dated methods disagree with what the configuration allows it in `currentMonth`
 * (`serviceProviders.<i>.enabledMethods…: …`, ADR 0028, ADR 0030): seeded, the fees would not be
 * for what the SP may use. No override: these are not past months. Needs no table: the local stack
 * asks it before it starts anything.
 */
export function enabledMethodsRefusals(
  config: ServiceConfig,
  currentMonth: string,
  offered = offeredNowOf(config),
): string[] {
  return config.serviceProviders.flatMap((sp, i) =>
    enabledMethodsDisagree(sp, offered[i] ?? [], currentMonth).map(
      ({ path, message }) => `serviceProviders.${i}.${path}: ${message}`,
    ),
  );
}

/**
 * Where the configuration would change the statement of a month that has ended from what the SP's
 * seeded setup made it — another price (ADR 0025), or monthly fees for other methods (ADR 0028) —
 * one refusal per SP and cause (`serviceProviders.<i>.priceSheets: …`, `….enabledMethods: …`); none
 * when every ended month keeps its statement. `currentMonth`: YYYY-MM, UTC.
 */
async function pastStatementsChanged(
  repository: Pick<ConfigReader, 'getSpSetup'>,
  config: ServiceConfig,
  currentMonth: string,
  offered: IssuerMethod[][],
  repriceHint: boolean,
): Promise<string[]> {
  // What writing it anyway would do, and how (the admin CLI's option).
  const anyway = (purpose: string) => (repriceHint ? ` (${purpose}, seed with --reprice-ended-months)` : '');
  const refusals: string[] = [];
  for (const [i, sp] of config.serviceProviders.entries()) {
    const seeded = await repository.getSpSetup(sp.clientId);
    if (!seeded) continue;
    const repriced = endedMonthRepriced(seeded, sp, currentMonth);
    if (repriced)
      refusals.push(
        `serviceProviders.${i}.priceSheets: ${repriced.month} has ended ${repriced.from === null ? 'without a price, which this configuration would give it' : `and was priced with the sheet from ${repriced.from}, which this configuration changes or leaves out`}; a price change is a new sheet from ${currentMonth} or later${anyway('to correct a past price')}.`,
      );
    // Dates left out first: without them every month from 2000-01 follows today's methods, and the
    // month-by-month comparison would name the first month before the dates as the change.
    const feesChanged =
      !datedMethodsLeftOut(seeded, sp) && endedMonthFeesChanged(seeded, sp, offered[i] ?? [], currentMonth);
    if (feesChanged) {
      const { month, added, leftOut } = feesChanged;
      const change = [
        ...(added.length ? [`adds ${added.join(', ')}`] : []),
        ...(leftOut.length ? [`leaves out ${leftOut.join(', ')}`] : []),
      ].join(' and ');
      refusals.push(
        `serviceProviders.${i}.enabledMethods: ${month} has ended, and to its monthly fees this configuration ${change}; a method enabled or withdrawn now is dated ${currentMonth}${anyway('to correct a past month')}.`,
      );
    } else if (datedMethodsLeftOut(seeded, sp))
      refusals.push(
        `serviceProviders.${i}.enabledMethods: the seeded setup dates its methods; without them the monthly fees of the months that have ended would follow what the SP may use now and change with it. Keep the entries, a method enabled or withdrawn now dated ${currentMonth}${anyway('to leave them out')}.`,
      );
  }
  return refusals;
}

export interface SeedSettings {
  /** The clock that says which months have ended (now by default). */
  now?: Date;
  /**
   * The operator's explicit choice to change the statements of months that have ended — their
   * prices and the methods of their monthly fees (`seed --reprice-ended-months`).
   */
  repriceEndedMonths?: boolean;
  /**
   * Whether each refusal about an ended month says how to write it anyway (`seed with
   * --reprice-ended-months`, the admin CLI's option; the default). npm start names its own command
   * once, after the refusals.
   */
  repriceHint?: boolean;
}

/**
 * Writes the configuration; refuses it (SeedRefused, nothing written) where an SP's dated
 * methods disagree with what it may use now, where its terms-of-use version is published with
 * another text, and, unless told to re-price, where it would change the statement of a month that
 * has ended (ADR 0025, ADR 0028).
 */
export async function seedConfig(
  repository: ConfigWriter & Pick<ConfigReader, 'getSpSetup'>,
  config: ServiceConfig,
  settings: SeedSettings = {},
): Promise<SeedOutcome> {
  const currentMonth = monthOf((settings.now ?? new Date()).toISOString());
  const offered = offeredNowOf(config);
  const endedMonths = settings.repriceEndedMonths
    ? []
    : await pastStatementsChanged(repository, config, currentMonth, offered, settings.repriceHint !== false);
  const refusals = [...enabledMethodsRefusals(config, currentMonth, offered), ...endedMonths];
  if (refusals.length) throw new SeedRefused(refusals, endedMonths.length > 0);
  try {
    await repository.publishTermsOfUse(config.termsOfUse);
  } catch (err) {
    // Another text under a published version, refused before anything is written.
    if (err instanceof ConditionFailed) throw new SeedRefused([`termsOfUse: ${err.message}`], false);
    throw err;
  }
  for (const isp of config.isps) await repository.putIsp(toIspConfig(isp));
  const configured = new Set<string>();
  for (const sp of config.serviceProviders) {
    await repository.putSpSetup(toSpSetup(sp));
    for (const { id, jurisdictions } of sp.claimedIdentities) {
      await repository.putClaimedIdentity({ claimedIdentity: id, clientId: sp.clientId, jurisdictions });
      configured.add(id);
    }
  }
  // Only after every configured one is written: an id that moved to another SP is never missing.
  const removed: string[] = [];
  for (const { claimedIdentity } of await repository.listClaimedIdentities()) {
    if (configured.has(claimedIdentity)) continue;
    await repository.deleteClaimedIdentity(claimedIdentity);
    removed.push(claimedIdentity);
  }
  return { removedClaimedIdentities: removed.sort() };
}
