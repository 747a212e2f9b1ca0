/**
 * The terms SMS and its link: single use, only the newest link valid, expiring, in the order's
 * language; the SP may have it resent, at most three times an hour.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { currentStatus, type Order } from '../../lambdas/core/order.js';
import { openTermsLink, acceptTerms as recordAcceptance } from '../../lambdas/usecases/terms-acceptance.js';
import { RESEND_LIMIT_PER_HOUR, resendTermsSms } from '../../lambdas/usecases/terms-sms.js';
import { acceptTerms, sendEvent, termsLinksFromOutbox } from '../support/isp.js';
import { expectProblem } from '../support/problems.js';
import { call, startOrder, tokenFor, useStack } from '../support/stack.js';
import { waitingForTerms } from '../support/terms.js';

let token: string;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  token = await tokenFor(stack());
});

const linksTo = (mobile: string) => termsLinksFromOutbox(stack(), mobile);

/** An order waiting for the terms, its first terms SMS sent (support/terms.ts). */
const awaitingTerms = (mobile: string, language = 'en') =>
  waitingForTerms(stack(), token, mobile, { language });

const accept = acceptTerms;

describe('the terms link', () => {
  it('shows the terms in the language of the order, or in the one the person picks', async () => {
    const { link } = await awaitingTerms('+41796660001', 'de');

    const german = await fetch(link);
    expect(german.status).toBe(200);
    expect(german.headers.get('content-type')).toContain('text/html');
    const page = await german.text();
    expect(page).toContain('<html lang="de">');
    expect(page).toContain('Nutzungsbedingungen');
    expect(await (await fetch(`${link}?lang=fr`)).text()).toContain('Conditions d&#39;utilisation');
  });

  // Found by probing: the page read in French (?lang=fr, the form posts back to the same address)
  // recorded the French document as accepted, then thanked the person in the order's language.
  it('thanks the person in the language the page was read and accepted in', async () => {
    const { refId, link } = await awaitingTerms('+41796660009', 'en');

    const answer = await fetch(`${link}?lang=fr`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'accept=yes',
    });

    expect(answer.status).toBe(200);
    const page = await answer.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('Merci');
    expect((await stack().repository.getOrder(refId))?.acceptance?.termsLanguage).toBe('fr');
  });

  it('works once: the same acceptance again is thanked and changes nothing; another choice and a later visit answer 410', async () => {
    const { refId, link } = await awaitingTerms('+41796660002');

    expect((await accept(link)).status).toBe(200);
    await stack().stepFunctions.settled(refId);
    const recorded = (await stack().repository.getOrder(refId))?.acceptance;
    const again = await accept(link);
    const otherChoice = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'accept=yes&pseudonym=Hansi',
    });
    const visit = await fetch(link);

    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Thank you');
    expect(otherChoice.status).toBe(410);
    expect(await otherChoice.text()).toContain('already accepted');
    expect(visit.status).toBe(410);
    const order = await stack().repository.getOrder(refId);
    expect(order?.acceptance).toEqual(recorded);
    expect(order?.statuses.filter((s) => s.status === 'terms-accepted')).toHaveLength(1);
  });

  it('answers 404 for a link that never existed, without a form, saying what to do next', async () => {
    const res = await fetch(`${stack().baseUrl}/terms/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);

    expect(res.status).toBe(404);
    const page = await res.text();
    expect(page).not.toContain('<form');
    // A link cut short by the phone is the likely cause: the person reads what to do about it.
    expect(page).toContain(
      'This link is not valid. Open the whole link from the SMS, or ask your service provider to send a new one.',
    );
  });

  it('expires: after its validity the link is refused', async () => {
    const { link } = await awaitingTerms('+41796660003');
    const token = link.split('/terms/')[1] as string;
    const deps = {
      repository: stack().repository,
      callbacks: { succeed: async () => true, fail: async () => true },
    };

    await expect(openTermsLink(deps, token)).resolves.toMatchObject({ expiresAt: expect.any(String) });
    const later = { ...deps, now: () => new Date(Date.now() + 15 * 24 * 3600 * 1000) };
    await expect(openTermsLink(later, token)).rejects.toMatchObject({ status: 410 });
  });
});

describe('accepting the terms: only the explicit acceptance from the page itself counts', () => {
  const post = (link: string, body: string, headers: Record<string, string> = {}) =>
    fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });

  /** Nothing recorded: no acceptance on the order and the link still works afterwards. */
  async function expectNothingChanged(refId: string, link: string) {
    expect((await stack().repository.getOrder(refId))?.acceptance).toBeUndefined();
    expect((await fetch(link)).status).toBe(200);
  }

  it.each([
    ['accept=no', '+41796690001', 'accept=no', {}],
    ['an empty body', '+41796690002', '', {}],
    ['another field', '+41796690003', 'decline=yes', {}],
    ['accept given twice', '+41796690004', 'accept=yes&accept=no', {}],
    ['a terms version that is not one', '+41796690007', 'accept=yes&termsVersion=..%2F2026-11', {}],
    // The right words as text/plain or JSON: the edge's 415 (test/integration/page-errors.test.ts).
  ])('answers 400 for %s and records nothing', async (_, mobile, body, headers) => {
    const { refId, link } = await awaitingTerms(mobile);

    const res = await post(link, body, headers);

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).not.toContain('<form');
    await expectNothingChanged(refId, link);
  });

  it.each([
    ['a foreign Origin', '+41796670001', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site cross-site', '+41796670002', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', '+41796670003', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a cross-site submission (%s) with 403 and records nothing', async (_, mobile, headers) => {
    const { refId, link } = await awaitingTerms(mobile);

    const res = await post(link, 'accept=yes', headers);

    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('<form');
    await expectNothingChanged(refId, link);
  });

  it('accepts what a browser sends from the page: its own Origin, or "null" under no-referrer', async () => {
    const own = await awaitingTerms('+41796680001');
    const opaque = await awaitingTerms('+41796680002');

    const fromOwnOrigin = await post(own.link, 'accept=yes', {
      origin: new URL(stack().baseUrl).origin,
      'sec-fetch-site': 'same-origin',
    });
    const fromOpaqueOrigin = await post(opaque.link, 'accept=yes', {
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    });

    expect(fromOwnOrigin.status).toBe(200);
    expect(fromOpaqueOrigin.status).toBe(200);
  });

  it('sends no referrer and may not be framed', async () => {
    const { link } = await awaitingTerms('+41796680003');

    const res = await fetch(link);

    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
  it('records nothing and answers 410 when the order is cancelled between the link check and the write', async () => {
    const mobile = '+41796660101';
    const { refId, link } = await awaitingTerms(mobile);
    const repository = stack().repository;
    const told: unknown[] = [];
    const callbacks = {
      succeed: async (...args: unknown[]) => told.push(args) > 0,
      fail: async () => false,
    };
    // The partner cancels after the page checked the link and before the acceptance is written.
    const racing = Object.create(repository, {
      useTermsLink: {
        value: async (...args: Parameters<typeof repository.useTermsLink>) => {
          expect((await sendEvent(stack(), refId, 'cancelled', { kind: 'isp' })).status).toBe(200);
          return repository.useTermsLink(...args);
        },
      },
    });

    await expect(
      recordAcceptance({ repository: racing, callbacks }, new URL(link).pathname.split('/')[2] as string),
    ).rejects.toMatchObject({ status: 410, slug: 'terms-identification-ended' });
    const order = await repository.getOrder(refId);
    expect(order?.acceptance).toBeUndefined();
    expect(order?.statuses.at(-1)?.status).toBe('cancelled');
    expect(told).toEqual([]);
  });
});

describe('concurrent acceptances of one terms link', () => {
  // Found by probing: concurrent acceptances all answered 200 while only the first was recorded, so
  // a person whose pseudonym was dropped was told their choice was recorded.
  it('records the first; the other is told the terms were already accepted (410) and its pseudonym is not recorded', async () => {
    const { refId, link } = await awaitingTerms('+41796660102');
    const token = new URL(link).pathname.split('/')[2] as string;
    const repository = stack().repository;
    const told: unknown[] = [];
    const callbacks = {
      succeed: async (...args: unknown[]) => told.push(args) > 0,
      fail: async () => false,
    };
    // Both pass the link check; B takes the link first, then A runs to the end (its link write
    // fails, it finds no acceptance yet and proceeds as a retry) before B writes its acceptance.
    let first: Promise<Order> | undefined;
    const racing = Object.create(repository, {
      useTermsLink: {
        value: async (...args: Parameters<typeof repository.useTermsLink>) => {
          const used = await repository.useTermsLink(...args);
          first = recordAcceptance({ repository, callbacks }, token, { pseudonym: 'Alpha' });
          await first;
          return used;
        },
      },
    });

    await expect(
      recordAcceptance({ repository: racing, callbacks }, token, { pseudonym: 'Beta' }),
    ).rejects.toMatchObject({
      status: 410,
      slug: 'terms-link-used',
    });
    expect((await first)?.acceptance?.pseudonym).toBe('Alpha');
    const order = await repository.getOrder(refId);
    expect(order?.acceptance?.pseudonym).toBe('Alpha');
    expect(told).toHaveLength(1);
    expect(told[0]).toEqual([expect.any(String), expect.objectContaining({ pseudonym: 'Alpha' })]);
  });
});

describe('resending the terms SMS', () => {
  it('sends a new link and makes the old one invalid', async () => {
    const mobile = '+41796660004';
    const { refId, link: first } = await awaitingTerms(mobile);

    const res = await call<{ refId: string; sentAt: string; expiresAt: string }>(
      stack(),
      'POST',
      `/api/identifications/${refId}/terms-sms`,
      { token },
    );

    expect(res.status).toBe(202);
    expect(res.body.refId).toBe(refId);
    const links = linksTo(mobile);
    expect(links).toHaveLength(2);
    const newest = links[0] as string;
    expect(newest).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);
    expect((await accept(newest)).status).toBe(200);
  });

  it(`allows ${RESEND_LIMIT_PER_HOUR} resends an hour, then answers 429 with Retry-After`, async () => {
    const { refId } = await awaitingTerms('+41796660005');
    const resend = () => call(stack(), 'POST', `/api/identifications/${refId}/terms-sms`, { token });

    for (let i = 0; i < RESEND_LIMIT_PER_HOUR; i++) expect((await resend()).status).toBe(202);
    const refused = await resend();

    expectProblem(refused, 429, 'too-many-requests', 'Too many requests');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(linksTo('+41796660005')).toHaveLength(1 + RESEND_LIMIT_PER_HOUR);
  });

  // Found by probing a resend beside the person's acceptance: the acceptance is recorded on the order
  // at once, the status follows when the state machine has written the registration. In between the
  // resend sent a fresh link (202) for terms already accepted — an SMS paid for, and a link that
  // only says "already accepted".
  /** The acceptance as the terms page records it, the state machine not yet told. */
  const acceptanceRecordedOnly = (link: string) =>
    recordAcceptance(
      { repository: stack().repository, callbacks: { succeed: async () => false, fail: async () => false } },
      new URL(link).pathname.split('/')[2] as string,
    );

  it('refuses once the acceptance is recorded, before the registration turns the status (409, no SMS)', async () => {
    const mobile = '+41796660007';
    const { refId, link } = await awaitingTerms(mobile);
    await acceptanceRecordedOnly(link);
    expect(currentStatus((await stack().repository.getOrder(refId)) as Order)).toBe('data-ready');

    expectProblem(
      await call(stack(), 'POST', `/api/identifications/${refId}/terms-sms`, { token }),
      409,
      'not-awaiting-terms',
      'Conflict',
    );
    expect(linksTo(mobile)).toEqual([link]);
  });

  it('sends nothing when the acceptance lands between the resend’s check and its new link', async () => {
    const mobile = '+41796660008';
    const { refId, link } = await awaitingTerms(mobile);
    const repository = stack().repository;
    const sent: string[] = [];
    // The resend counts itself after reading the order: the person accepts right then.
    const racing = Object.create(repository, {
      incrementCounter: {
        value: async (...args: Parameters<typeof repository.incrementCounter>) => {
          await acceptanceRecordedOnly(link);
          return repository.incrementCounter(...args);
        },
      },
    }) as typeof repository;

    await expect(
      resendTermsSms(
        {
          repository: racing,
          sms: {
            send: async (to: string) => {
              sent.push(to);
              return { messageId: 'm' };
            },
          },
          publicBaseUrl: stack().baseUrl,
        },
        'demo-portal',
        refId,
      ),
    ).rejects.toMatchObject({ status: 409, slug: 'not-awaiting-terms' });
    expect(sent).toEqual([]);
    expect((await repository.getOrder(refId))?.acceptance).toBeDefined();
  });

  it('refuses while the order does not wait for the terms (409), and for another SP (404)', async () => {
    const { refId } = await startOrder(stack(), token, { mobile: '+41796660006' });
    const bank = await tokenFor(stack(), 'demo-bank');

    expectProblem(
      await call(stack(), 'POST', `/api/identifications/${refId}/terms-sms`, { token }),
      409,
      'not-awaiting-terms',
      'Conflict',
    );
    expectProblem(
      await call(stack(), 'POST', `/api/identifications/${refId}/terms-sms`, { token: bank }),
      404,
      'not-found',
      'Not found',
    );
    expect(linksTo('+41796660006')).toHaveLength(0);
  });
});
