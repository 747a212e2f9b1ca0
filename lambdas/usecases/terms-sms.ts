/**
 * The terms SMS: a single-use link to the terms page, sent once per order when the evidence is in,
 * and again (with a new link that replaces the old one) when the SP asks, a few times an hour.
 */
import { randomBytes } from 'node:crypto';
import { OrderNotFound, TransientError } from '../core/errors.js';
import { sha256 } from '../core/idempotency.js';
import { awaitsTermsAcceptance, type Order } from '../core/order.js';
import { problems } from '../core/problems.js';
import { TERMS_LINK_SECONDS, termsSmsText } from '../core/terms.js';
import { orderOfClient } from './order-access.js';
import { bump, clock, mutateOrder, type OrderMutationDeps } from './order-mutation.js';
import type { OrderStore, TermsLinkStore, WindowCounters } from './ports/orders.js';
import type { SmsSender } from './ports/sms.js';

/** Sending terms links needs no Step Functions callbacks (so the SMS functions carry no SFN client). */
export interface TermsSmsDeps extends Omit<OrderMutationDeps, 'repository'> {
  /** The order and its links: a sent link changes no status and records no usage. */
  repository: OrderStore & TermsLinkStore & WindowCounters;
  sms: SmsSender;
  publicBaseUrl: string;
}

const notAwaitingTerms = () =>
  problems.conflict(
    'The terms SMS can be resent only while the identification waits for acceptance.',
    'not-awaiting-terms',
  );

/**
 * Creates a link, points the order at it and sends it. `stillWanted` is checked on the order as the
 * pointer is written: an order that no longer wants a link (the person accepted meanwhile) gets
 * none, and nothing is sent.
 */
async function sendTermsLink(
  deps: TermsSmsDeps,
  order: Order,
  validSeconds: number,
  stillWanted: (order: Order) => boolean = () => true,
): Promise<Order> {
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
  const { result: pointed } = await mutateOrder(deps.repository, order.refId, (o) =>
    stillWanted(o)
      ? {
          save: bump(o, {
            termsSms: { sentAt: null, expiresAt, tokenHash, count: (o.termsSms?.count ?? 0) + 1 },
          }),
          result: true,
        }
      : { result: false },
  );
  if (!pointed) throw notAwaitingTerms();
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
export async function sendTermsSms(
  deps: TermsSmsDeps,
  input: { refId: string; termsTimeoutSeconds: number },
) {
  const order = await deps.repository.getOrder(input.refId);
  if (!order) throw new OrderNotFound('No identification with this refId.');
  if (order.termsSms?.sentAt) return { sent: false };
  await sendTermsLink(deps, order, Math.min(input.termsTimeoutSeconds, TERMS_LINK_SECONDS));
  return { sent: true };
}

export const RESEND_LIMIT_PER_HOUR = 3;

/** The SP asks for the SMS again: a new link replaces the old one. */
export async function resendTermsSms(deps: TermsSmsDeps, clientId: string, refId: string) {
  const order = await orderOfClient(deps.repository, refId, clientId);
  if (!awaitsTermsAcceptance(order) || !order.termsSms) throw notAwaitingTerms();
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
  const saved = await sendTermsLink(deps, order, Math.max(3600, remaining), awaitsTermsAcceptance);
  return { refId, sentAt: saved.termsSms?.sentAt, expiresAt: saved.termsSms?.expiresAt };
}
