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
import { endedMonthRepriced } from '../core/price-history.js';
import { type ServiceConfig, toIspConfig, toSpSetup } from '../core/service-config.js';
import { monthOf } from '../core/usage.js';
import type { ConfigReader, ConfigWriter } from './ports/config.js';

export interface SeedOutcome {
  /** Claimed identities that were in the table but no longer in the configuration, now deleted. */
  removedClaimedIdentities: string[];
}

/**
 * Where the configuration would price a month that has ended otherwise than the SP's seeded price
 * history did, one refusal per SP (`serviceProviders.<i>.priceSheets: …`); none when every ended
 * month keeps its price. `currentMonth`: YYYY-MM, UTC.
 */
async function pastPricesChanged(
  repository: Pick<ConfigReader, 'getSpSetup'>,
  config: ServiceConfig,
  currentMonth: string,
): Promise<string[]> {
  const refusals: string[] = [];
  for (const [i, sp] of config.serviceProviders.entries()) {
    const seeded = await repository.getSpSetup(sp.clientId);
    const repriced = seeded && endedMonthRepriced(seeded, sp, currentMonth);
    if (repriced)
      refusals.push(
        `serviceProviders.${i}.priceSheets: ${repriced.month} has ended ${repriced.from === null ? 'without a price, which this configuration would give it' : `and was priced with the sheet from ${repriced.from}, which this configuration changes or leaves out`}; a price change is a new sheet from ${currentMonth} or later (to correct a past price, seed with --reprice-ended-months).`,
      );
  }
  return refusals;
}

export interface SeedSettings {
  /** The clock that says which months have ended (now by default). */
  now?: Date;
  /** The operator's explicit choice to re-price months that have ended (`seed --reprice-ended-months`). */
  repriceEndedMonths?: boolean;
}

/**
 * Writes the configuration; unless told to re-price, refuses it (ConditionFailed, nothing written)
 * where it would change the price of a month that has ended (ADR 0025).
 */
export async function seedConfig(
  repository: ConfigWriter & Pick<ConfigReader, 'getSpSetup'>,
  config: ServiceConfig,
  settings: SeedSettings = {},
): Promise<SeedOutcome> {
  if (!settings.repriceEndedMonths) {
    const currentMonth = monthOf((settings.now ?? new Date()).toISOString());
    const refusals = await pastPricesChanged(repository, config, currentMonth);
    if (refusals.length) throw new ConditionFailed(refusals.join('; '));
  }
  await repository.publishTermsOfUse(config.termsOfUse);
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
