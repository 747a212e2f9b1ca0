/**
 * POST /api/verify — the white paper's verify call. Unauthenticated, so it answers positive or a
 * plain 404 and never says why; answered from one GetItem (the claimed identity is cached config).
 */

import { tableRepository } from '../adapters/aws-clients.js';
import { CONFIG_CACHE_MS, cached } from '../adapters/cache.js';
import { logger } from '../adapters/logger.js';
import { problems } from '../core/problems.js';
import { decideVerify, normaliseMsisdn } from '../core/registration.js';
import { VerifyRequest, type VerifyResponse } from '../core/schemas.js';
import { httpHandler, json } from '../http/handler.js';
import { jsonBody } from '../http/request.js';

const repository = tableRepository();
const claimedIdentity = cached((id: string) => repository.getClaimedIdentity(id), CONFIG_CACHE_MS);

const NEGATIVE = 'No registration matches this request.';

export const handler = httpHandler('verify', async (event) => {
  const request = jsonBody(event, VerifyRequest);
  const msisdn = normaliseMsisdn(request.msisdn);
  const [claimed, registration] = await Promise.all([
    claimedIdentity(request.claimedIdentity),
    repository.getRegistration(msisdn),
  ]);
  const decision = decideVerify(
    registration,
    {
      assuranceLevel: request.assuranceLevel,
      distinguishedName: request.distinguishedName,
      jurisdictions: claimed?.jurisdictions,
    },
    new Date(),
  );
  if (!decision.ok) {
    logger.info('verify negative', { reason: decision.reason });
    throw problems.notFound(NEGATIVE);
  }
  const body: VerifyResponse = {
    evidenceId: decision.registration.evidenceId,
    vetterMsisdn: decision.registration.msisdn,
    serialNumber: decision.registration.serialNumber,
  };
  return json(200, body);
});
