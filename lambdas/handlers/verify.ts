/**
 * POST /api/verify — the white paper's verify call. Unauthenticated, so it answers positive or a
 * plain 404 and never says why; answered from one GetItem (the claimed identity is cached config).
 * The call is counted for the claimed identity's SP by a counter write that runs beside that read
 * (at most one per VERIFY_COUNT_FLUSH_SECONDS per instance; see VerifyCallCounter).
 */

import { verifyTableStores } from '../adapters/aws-clients.js';
import { CONFIG_CACHE_MS, cached } from '../adapters/cache.js';
import { secondsEnvMs } from '../adapters/env.js';
import { logger } from '../adapters/logger.js';
import { buildMetricsAtColdStart, verifyAnswerMetrics } from '../adapters/metrics.js';
import type { TwoStepRule } from '../core/parse.js';
import { problems } from '../core/problems.js';
import { decideVerify, normaliseMsisdn } from '../core/registration.js';
import { monthOf } from '../core/usage.js';
import { distinguishedNameOf, type VerifyRequest, wellFormedVerifyRequest } from '../core/verify-request.js';
import type { VerifyResponse } from '../core/verify-schemas.js';
import { httpHandler, json } from '../http/handler.js';
import { jsonBodyTwoStep } from '../http/request.js';
import { VerifyCallCounter, type VerifyCounterKey } from '../usecases/verify-call-counter.js';

// It counts on nearly every call: the metrics instance is built at cold start (adapters/metrics.ts).
buildMetricsAtColdStart();

const repository = verifyTableStores();
const claimedIdentity = cached((id: string) => repository.getClaimedIdentity(id), CONFIG_CACHE_MS);

// How often an instance writes its pending verify counts and answer metrics (seconds; 0: with every call).
const flushIntervalMs = secondsEnvMs('VERIFY_COUNT_FLUSH_SECONDS', 1);
const counter = new VerifyCallCounter(repository, { flushIntervalMs });
const verifyAnswered = verifyAnswerMetrics(flushIntervalMs);

/**
 * A well-formed body is read without zod; the schema is loaded to judge any other (ADR 0020): every
 * signature of every SP calls verify, so its cold start builds no schema.
 */
const verifyRequest: TwoStepRule<VerifyRequest> = {
  wellFormed: wellFormedVerifyRequest,
  schema: async () => (await import('../core/verify-request-schema.js')).VerifyRequest,
};

const NEGATIVE = 'No registration matches this request.';

/** Counts the call for the claimed identity's SP; an unknown identity has nobody to bill. */
async function countCall(
  claimedLookup: ReturnType<typeof claimedIdentity>,
  now: string,
): Promise<VerifyCounterKey | undefined> {
  const claimed = await claimedLookup;
  if (!claimed) return undefined;
  const key = {
    clientId: claimed.clientId,
    claimedIdentity: claimed.claimedIdentity,
    month: monthOf(now),
  };
  await counter.count(key, (err) =>
    logger.warn('verify call not counted', { errorName: (err as Error)?.name }),
  );
  return key;
}

export const handler = httpHandler('verify', async (event) => {
  const request = await jsonBodyTwoStep(event, verifyRequest);
  const msisdn = normaliseMsisdn(request.msisdn);
  const claimedLookup = claimedIdentity(request.claimedIdentity);
  // One clock reading, formatted once (V8 formats a date with printf): the month counted and the expiry's comparison.
  const now = new Date().toISOString();
  const [claimed, registration, counted] = await Promise.all([
    claimedLookup,
    repository.getRegistration(msisdn),
    countCall(claimedLookup, now),
  ]);
  const decision = decideVerify(
    registration,
    {
      assuranceLevel: request.assuranceLevel,
      // Read once: the request's reader parsed it (a body the schema judged is parsed here).
      distinguishedName: distinguishedNameOf(request),
      jurisdictions: claimed?.jurisdictions,
    },
    now,
  );
  if (counted) counter.outcome(counted, decision.ok);
  verifyAnswered(decision.ok);
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
