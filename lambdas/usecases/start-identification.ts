/**
 * Starting an identification: check the choice against the SP's setup, open the order with the
 * partner, store it, start its lifecycle. Without `issuer` and `method` (the white paper's six
 * fields), the order waits for the person to choose the method on the service's page instead
 * (usecases/method-choice.ts), which opens it with the partner. With an Idempotency-Key, a retried request gets the first
 * answer and never opens a second order — also when the first died or failed after writing its
 * order: the key's lock reserves the refId, and the retry finishes that order. A failing partner
 * leaves nothing behind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { decideMethod } from '../core/catalogue.js';
import { ConditionFailed } from '../core/errors.js';
import { decideIdempotency, requestFingerprint, sha256 } from '../core/idempotency.js';
import { redirectUrlStageProblem } from '../core/identification-request.js';
import type {
  StartIdentificationRequest,
  StartIdentificationResponse,
} from '../core/identification-schemas.js';
import { METHOD_CHOICE_SECONDS, methodOptions } from '../core/method-choice.js';
import type { Order } from '../core/order.js';
import { problems } from '../core/problems.js';
import { setupInEffect } from '../core/setup-in-effect.js';
import { openWithPartner } from './open-with-partner.js';
import type { ConfigReader } from './ports/config.js';
import type { IdempotencyReservation, IdempotencyStore } from './ports/idempotency.js';
import type { OrderStore } from './ports/orders.js';
import type { IspAdapterFor, OrderTokenSigner } from './ports/partner.js';
import type { IdentificationWorkflow } from './ports/workflow.js';
import { recordUsage, type UsagePort } from './usage.js';

export interface StartIdentificationDeps {
  repository: OrderStore & IdempotencyStore & Pick<ConfigReader, 'getSpSetup' | 'listIsps'> & UsagePort;
  adapterFor: IspAdapterFor;
  workflow: IdentificationWorkflow;
  signOrderToken: OrderTokenSigner;
  now?: () => Date;
  newRefId?: () => string;
}

export interface StartIdentificationCommand {
  clientId: string;
  request: StartIdentificationRequest;
  idempotencyKey?: string | undefined;
  serviceBaseUrl: string;
  /** The stage's rule for plain http to the loopback interface (core/loopback.ts allowsLoopbackHttp). */
  allowLoopbackHttp: boolean;
}

export interface StartIdentificationResult {
  statusCode: number;
  body: StartIdentificationResponse;
  replayed: boolean;
}

const IDEMPOTENCY_LOCK_SECONDS = 60;
const IDEMPOTENCY_RETAIN_SECONDS = 24 * 3600;

