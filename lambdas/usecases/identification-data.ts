/**
 * AML identification data: the verified person data and its evidence, for the SP that started the
 * order and has an anti-money-laundering contract with the order's partner in its setup. Every
 * decision on an SP's own order — granted or refused — is recorded before it is answered, so
 * that no data leaves without a record.
 */
import { randomUUID } from 'node:crypto';
import type { IdentificationData } from '../core/evidence.js';
import { isOpened } from '../core/order.js';
import { problems } from '../core/problems.js';
import { orderOfClient } from './order-access.js';
import type { AmlAccessLog } from './ports/aml-access-log.js';
import type { ConfigReader } from './ports/config.js';
import type { EvidenceStore, OrderStore } from './ports/orders.js';
import type { IspAdapterFor } from './ports/partner.js';

export interface IdentificationDataDeps {
  repository: OrderStore &
    EvidenceStore &
    Pick<ConfigReader, 'getSpSetup' | 'getIsp'> &
    Pick<AmlAccessLog, 'recordAmlAccess'>;
  adapterFor: IspAdapterFor;
  now?: () => Date;
  newId?: () => string;
}

export async function getIdentificationData(
  deps: IdentificationDataDeps,
  input: { clientId: string; refId: string },
): Promise<IdentificationData> {
  const { repository } = deps;
  // Another SP's order is a 404, and not recorded.
  const order = await orderOfClient(repository, input.refId, input.clientId);
  if (!isOpened(order)) {
    throw problems.conflict(
      'The person has not chosen an identification method yet; ask again once its status is data-ready.',
      'identification-data-not-ready',
    );
  }
  const sp = await repository.getSpSetup(input.clientId);
  const granted = sp?.amlContracts.includes(order.issuer) ?? false;
  const evidence = granted ? await repository.getEvidence(order.refId) : undefined;
  if (granted && !evidence) {
    throw problems.conflict(
      'The identification has no evidence yet; ask again once its status is data-ready.',
      'identification-data-not-ready',
    );
  }

  await repository.recordAmlAccess({
    id: (deps.newId ?? randomUUID)(),
    at: (deps.now ?? (() => new Date()))().toISOString(),
    refId: order.refId,
    clientId: input.clientId,
    issuer: order.issuer,
    outcome: granted ? 'granted' : 'refused',
  });
  if (!granted || !evidence) {
    throw problems.forbidden(
      `Your setup has no anti-money-laundering contract with ${order.issuer}; identification data is not available to you.`,
    );
  }

  const adapter = deps.adapterFor(order.adapter);
  const isp = adapter?.fetchIdentificationData ? await repository.getIsp(order.issuer) : undefined;
  const verifiedClaims =
    adapter?.fetchIdentificationData && isp
      ? await adapter.fetchIdentificationData({ order, evidence, isp })
      : evidence.claims.verified_claims;
  return {
    refId: order.refId,
    evidenceId: evidence.evidenceId,
    issuer: evidence.issuer,
    method: evidence.claims.method,
    loa: evidence.claims.loa,
    verified_claims: verifiedClaims,
  };
}
