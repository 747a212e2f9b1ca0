/**
 * The identification lifecycle after the start call: partner events and evidence, the callback
 * tasks of the state machine, the terms SMS and acceptance, the registration. Each step is a
 * single-item conditional write, safe to repeat, so the state machine can retry and resume it.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ConditionFailed, type Repository } from '../adapters/dynamo/repository.js';
import type { SmsSender } from '../adapters/sms.js';
import {
  checkEvidenceAgainstOrder,
  documentExpiry,
  type IspEventClaims,
  type IspEvidenceClaims,
  toLifecycleEvent,
} from '../core/evidence.js';
import { sha256 } from '../core/idempotency.js';
import {
  applyEvent,
  currentStatus,
  isOpened,
  type LifecycleEvent,
  type Order,
  type TermsAcceptance,
  type TransitionResult,
} from '../core/order.js';
import { Problem, problems } from '../core/problems.js';
import { normaliseMsisdn, type Registration, registrationValidUntil } from '../core/registration.js';
import { TERMS_LINK_SECONDS, termsSmsText } from '../core/terms.js';
import { DEFAULT_TERMS_OF_USE, type TermsOfUse, termsDocumentFor } from '../core/terms-of-use.js';
import { orderOfClient, orderOfIssuer } from './order-access.js';
import { recordUsage } from './usage.js';

export interface TaskCallbackPort {
  succeed(taskToken: string, output: unknown): Promise<boolean>;
  fail(taskToken: string, error: string, cause: string): Promise<boolean>;
}

export interface LifecycleDeps {
  repository: Repository;
  callbacks: TaskCallbackPort;
  now?: () => Date;
}

/** An error the state machine's Retry retries (its name is the error code the ASL lists). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** The error a state machine Catch recognises as "the order was cancelled". */
export const CANCELLED_ERROR = 'IdentificationCancelled';

const clock = (deps: { now?: () => Date }) => (deps.now ?? (() => new Date()))();

/** Read, decide, write under the version condition; on a concurrent write, decide again. */
export async function mutateOrder<T>(
  repository: Repository,
  refId: string,
  decide: (order: Order) => { save?: Order; result: T },
): Promise<{ order: Order; result: T }> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const order = await repository.getOrder(refId);
    if (!order) throw problems.notFound('No identification with this refId.');
    const { save, result } = decide(order);
    if (!save) return { order, result };
    try {
      await repository.saveOrder(save);
      return { order: save, result };
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }
  throw new TransientError('The order is being changed concurrently');
}

function bump(order: Order, change: Partial<Order>): Order {
  return { ...order, ...change, version: order.version + 1 };
}

/**
 * Applies a lifecycle event and tells the caller what happened. The order's billable events are
 * written after the order — also when the event is a repeat, so that a retry writes what a
 * function that died between the two writes left out.
 */
async function transition(deps: LifecycleDeps, refId: string, event: LifecycleEvent) {
  const changed = await mutateOrder<TransitionResult>(deps.repository, refId, (order) => {
    const result = applyEvent(order, event, clock(deps));
    return { save: result.outcome === 'applied' ? result.order : undefined, result };
  });
  if (changed.result.outcome === 'applied' || changed.result.outcome === 'duplicate') {
    try {
      await recordUsage(deps.repository, changed.order);
    } catch (err) {
      throw new TransientError(`Usage not recorded: ${(err as Error).name}`);
    }
  }
  return changed;
}

/** Tell the waiting state machine task, if one waits. */
async function notifyCancelled(deps: LifecycleDeps, order: Order, reason: string): Promise<void> {
  for (const token of [order.waitTokens?.evidence, order.waitTokens?.terms]) {
    if (token) await deps.callbacks.fail(token, CANCELLED_ERROR, reason);
  }
}

// ---------------------------------------------------------------- partner messages

export interface IspMessageResult {
  refId: string;
  outcome: 'applied' | 'duplicate' | 'stale';
  status: string;
  evidenceId?: string | null;
}

export async function applyIspEvent(
  deps: LifecycleDeps,
  issuer: string,
  claims: IspEventClaims,
): Promise<IspMessageResult> {
  await orderOfIssuer(deps.repository, claims.refId, issuer);
  const { order, result } = await transition(deps, claims.refId, toLifecycleEvent(claims));
  if (result.outcome === 'rejected') throw problems.conflict(result.reason, 'transition-not-allowed');
  // Also on a repeat: the first delivery may have died between the write and this call.
  const last = order.statuses[order.statuses.length - 1];
  const cancelledNow =
    result.outcome === 'applied' || (result.outcome === 'duplicate' && claims.event === 'cancelled');
  if (cancelledNow && last?.status === 'cancelled') {
    await notifyCancelled(deps, order, `cancelled:${last.kind}`);
  }
  return { refId: order.refId, outcome: result.outcome, status: currentStatus(order) };
}

