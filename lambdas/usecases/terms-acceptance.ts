/**
 * The terms page: opening the link from the SMS shows the current terms of use; accepting records
 * which version the person accepted, in which language, and completes the waiting task.
 */

import { ConditionFailed } from '../core/errors.js';
import { sha256 } from '../core/idempotency.js';
import { awaitsTermsAcceptance, currentStatus, type Order, type TermsAcceptance } from '../core/order.js';
import { Problem } from '../core/problems.js';
import { DEFAULT_TERMS_OF_USE, type TermsOfUse, termsDocumentFor } from '../core/terms-of-use.js';
import { bump, clock, mutateOrder } from './order-mutation.js';
import type { TermsOfUseReader } from './ports/config.js';
import type { OrderStore, TermsLinkStore } from './ports/orders.js';
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
 * The terms were accepted with this link: by an earlier request, or by a concurrent one whose
 * acceptance was recorded first (then this request's choice, its pseudonym too, was not).
 */
const alreadyAccepted = () =>
  new Problem({
    status: 410,
    slug: 'terms-link-used',
    title: 'Already accepted',
    detail: 'The terms were accepted with this link.',
  });

const linkExpired = () =>
  new Problem({
    status: 410,
    slug: 'terms-link-expired',
    title: 'Link expired',
    detail: 'This link has expired.',
  });

/** What a link's token looks like: anything else is no link, and is not looked up. */
const LINK_TOKEN = /^[\w-]{20,100}$/;

/**
 * A link is usable when it exists, is the order's newest, is unexpired and no acceptance is
 * recorded. A link marked used whose acceptance was never recorded (the process died, or storage
 * failed, between the two writes) stays usable, so that the person's retry completes it.
 */
export async function openTermsLink(deps: TermsAcceptanceDeps, token: string): Promise<TermsView> {
  const gone = new Problem({
    status: 404,
    slug: 'terms-link-invalid',
    title: 'Link not valid',
    detail: 'This link is not valid.',
  });
  if (!LINK_TOKEN.test(token)) throw gone;
  const link = await deps.repository.getTermsLink(sha256(token));
  if (!link) throw gone;
  const order = await deps.repository.getOrder(link.refId);
  if (!order || order.termsSms?.tokenHash !== link.tokenHash) throw gone;
  if (order.acceptance) throw alreadyAccepted();
  if (link.expiresAt <= clock(deps).toISOString() || currentStatus(order) !== 'data-ready')
    throw linkExpired();
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
  if (!LINK_TOKEN.test(token)) return undefined;
  const link = await deps.repository.getTermsLink(sha256(token));
  if (!link) return undefined;
  const order = await deps.repository.getOrder(link.refId);
  return order?.termsSms?.tokenHash === link.tokenHash ? order.person.language : undefined;
}

export async function acceptTerms(
  deps: TermsAcceptanceDeps,
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
    if ((await deps.repository.getOrder(order.refId))?.acceptance) throw alreadyAccepted();
  }
  const acceptance: TermsAcceptance = {
    acceptedAt: now.toISOString(),
    termsVersion: terms.version,
    termsLanguage: termsDocumentFor(terms, choice.language ?? order.person.language).language,
    ...(choice.pseudonym !== undefined ? { pseudonym: choice.pseudonym } : {}),
  };
  // Checked again on the order it is written to: a cancellation or expiry that landed since the
  // link was checked ends it, and no acceptance is recorded on an order that no longer awaits one.
  // An acceptance recorded meanwhile is a concurrent request's (both passed the link check, and this
  // one took the link as a retry before the other wrote): this choice is not recorded, so the person
  // is told the terms were already accepted, never that their choice was.
  const { order: saved } = await mutateOrder(deps.repository, order.refId, (o) => {
    if (o.acceptance) throw alreadyAccepted();
    if (!awaitsTermsAcceptance(o)) throw linkExpired();
    return { save: bump(o, { acceptance }), result: undefined };
  });
  if (saved.waitTokens?.terms) await deps.callbacks.succeed(saved.waitTokens.terms, acceptance);
  return saved;
}