export async function startIdentification(
  deps: StartIdentificationDeps,
  cmd: StartIdentificationCommand,
): Promise<StartIdentificationResult> {
  const now = deps.now ?? (() => new Date());
  const { repository } = deps;
  // Refused before anything is written (the Idempotency-Key stays free).
  const redirectProblem = redirectUrlStageProblem(cmd.request.redirectUrl, cmd.allowLoopbackHttp);
  if (redirectProblem) throw problems.validation([{ field: 'redirectUrl', message: redirectProblem }]);

  // A retry is answered from the first request's record, even if the setup changed since.
  const fingerprint = requestFingerprint(cmd.request);
  const keyHash = cmd.idempotencyKey ? sha256(cmd.idempotencyKey) : undefined;
  const choosesMethod = cmd.request.issuer === undefined || cmd.request.method === undefined;
  let reservation: IdempotencyReservation = {
    refId: (deps.newRefId ?? randomUUID)(),
    ...(choosesMethod ? { methodChoiceToken: randomBytes(32).toString('base64url') } : {}),
  };
  let resumed = false;
  // From the order's write on (its answer may be lost), a failure keeps the key's reservation.
  let orderMayExist = false;
  if (keyHash) {
    const taken = await takeIdempotencyKey(
      repository,
      cmd.clientId,
      keyHash,
      fingerprint,
      reservation,
      now(),
    );
    if ('replay' in taken) return taken.replay;
    ({ reservation, resumed } = taken);
  }

  try {
    const { refId } = reservation;
    // The retry of a request that wrote its order and then died or failed: finish that order.
    orderMayExist = resumed;
    const written = resumed ? await repository.getOrder(refId) : undefined;
    if (written && written.clientId === cmd.clientId)
      return await finishStart(deps, cmd, keyHash, fingerprint, written, reservation, now);

    const [seeded, isps] = await Promise.all([repository.getSpSetup(cmd.clientId), repository.listIsps()]);
    if (!seeded) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
    // Its methods of this month: a method dated until last month is no longer offered.
    const sp = setupInEffect(seeded, now());
    const person = {
      firstName: cmd.request.firstName,
      lastName: cmd.request.lastName,
      dob: cmd.request.dob,
      email: cmd.request.email,
      mobile: cmd.request.mobile,
      language: cmd.request.language,
    };
    const base = {
      refId,
      clientId: cmd.clientId,
      person,
      redirectUrl: cmd.request.redirectUrl ?? null,
      state: cmd.request.state ?? null,
      evidenceId: null,
      version: 1,
      // Erasure removes the key's record with the order (it fingerprints the person's data).
      ...(keyHash ? { idempotencyKeyHash: keyHash } : {}),
    };
    let order: Order;
    if (cmd.request.issuer === undefined || cmd.request.method === undefined) {
      // The paper's six fields: the person chooses the method on the service's page.
      const constraints = {
        jurisdiction: cmd.request.jurisdiction ?? null,
        assuranceLevel: cmd.request.assuranceLevel ?? null,
      };
      if (methodOptions(isps, sp, constraints).length === 0) {
        throw problems.validation([
          { field: '(body)', message: 'No method of your setup fits this jurisdiction and assurance level.' },
        ]);
      }
      const createdAt = now();
      const token = reservation.methodChoiceToken ?? randomBytes(32).toString('base64url');
      const choiceSeconds = sp.methodChoiceSeconds ?? METHOD_CHOICE_SECONDS;
      const expiresAt = new Date(createdAt.getTime() + choiceSeconds * 1000).toISOString();
      order = {
        ...base,
        issuer: null,
        adapter: null,
        method: null,
        loa: null,
        jurisdictions: [],
        offline: false,
        ispOrderId: null,
        targetURL: null,
        createdAt: createdAt.toISOString(),
        expiresAt,
        timeoutSeconds: choiceSeconds,
        methodChoice: { tokenHash: sha256(token), ...constraints, expiresAt },
        statuses: [{ status: 'created', date: createdAt.toISOString(), reason: null, kind: null }],
      };
      reservation = { refId, methodChoiceToken: token };
    } else {
      const decision = decideMethod(isps, sp, {
        ...cmd.request,
        issuer: cmd.request.issuer,
        method: cmd.request.method,
      });
      if (!decision.ok) throw problems.validation([{ field: decision.field, message: decision.message }]);
      const createdAt = now();
      const opened = await openWithPartner(deps, {
        refId,
        decision,
        method: cmd.request.method,
        person,
        serviceBaseUrl: cmd.serviceBaseUrl,
      });
      order = {
        ...base,
        ...opened.fields,
        createdAt: createdAt.toISOString(),
        statuses: [
          { status: 'created', date: createdAt.toISOString(), reason: null, kind: null },
          { status: 'initialized', date: opened.openedAt.toISOString(), reason: null, kind: null },
        ],
      };
    }
    orderMayExist = true;
    try {
      await repository.createOrder(order);
    } catch (err) {
      // A request with this key whose lock lapsed while it ran wrote the reserved order first.
      if (!(err instanceof ConditionFailed) || !keyHash) throw err;
      const first = await repository.getOrder(refId);
      if (first?.clientId !== cmd.clientId) throw err;
      order = first;
    }
    return await finishStart(deps, cmd, keyHash, fingerprint, order, reservation, now);
  } catch (err) {
    if (keyHash) await repository.releaseIdempotency(cmd.clientId, keyHash, fingerprint, orderMayExist);
    throw err;
  }
}