export async function importEvidence(
  deps: LifecycleDeps,
  issuer: string,
  claims: IspEvidenceClaims,
  jws: string,
): Promise<IspMessageResult> {
  const order = await orderOfIssuer(deps.repository, claims.refId, issuer);
  const digest = sha256(JSON.stringify(claims.evidence));
  const existing = await deps.repository.getEvidence(order.refId);
  if (existing && existing.sha256 !== digest) {
    throw problems.conflict(
      'Evidence for this order was imported before and cannot be replaced.',
      'evidence-immutable',
    );
  }
  const mismatches = checkEvidenceAgainstOrder(claims.evidence, order);
  if (mismatches.length) {
    throw problems.unprocessable(
      `The evidence does not fit the order: ${mismatches.join('; ')}.`,
      'evidence-mismatch',
    );
  }
  let evidenceId = existing?.evidenceId;
  if (!existing) {
    // Refuse before writing: evidence for an order that cannot become data-ready (cancelled,
    // failed) must leave nothing behind.
    const allowed = applyEvent(
      order,
      { type: 'data-ready', source: 'isp', evidenceId: 'pending' },
      clock(deps),
    );
    if (allowed.outcome === 'rejected') throw problems.conflict(allowed.reason, 'transition-not-allowed');
    evidenceId = randomUUID();
    try {
      await deps.repository.createEvidence(
        {
          refId: order.refId,
          evidenceId,
          issuer,
          jws,
          sha256: digest,
          importedAt: clock(deps).toISOString(),
          claims: claims.evidence,
        },
        order,
      );
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      // A concurrent import won: the same evidence is a duplicate, another one is refused.
      const winner = await deps.repository.getEvidence(order.refId);
      if (winner?.sha256 !== digest) {
        throw problems.conflict(
          'Evidence for this order was imported before and cannot be replaced.',
          'evidence-immutable',
        );
      }
      evidenceId = winner.evidenceId;
    }
  }
  const { order: after, result } = await transition(deps, order.refId, {
    type: 'data-ready',
    source: 'isp',
    evidenceId,
  });
  if (result.outcome === 'rejected') throw problems.conflict(result.reason, 'transition-not-allowed');
  // Also on a repeat: the first delivery may have failed after the write (its usage write, or the
  // process), before the waiting task heard of it. Completing a completed task changes nothing.
  if (result.outcome !== 'stale' && after.waitTokens?.evidence) {
    await deps.callbacks.succeed(after.waitTokens.evidence, { evidenceId });
  }
  return {
    refId: order.refId,
    outcome: result.outcome,
    status: currentStatus(after),
    evidenceId: evidenceId ?? null,
  };
}

// ---------------------------------------------------------------- state machine tasks

/**
 * Parks a task token on the order. If what the task waits for has already happened (an early
 * ISP message, a resumed execution), completes the task at once.
 */
export async function awaitCallback(
  deps: LifecycleDeps,
  input: { refId: string; waitFor: 'choice' | 'evidence' | 'terms'; taskToken: string },
): Promise<void> {
  const { order } = await mutateOrder(deps.repository, input.refId, (o) => ({
    save: bump(o, { waitTokens: { ...o.waitTokens, [input.waitFor]: input.taskToken } }),
    result: undefined,
  }));
  const status = currentStatus(order);
  if (status === 'cancelled' || status === 'failed') {
    await deps.callbacks.fail(input.taskToken, CANCELLED_ERROR, `order ${status}`);
  } else if (input.waitFor === 'choice' && isOpened(order)) {
    await deps.callbacks.succeed(input.taskToken, chosenPartnerOutput(order));
  } else if (input.waitFor === 'evidence' && order.evidenceId) {
    await deps.callbacks.succeed(input.taskToken, { evidenceId: order.evidenceId });
  } else if (input.waitFor === 'terms' && order.acceptance) {
    await deps.callbacks.succeed(input.taskToken, order.acceptance);
  }
}

/** What the method choice task answers the state machine: the chosen partner's timeout. */
export function chosenPartnerOutput(order: Order): { ispTimeoutSeconds: number } {
  return { ispTimeoutSeconds: order.timeoutSeconds };
}

