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

import { type ServiceConfig, toIspConfig, toSpSetup } from '../core/service-config.js';
import type { ConfigWriter } from './ports/config.js';

export interface SeedOutcome {
  /** Claimed identities that were in the table but no longer in the configuration, now deleted. */
  removedClaimedIdentities: string[];
}

export async function seedConfig(repository: ConfigWriter, config: ServiceConfig): Promise<SeedOutcome> {
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
