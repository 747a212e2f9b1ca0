/**
 * The registration: once the person accepted the terms, the evidence and the acceptance become the
 * person's registration (per mobile number), which the verify call answers from.
 */
import { createHmac } from 'node:crypto';
import { distinguishedNameFor } from '../core/dn.js';
import { OrderNotFound, OrderNotReady, TransitionRefused } from '../core/errors.js';
import { isOpened } from '../core/order.js';
import {
  documentExpiry,
  normaliseMsisdn,
  type Registration,
  registrationValidUntil,
} from '../core/registration.js';
import { type OrderMutationDeps, transition } from './order-mutation.js';
import type { EvidenceStore } from './ports/orders.js';
import type { RegistrationStore } from './ports/registrations.js';

export interface RegistrationDeps extends OrderMutationDeps {
  repository: OrderMutationDeps['repository'] & EvidenceStore & RegistrationStore;
  serialNumberKey: string;
  maxValidityYears?: number;
}

/** Serial number: a keyed hash of the mobile number — stable per person, not reversible without the key. */
export function serialNumberFor(msisdn: string, key: string): string {
  const mac = createHmac('sha256', key).update(`msisdn:${msisdn}`).digest();
  return `SRS-${mac.subarray(0, 15).toString('base64url').toUpperCase()}`;
}

export async function registerPerson(deps: RegistrationDeps, input: { refId: string }): Promise<void> {
  const order = await deps.repository.getOrder(input.refId);
  if (!order) throw new OrderNotFound('No identification with this refId.');
  if (!isOpened(order)) throw new OrderNotReady('The order was never opened with a partner.');
  const evidence = await deps.repository.getEvidence(order.refId);
  if (!evidence || !order.acceptance || !order.evidenceId)
    throw new OrderNotReady('Registration needs evidence and acceptance.');
  const vc = evidence.claims.verified_claims;
  const msisdn = normaliseMsisdn(order.person.mobile);
  const registration: Registration = {
    msisdn,
    serialNumber: serialNumberFor(msisdn, deps.serialNumberKey),
    evidenceId: order.evidenceId,
    loa: order.loa,
    jurisdictions: order.jurisdictions,
    givenName: vc.claims.given_name,
    familyName: vc.claims.family_name,
    nationalities: vc.claims.nationalities,
    termsAcceptedAt: order.acceptance.acceptedAt,
    ...(order.acceptance.termsVersion !== undefined ? { termsVersion: order.acceptance.termsVersion } : {}),
    ...(order.acceptance.termsLanguage !== undefined
      ? { termsLanguage: order.acceptance.termsLanguage }
      : {}),
    ...(order.acceptance.pseudonym !== undefined ? { pseudonym: order.acceptance.pseudonym } : {}),
    validUntil: registrationValidUntil(
      documentExpiry(vc),
      new Date(order.acceptance.acceptedAt),
      deps.maxValidityYears,
    ),
    refId: order.refId,
    issuer: order.issuer,
  };
  // The evidence is kept as long as the law asks before the registration rests on it.
  await deps.repository.retainEvidence(order.refId, registration.validUntil);
  // The newest identification of a person wins; writing it twice writes the same.
  await deps.repository.putRegistration(registration);
  const { result } = await transition(deps, order.refId, {
    type: 'terms-accepted',
    source: 'person',
    distinguishedName: distinguishedNameFor(registration),
  });
  if (result.outcome === 'rejected') throw new TransitionRefused(`terms-accepted refused: ${result.reason}`);
}