/** Sending terms links needs no Step Functions callbacks (so the SMS functions carry no SFN client). */
export interface TermsDeps extends Omit<LifecycleDeps, 'callbacks'> {
  sms: SmsSender;
  publicBaseUrl: string;
}

async function sendTermsLink(deps: TermsDeps, order: Order, validSeconds: number): Promise<Order> {
  const now = clock(deps);
  const token = randomBytes(32).toString('base64url');
  const tokenHash = sha256(token);
  const expiresAt = new Date(now.getTime() + validSeconds * 1000).toISOString();
  await deps.repository.createTermsLink({
    tokenHash,
    refId: order.refId,
    language: order.person.language,
    createdAt: now.toISOString(),
    expiresAt,
  });
  // The order points at the new link before the SMS leaves, so the link works the moment it arrives.
  await mutateOrder(deps.repository, order.refId, (o) => ({
    save: bump(o, { termsSms: { sentAt: null, expiresAt, tokenHash, count: (o.termsSms?.count ?? 0) + 1 } }),
    result: undefined,
  }));
  const link = `${deps.publicBaseUrl}/terms/${token}`;
  try {
    await deps.sms.send(order.person.mobile, termsSmsText(order.person.language, link, expiresAt));
  } catch (err) {
    throw new TransientError(`SMS not sent: ${(err as Error).name}`);
  }
  const { order: saved } = await mutateOrder(deps.repository, order.refId, (o) => ({
    save:
      o.termsSms?.tokenHash === tokenHash
        ? bump(o, { termsSms: { ...o.termsSms, sentAt: now.toISOString() } })
        : undefined,
    result: undefined,
  }));
  return saved;
}

/** The state machine's SMS step: sends once per order (a resumed execution does not send again). */
export async function sendTermsSms(deps: TermsDeps, input: { refId: string; termsTimeoutSeconds: number }) {
  const order = await deps.repository.getOrder(input.refId);
  if (!order) throw new Error('Order not found');
  if (order.termsSms?.sentAt) return { sent: false };
  await sendTermsLink(deps, order, Math.min(input.termsTimeoutSeconds, TERMS_LINK_SECONDS));
  return { sent: true };
}

export const RESEND_LIMIT_PER_HOUR = 3;

/** The SP asks for the SMS again: a new link replaces the old one. */
export async function resendTermsSms(deps: TermsDeps, clientId: string, refId: string) {
  const order = await orderOfClient(deps.repository, refId, clientId);
  if (currentStatus(order) !== 'data-ready' || !order.termsSms) {
    throw problems.conflict(
      'The terms SMS can be resent only while the identification waits for acceptance.',
      'not-awaiting-terms',
    );
  }
  const now = clock(deps);
  const windowStart = Math.floor(now.getTime() / 3_600_000);
  const count = await deps.repository.incrementCounter(
    'RESEND',
    refId,
    windowStart,
    (windowStart + 2) * 3600,
  );
  if (count > RESEND_LIMIT_PER_HOUR) {
    const retryAfter = Math.ceil(((windowStart + 1) * 3_600_000 - now.getTime()) / 1000);
    throw problems.tooManyRequests(Math.max(1, retryAfter));
  }
  const remaining = Math.floor((Date.parse(order.termsSms.expiresAt) - now.getTime()) / 1000);
  const saved = await sendTermsLink(deps, order, Math.max(3600, remaining));
  return { refId, sentAt: saved.termsSms?.sentAt, expiresAt: saved.termsSms?.expiresAt };
}

// ---------------------------------------------------------------- terms page

export interface TermsView {
  order: Order;
  expiresAt: string;
  /** The terms of use an acceptance now records. */
  terms: TermsOfUse;
}

/** What the person sends with the acceptance. */
export interface AcceptanceChoice {
  /** The version the page showed; a newer one published meanwhile must be read first. */
  termsVersion?: string | undefined;
  /** The language the page was shown in. */
  language?: string | undefined;
  pseudonym?: string | undefined;
}

/** The current terms of use: the operator's, or the service's default before any was published. */
async function currentTermsOfUse(deps: LifecycleDeps): Promise<TermsOfUse> {
  return (await deps.repository.getCurrentTermsOfUse()) ?? DEFAULT_TERMS_OF_USE;
}

/**
 * A link is usable when it exists, is the order's newest, is unexpired and no acceptance is
 * recorded. A link marked used whose acceptance was never recorded (the process died, or storage
 * failed, between the two writes) stays usable, so that the person's retry completes it.
 */
