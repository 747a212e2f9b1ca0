/**
 * The terms page: opening the link from the SMS shows the current terms of use; accepting records
 * which version the person accepted, in which language, and completes the waiting task.
 */

import { ConditionFailed } from '../core/errors.js';
import { sha256 } from '../core/idempotency.js';
import {
  awaitsRegistration,
  awaitsTermsAcceptance,
  currentStatus,
  type Order,
  type TermsAcceptance,
} from '../core/order.js';
import { Problem } from '../core/problems.js';
import { DEFAULT_TERMS_OF_USE, type TermsOfUse, termsDocumentFor } from '../core/terms-of-use.js';
import { bump, clock, mutateOrder } from './order-mutation.js';
import type { TermsOfUseReader } from './ports/config.js';
import type { OrderStore, TermsLink, TermsLinkStore } from './ports/orders.js';
import type { TaskCallbackPort } from './ports/workflow.js';

export interface TermsAcceptanceDeps {
  repository: OrderStore & TermsLinkStore & TermsOfUseReader;
  callbacks: TaskCallbackPort;
  now?: () => Date;
}

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
async function currentTermsOfUse(deps: TermsAcceptanceDeps): Promise<TermsOfUse> {
  return (await deps.repository.getCurrentTermsOfUse()) ?? DEFAULT_TERMS_OF_USE;
}

/**
 * The terms were accepted with this link, with another choice than this request's: by an earlier
 * request, or by a concurrent one whose acceptance was recorded first (then this request's choice,
 * its pseudonym too, was not).
 */
const alreadyAccepted = () =>
  new Problem({
    status: 410,
    slug: 'terms-link-used',
    title: 'Already accepted',
    detail: 'The terms were accepted with this link.',
  });

/** The link is past its time while the order still waits: the SP can send a new one. */
const linkExpired = () =>
  new Problem({
    status: 410,
    slug: 'terms-link-expired',
    title: 'Link expired',
    detail: 'This link has expired.',
  });

/** The order ended (expired, cancelled, failed) without an acceptance: only a new identification helps. */
const identificationEnded = () =>
  new Problem({
    status: 410,
    slug: 'terms-identification-ended',
    title: 'Identification ended',
    detail: 'This identification has ended: the terms can no longer be accepted with this link.',
  });

/** Why an order that does not (or no longer) await the acceptance refuses one. */
const notAwaiting = (order: Order) =>
  currentStatus(order) === 'cancelled' || currentStatus(order) === 'failed'
    ? identificationEnded()
    : linkExpired();

/** What a link's token looks like: anything else is no link, and is not looked up. */
const LINK_TOKEN = /^[\w-]{20,100}$/;

/** The link's order, when the link exists and is the order's newest; undefined for no such link. */
async function findLinkedOrder(
  deps: TermsAcceptanceDeps,
  token: string,
): Promise<{ link: TermsLink; order: Order } | undefined> {
  if (!LINK_TOKEN.test(token)) return undefined;
  const link = await deps.repository.getTermsLink(sha256(token));
  if (!link) return undefined;
  const order = await deps.repository.getOrder(link.refId);
  if (!order || order.termsSms?.tokenHash !== link.tokenHash) return undefined;
  return { link, order };
}

/** The link's order, or a 404 for a token that is no such link. */
async function linkedOrder(
  deps: TermsAcceptanceDeps,
  token: string,
): Promise<{ link: TermsLink; order: Order }> {
  const linked = await findLinkedOrder(deps, token);
  if (!linked)
    throw new Problem({
      status: 404,
      slug: 'terms-link-invalid',
      title: 'Link not valid',
      detail: 'This link is not valid.',
    });
  return linked;
}

/**
 * A link is usable when it exists, is the order's newest, is unexpired and no acceptance is
 * recorded. A link marked used whose acceptance was never recorded (the process died, or storage
 * failed, between the two writes) stays usable, so that the person's retry completes it.
 */
export async function openTermsLink(deps: TermsAcceptanceDeps, token: string): Promise<TermsView> {
  const { link, order } = await linkedOrder(deps, token);
  // The request that recorded the acceptance may have died before telling the state machine: the
  // person opening the link again (after an error page) completes the registration too.
  if (order.acceptance) await tellTermsWait(deps.callbacks, order);
  checkUsable(deps, link, order);
  return { order, expiresAt: link.expiresAt, terms: await currentTermsOfUse(deps) };
}

