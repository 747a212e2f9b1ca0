/**
 * Writes the operator's configuration (catalogue, SP setups, claimed identities, the current terms
 * of use) into the table.
 */

import { type ServiceConfig, toIspConfig, toSpSetup } from '../core/service-config.js';
import type { ConfigWriter } from './ports/config.js';

export async function seedConfig(repository: ConfigWriter, config: ServiceConfig): Promise<void> {
  await repository.publishTermsOfUse(config.termsOfUse);
  for (const isp of config.isps) await repository.putIsp(toIspConfig(isp));
  for (const sp of config.serviceProviders) {
    await repository.putSpSetup(toSpSetup(sp));
    for (const { id, jurisdictions } of sp.claimedIdentities) {
      await repository.putClaimedIdentity({ claimedIdentity: id, clientId: sp.clientId, jurisdictions });
    }
  }
}