export async function openTermsLink(deps: LifecycleDeps, token: string): Promise<TermsView> {
  const gone = new Problem({
    status: 404,
    slug: 'terms-link-invalid',
    title: 'Link not valid',
    detail: 'This link is not valid.',
  });
  if (!/^[\w-]{20,100}$/.test(token)) throw gone;
  const link = await deps.repository.getTermsLink(sha256(token));
  if (!link) throw gone;
  const order = await deps.repository.getOrder(link.refId);
  if (!order || order.termsSms?.tokenHash !== link.tokenHash) throw gone;
  if (order.acceptance) {
    throw new Problem({
      status: 410,
      slug: 'terms-link-used',
      title: 'Already accepted',
      detail: 'The terms were accepted with this link.',
    });
  }
  if (link.expiresAt <= clock(deps).toISOString() || currentStatus(order) !== 'data-ready') {
    throw new Problem({
      status: 410,
      slug: 'terms-link-expired',
      title: 'Link expired',
      detail: 'This link has expired.',
    });
  }
  return { order, expiresAt: link.expiresAt, terms: await currentTermsOfUse(deps) };
}

export async function acceptTerms(
  deps: LifecycleDeps,
  token: string,
  choice: AcceptanceChoice = {},
): Promise<Order> {
  const { order, terms } = await openTermsLink(deps, token);
  if (choice.termsVersion !== undefined && choice.termsVersion !== terms.version) {
    throw new Problem({
      status: 409,
      slug: 'terms-changed',
      title: 'Terms changed',
      detail: 'A new version of the terms of use was published while the page was open: read it first.',
    });
  }
  const now = clock(deps);
  try {
    await deps.repository.useTermsLink(sha256(token), now);
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
    // Used before: refused if that acceptance was recorded; otherwise this retry completes it.
    if ((await deps.repository.getOrder(order.refId))?.acceptance) {
      throw new Problem({
        status: 410,
        slug: 'terms-link-used',
        title: 'Already accepted',
        detail: 'This link was used.',
      });
    }
  }
  const acceptance: TermsAcceptance = {
    acceptedAt: now.toISOString(),
    termsVersion: terms.version,
    termsLanguage: termsDocumentFor(terms, choice.language ?? order.person.language).language,
    ...(choice.pseudonym !== undefined ? { pseudonym: choice.pseudonym } : {}),
  };
  const { order: saved } = await mutateOrder(deps.repository, order.refId, (o) => ({
    save: o.acceptance ? undefined : bump(o, { acceptance }),
    result: undefined,
  }));
  if (saved.waitTokens?.terms)
    await deps.callbacks.succeed(saved.waitTokens.terms, saved.acceptance ?? acceptance);
  return saved;
}

// ---------------------------------------------------------------- registration and endings

/** Serial number: a keyed hash of the mobile number — stable per person, not reversible without the key. */
export function serialNumberFor(msisdn: string, key: string): string {
  const mac = createHmac('sha256', key).update(`msisdn:${msisdn}`).digest();
  return `SRS-${mac.subarray(0, 15).toString('base64url').toUpperCase()}`;
}

export async function registerPerson(
  deps: LifecycleDeps & { serialNumberKey: string; maxValidityYears?: number },
  input: { refId: string },
): Promise<void> {
  const order = await deps.repository.getOrder(input.refId);
  if (!order || !isOpened(order)) throw new Error('Order not found, or not opened with a partner');
  const evidence = await deps.repository.getEvidence(order.refId);
  if (!evidence || !order.acceptance || !order.evidenceId)
    throw new Error('Registration needs evidence and acceptance');
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
  const { result } = await transition(deps, order.refId, { type: 'terms-accepted', source: 'person' });
  if (result.outcome === 'rejected') throw new Error(`terms-accepted refused: ${result.reason}`);
}

export async function expireOrder(deps: LifecycleDeps, input: { refId: string }) {
  const { result } = await transition(deps, input.refId, {
    type: 'cancelled',
    source: 'service',
    kind: 'expired',
    reason: 'No answer in time.',
  });
  return { outcome: result.outcome };
}

export async function recordFailure(
  deps: LifecycleDeps,
  input: { refId: string; error?: { Error?: string; Cause?: string } },
) {
  const code = (input.error?.Error ?? 'UnknownError').slice(0, 100);
  const { result } = await transition(deps, input.refId, { type: 'failed', source: 'service', reason: code });
  return { outcome: result.outcome };
}
