/**
 * Starting an identification: check the choice against the SP's setup, open the order with the
 * partner, store it, start its lifecycle. With an Idempotency-Key, a retried request gets the first
 * answer and never opens a second order. A failing partner leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { ConditionFailed, type Repository } from '../adapters/dynamo/repository.js';
import { type IspAdapter, IspUnavailable } from '../adapters/isp/isp-adapter.js';
import { decideMethod } from '../core/catalogue.js';
import { decideIdempotency, requestFingerprint, sha256 } from '../core/idempotency.js';
import type { OrderTokenInput } from '../core/introspection.js';
import type { Order } from '../core/order.js';
import { problems } from '../core/problems.js';
import type { StartIdentificationRequest, StartIdentificationResponse } from '../core/schemas.js';
import { recordUsage } from './usage.js';

export interface IdentificationWorkflow {
  /** Starts the order's lifecycle; starting it twice for one refId runs it once. */
  start(order: Order): Promise<void>;
}

/** Signs the order token a partner gets with the order (see adapters/order-token.ts). */
export type OrderTokenSigner = (input: OrderTokenInput & { now: Date }) => Promise<string>;

export interface StartIdentificationDeps {
  repository: Repository;
  adapterFor: (name: string) => IspAdapter | undefined;
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

  // A retry is answered from the first request's record, even if the setup changed since.
  const fingerprint = requestFingerprint(cmd.request);
  const keyHash = cmd.idempotencyKey ? sha256(cmd.idempotencyKey) : undefined;
  if (keyHash) {
    const replay = await takeIdempotencyKey(repository, cmd.clientId, keyHash, fingerprint, now());
    if (replay) return replay;
  }

  try {
    const [sp, isps] = await Promise.all([repository.getSpSetup(cmd.clientId), repository.listIsps()]);
    if (!sp) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
    const decision = decideMethod(isps, sp, cmd.request);
    if (!decision.ok) throw problems.validation([{ field: decision.field, message: decision.message }]);
    const adapter = deps.adapterFor(decision.isp.adapter);
    if (!adapter) throw new Error(`No ISP adapter named ${decision.isp.adapter}`);

    const refId = (deps.newRefId ?? randomUUID)();
    const createdAt = now();
    const expiresAt = new Date(createdAt.getTime() + decision.isp.orderValiditySeconds * 1000);
    const person = {
      firstName: cmd.request.firstName,
      lastName: cmd.request.lastName,
      dob: cmd.request.dob,
      email: cmd.request.email,
      mobile: cmd.request.mobile,
      language: cmd.request.language,
    };
    const orderToken = await deps.signOrderToken({
      issuer: cmd.serviceBaseUrl,
      audience: decision.isp.issuer,
      refId,
      method: cmd.request.method,
      loa: decision.loa,
      expiresAt,
      now: createdAt,
    });
    // Nothing is written before the partner has opened the order: a failing partner leaves no
    // order and no execution, and the catch below frees the Idempotency-Key for a retry.
    let opened: Awaited<ReturnType<IspAdapter['openOrder']>>;
    try {
      opened = await adapter.openOrder({
        refId,
        isp: decision.isp,
        method: cmd.request.method,
        loa: decision.loa,
        jurisdictions: decision.jurisdictions,
        person,
        expiresAt,
        serviceBaseUrl: cmd.serviceBaseUrl,
        orderToken,
      });
    } catch (err) {
      if (err instanceof IspUnavailable) {
        throw err.retryable
          ? problems.serviceUnavailable(`${decision.isp.issuer} is not available; try again later.`, 30)
          : problems.badGateway(`${decision.isp.issuer} could not open the identification order.`);
      }
      throw err;
    }
    const openedAt = now();
    const order: Order = {
      refId,
      clientId: cmd.clientId,
      issuer: decision.isp.issuer,
      adapter: adapter.name,
      method: cmd.request.method,
      loa: decision.loa,
      jurisdictions: decision.jurisdictions,
      offline: decision.offline,
      person,
      redirectUrl: cmd.request.redirectUrl ?? null,
      state: cmd.request.state ?? null,
      ispOrderId: opened.ispOrderId,
      targetURL: opened.targetURL,
      createdAt: createdAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      timeoutSeconds: decision.isp.timeoutSeconds,
      statuses: [
        { status: 'created', date: createdAt.toISOString(), reason: null, kind: null },
        { status: 'initialized', date: openedAt.toISOString(), reason: null, kind: null },
      ],
      evidenceId: null,
      version: 1,
    };
    await repository.createOrder(order);
    await deps.workflow.start(order);
    // The order is open: a failed usage write must not fail the call (the SP would retry and
    // open a second order). The lifecycle's next write of the order writes it again.
    await recordUsage(repository, order).catch(() => undefined);

    const body: StartIdentificationResponse = {
      refId,
      error: null,
      targetURL: opened.targetURL,
      expiresAt: order.expiresAt,
    };
    if (keyHash) {
      await repository.completeIdempotency(
        cmd.clientId,
        keyHash,
        fingerprint,
        201,
        JSON.stringify(body),
        now(),
        IDEMPOTENCY_RETAIN_SECONDS,
      );
    }
    return { statusCode: 201, body, replayed: false };
  } catch (err) {
    if (keyHash) await repository.releaseIdempotency(cmd.clientId, keyHash, fingerprint);
    throw err;
  }
}

/** Locks the key for this request, or answers from / refuses because of an earlier one. */
async function takeIdempotencyKey(
  repository: Repository,
  clientId: string,
  keyHash: string,
  fingerprint: string,
  now: Date,
): Promise<StartIdentificationResult | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await repository.getIdempotency(clientId, keyHash, now);
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
          statusCode: decision.statusCode,
          body: JSON.parse(decision.body) as StartIdentificationResponse,
          replayed: true,
        };
      }
    }
    try {
      await repository.lockIdempotency(
        clientId,
        keyHash,
        fingerprint,
        now,
        IDEMPOTENCY_LOCK_SECONDS,
        IDEMPOTENCY_RETAIN_SECONDS,
      );
      return undefined;
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