/**
 * After the order is written: start its lifecycle, record its usage, complete the key. Each step is
 * safe to repeat, so the retry of a request that died on the way runs them again.
 */
async function finishStart(
  deps: StartIdentificationDeps,
  cmd: StartIdentificationCommand,
  keyHash: string | undefined,
  fingerprint: string,
  order: Order,
  reservation: IdempotencyReservation,
  now: () => Date,
): Promise<StartIdentificationResult> {
  const { repository } = deps;
  await deps.workflow.start(order);
  // The order is open: a failed usage write must not fail the call. The lifecycle's next write of
  // the order writes it again.
  await recordUsage(repository, order).catch(() => undefined);

  const targetURL =
    order.methodChoice && reservation.methodChoiceToken
      ? methodChoiceUrl(cmd.serviceBaseUrl, order.refId, reservation.methodChoiceToken)
      : order.targetURL;
  if (!targetURL) throw new Error(`Order ${order.refId} has no target URL to answer`);
  const body: StartIdentificationResponse = {
    refId: order.refId,
    error: null,
    targetURL,
    expiresAt: order.expiresAt,
  };
  if (keyHash) {
    await repository.completeIdempotency(cmd.clientId, keyHash, {
      fingerprint,
      statusCode: 201,
      body: JSON.stringify(body),
      now: now(),
      retainSeconds: IDEMPOTENCY_RETAIN_SECONDS,
    });
  }
  return { statusCode: 201, body, replayed: false };
}

/** The person's method choice page: the order and the link's secret (only its hash is stored). */
export function methodChoiceUrl(serviceBaseUrl: string, refId: string, token: string): string {
  return `${serviceBaseUrl}/method-choice/${refId}?token=${token}`;
}

/**
 * Locks the key for this request, or answers from / refuses because of an earlier one. The retry
 * of a request that died or failed holding the key (its lock lapsed) takes over its reservation.
 */
async function takeIdempotencyKey(
  repository: IdempotencyStore,
  clientId: string,
  keyHash: string,
  fingerprint: string,
  fresh: IdempotencyReservation,
  now: Date,
): Promise<
  { replay: StartIdentificationResult } | { reservation: IdempotencyReservation; resumed: boolean }
> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await repository.getIdempotency(clientId, keyHash, now);
    let reservation = fresh;
    if (existing) {
      const lapsed =
        existing.state === 'in-progress' && existing.lockedUntil < Math.floor(now.getTime() / 1000);
      if (!lapsed) {
        const decision = decideIdempotency(existing, fingerprint);
        if (decision.action === 'mismatch') {
          throw problems.unprocessable(
            'This Idempotency-Key was used with a different request body.',
            'idempotency-key-reused',
          );
        }
        if (decision.action === 'in-progress') {
          throw problems.conflict(
            'A request with this Idempotency-Key is still being processed; retry later.',
            'idempotency-key-in-use',
          );
        }
        return {
          replay: {
            statusCode: decision.statusCode,
            body: JSON.parse(decision.body) as StartIdentificationResponse,
            replayed: true,
          },
        };
      }
      // The same request again: the order it reserved, which it may have written. (Another
      // request with this key takes it over fresh, as the first one never answered.)
      if (existing.state === 'in-progress' && existing.fingerprint === fingerprint && existing.refId)
        reservation = {
          refId: existing.refId,
          ...(existing.methodChoiceToken ? { methodChoiceToken: existing.methodChoiceToken } : {}),
        };
    }
    try {
      await repository.lockIdempotency(clientId, keyHash, {
        fingerprint,
        reservation,
        now,
        lockSeconds: IDEMPOTENCY_LOCK_SECONDS,
        retainSeconds: IDEMPOTENCY_RETAIN_SECONDS,
      });
      return { reservation, resumed: reservation !== fresh };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      // Someone else took it between our read and write: read again and decide.
    }
  }
  throw problems.conflict(
    'A request with this Idempotency-Key is still being processed; retry later.',
    'idempotency-key-in-use',
  );
}