/**
 * The language of the order a link belongs to (its SMS and page speak it), used or not, or
 * undefined for a token that is no link: what a refusal of the link's form is answered in.
 */
export async function termsLinkLanguage(
  deps: TermsAcceptanceDeps,
  token: string,
): Promise<string | undefined> {
  return (await findLinkedOrder(deps, token))?.order.person.language;
}

function checkUsable(deps: TermsAcceptanceDeps, link: TermsLink, order: Order): void {
  if (order.acceptance) throw alreadyAccepted();
  if (currentStatus(order) !== 'data-ready') throw notAwaiting(order);
  if (link.expiresAt <= clock(deps).toISOString()) throw linkExpired();
}

/** Whether a request makes the acceptance on record: the same pseudonym, version and language. */
function isSameAcceptance(
  recorded: TermsAcceptance,
  choice: AcceptanceChoice,
  order: Order,
  terms: TermsOfUse,
): boolean {
  return (
    recorded.pseudonym === choice.pseudonym &&
    (choice.termsVersion === undefined || choice.termsVersion === recorded.termsVersion) &&
    termsDocumentFor(terms, choice.language ?? order.person.language).language === recorded.termsLanguage
  );
}

/**
 * The acceptance on record, asked for again (a retry after an answer that never came, a second
 * click): answered as the first was, and the state machine told again — the first request may
 * have died between recording the acceptance and telling it. Another choice is refused.
 */
async function repeatAcceptance(
  deps: TermsAcceptanceDeps,
  order: Order,
  choice: AcceptanceChoice,
): Promise<Order> {
  const recorded = order.acceptance as TermsAcceptance;
  if (!isSameAcceptance(recorded, choice, order, await currentTermsOfUse(deps))) throw alreadyAccepted();
  if (currentStatus(order) === 'terms-accepted') return order;
  if (!awaitsRegistration(order)) throw notAwaiting(order);
  await tellTermsWait(deps.callbacks, order);
  return order;
}

/**
 * Completes the terms wait with the acceptance on record, when the order awaits its registration
 * and a wait is parked; true when this call completed it (a wait completed before ignores it).
 * The page, a retry, a reopened link and the change feed's relay (acceptance-relay.ts) all tell it so.
 */
export async function tellTermsWait(callbacks: TaskCallbackPort, order: Order): Promise<boolean> {
  const token = order.waitTokens?.terms;
  if (!awaitsRegistration(order) || !order.acceptance || !token) return false;
  return callbacks.succeed(token, order.acceptance);
}

/**
 * Records the person's acceptance and tells the waiting state machine. The acceptance is recorded
 * only on an order that still awaits it; once recorded, the order is registered whatever else
 * happens (a cancellation is refused, an expiry of the wait registers it: ADR 0022), so the thanks
 * the person gets are true. Repeating the same acceptance is answered the same (repeatAcceptance).
 */
export async function acceptTerms(
  deps: TermsAcceptanceDeps,
  token: string,
  choice: AcceptanceChoice = {},
): Promise<Order> {
  const { link, order } = await linkedOrder(deps, token);
  if (order.acceptance) return repeatAcceptance(deps, order, choice);
  checkUsable(deps, link, order);
  const terms = await currentTermsOfUse(deps);
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
    // Used before: by a request that died before recording its acceptance (this retry completes
    // it), or by a concurrent one (the write below finds its acceptance).
    if (!(err instanceof ConditionFailed)) throw err;
  }
  const acceptance: TermsAcceptance = {
    acceptedAt: now.toISOString(),
    termsVersion: terms.version,
    termsLanguage: termsDocumentFor(terms, choice.language ?? order.person.language).language,
    ...(choice.pseudonym !== undefined ? { pseudonym: choice.pseudonym } : {}),
  };
  // Checked again on the order it is written to: a cancellation or expiry that landed since the
  // link was checked ends it, and no acceptance is recorded on an order that no longer awaits one.
  // An acceptance recorded meanwhile is a concurrent request's (both passed the link check):
  // answered as a repeat, so another choice than the one recorded is told the terms were already
  // accepted, never that its choice was.
  const { order: saved, result: recordedBefore } = await mutateOrder(deps.repository, order.refId, (o) => {
    if (o.acceptance) return { result: true };
    if (!awaitsTermsAcceptance(o)) throw notAwaiting(o);
    return { save: bump(o, { acceptance }), result: false };
  });
  if (recordedBefore) return repeatAcceptance(deps, saved, choice);
  await tellTermsWait(deps.callbacks, saved);
  return saved;
}
