/**
 * The whole journey over HTTP, as an SP, a person and a partner see it: start → the simulator's
 * form → the SMS → the terms → verify positive. Again with duplicated and reordered partner events,
 * and once more to show that a new identification of the same person updates the registration.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTerms, evidenceFor, formValues, sendEvent, sendEvidence, TERMS_LINK } from '../support/isp.js';
import { call, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** The statuses of an identification the person finished, in order: status, SP webhooks alike. */
const ACCEPTED_HISTORY = ['created', 'initialized', 'done', 'data-ready', 'terms-accepted'];

interface Sms {
  phoneNumber: string;
  message: string;
}
type Status = { statuses: { status: string }[]; evidenceId: string | null };

let token: string;
/** The SP's webhook receiver: every status of every order, signed. */
let receiver: WebhookReceiver;
let webhookSecret: string;

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  token = await tokenFor(stack());
  receiver = await new WebhookReceiver().start();
  const hook = await call<{ secret: string }>(stack(), 'POST', '/api/webhooks', {
    token,
    json: { url: receiver.url },
  });
  expect(hook.status).toBe(201);
  webhookSecret = hook.body.secret;
});
afterAll(async () => {
  await receiver?.stop();
});

/** The statuses the SP was told of for one order, verified, once per webhook-id, in arrival order. */
async function webhookStatuses(refId: string, count: number): Promise<string[]> {
  const mine = () => receiver.received.filter((m) => m.body.includes(refId));
  await waitFor(
    async () => new Set(mine().map((m) => m.headers['webhook-id'])).size,
    (n) => n >= count,
  );
  const seen = new Map<string, string>();
  for (const m of mine()) {
    const event = new Webhook(webhookSecret).verify(m.body, m.headers) as { data: { status: string } };
    seen.set(m.headers['webhook-id'] as string, event.data.status);
  }
  return [...seen.values()];
}

const start = (mobile: string, overrides: Record<string, unknown> = {}) =>
  startOrder(stack(), token, { mobile, ...overrides });

async function termsLinkFor(mobile: string, notIn: string[] = []): Promise<string> {
  const sms = await waitFor(
    async () => (await call<Sms[]>(stack(), 'GET', '/_local/sms')).body.find((m) => m.phoneNumber === mobile),
    (m) => m !== undefined && !notIn.some((link) => m.message.includes(link)),
  );
  // Read over HTTP, as a tester would (GET /_local/sms), not from the outbox object.
  const link = sms?.message.match(TERMS_LINK)?.[0];
  expect(link).toBeDefined();
  return link as string;
}

async function openAndAcceptTerms(link: string) {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post"');
  expect((await acceptTerms(link)).status).toBe(200);
}

const verify = (msisdn: string, assuranceLevel: 3 | 4, distinguishedName: string) =>
  call<{ evidenceId: string; vetterMsisdn: string; serialNumber: string }>(stack(), 'POST', '/api/verify', {
    json: { msisdn, claimedIdentity: 'test-client', assuranceLevel, distinguishedName },
  });

describe('identify once, sign many times', () => {
  it('takes a person from the start call through the simulator form, SMS and terms to a positive verify', async () => {
    const mobile = '+41783478228';
    const dn = 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH';
    expect((await verify('41783478228', 3, dn)).status).toBe(404);

    // The SP starts; the person opens the target URL: the simulator's form, prefilled
    const { refId, targetURL } = await start(mobile);
    const formPage = await fetch(targetURL);
    expect(formPage.status).toBe(200);
    const form = formValues(await formPage.text());
    expect(form.get('firstName')).toBe('Hans');
    expect(form.get('mobile')).toBe(mobile);

    // The tester identifies "Hans Müller" and chooses "Data ready"
    form.set('lastName', 'Müller');
    form.set('status', 'data-ready');
    const submitted = await fetch(targetURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(submitted.status).toBe(200);

    // The SMS arrives; the person accepts the terms
    await openAndAcceptTerms(await termsLinkFor(mobile));

    // Verify turns positive once the state machine has written the registration
    const positive = await waitFor(
      () => verify('41783478228', 3, dn),
      (r) => r.status === 200,
    );
    const status = await call<Status>(stack(), 'GET', `/api/identifications/${refId}`, { token });
    expect(positive.body).toEqual({
      evidenceId: status.body.evidenceId,
      vetterMsisdn: '41783478228',
      serialNumber: expect.stringMatching(/^SRS-[A-Z0-9_-]+$/),
    });
    expect(status.body.statuses.map((s) => s.status)).toEqual(ACCEPTED_HISTORY);
    // The SP's webhook endpoint was told of every status, in order
    expect(await webhookStatuses(refId, 5)).toEqual(ACCEPTED_HISTORY);
    // Test-ISP identifies at LoA 3: a qualified signature still needs an identification
    expect((await verify('41783478228', 4, dn)).status).toBe(404);
  });

  it('arrives at the same registration when partner events are duplicated and reordered', async () => {
    const mobile = '+41791112233';
    const { refId } = await start(mobile);
    const evidence = evidenceFor({ mobile, method: 'test' });

    const outcomes = [
      (await sendEvent(stack(), refId, 'done')).body.outcome,
      (await sendEvent(stack(), refId, 'waiting-for-doc')).body.outcome, // arrives late
      (await sendEvent(stack(), refId, 'done')).body.outcome, // delivered twice
      (await sendEvidence(stack(), refId, evidence)).body.outcome,
      (await sendEvidence(stack(), refId, evidence)).body.outcome, // retried delivery, same evidence
      (await sendEvent(stack(), refId, 'waiting-for-doc')).body.outcome, // very late
    ];
    expect(outcomes).toEqual(['applied', 'stale', 'duplicate', 'applied', 'duplicate', 'stale']);

    await openAndAcceptTerms(await termsLinkFor(mobile));
    const positive = await waitFor(
      () => verify('41791112233', 3, 'gn=Hans, sn=Muster'),
      (r) => r.status === 200,
    );
    const status = await call<Status>(stack(), 'GET', `/api/identifications/${refId}`, { token });
    expect(positive.body.evidenceId).toBe(status.body.evidenceId);
    expect(status.body.statuses.map((s) => s.status)).toEqual(ACCEPTED_HISTORY);
    expect(
      stack()
        .outbox.list()
        .filter((m) => m.phoneNumber === mobile),
    ).toHaveLength(1);
    // Duplicated and late partner events changed nothing, so the SP hears of nothing more
    expect(await webhookStatuses(refId, 5)).toEqual(ACCEPTED_HISTORY);
  });

  it('updates the registration when the same person is identified again, at a higher level', async () => {
    const mobile = '+41794445566';
    const dn = 'gn=Hans, sn=Muster, c=CH';
    // First at LoA 3 with the Test-ISP (simulator JSON API)
    const first = await start(mobile);
    const simulated = await call(stack(), 'POST', `/test-isp/api/orders/${first.refId}`, {
      json: { status: 'data-ready' },
    });
    expect(simulated.status).toBe(200);
    const firstLink = await termsLinkFor(mobile);
    await openAndAcceptTerms(firstLink);
    const atLoa3 = await waitFor(
      () => verify('41794445566', 3, dn),
      (r) => r.status === 200,
    );
    expect((await verify('41794445566', 4, dn)).status).toBe(404);

    // Then at LoA 4 by courier (offline, ZertES and eIDAS)
    const second = await start(mobile, { issuer: 'Courier-Demo', method: 'courier' });
    await call(stack(), 'POST', `/test-isp/api/orders/${second.refId}`, { json: { status: 'data-ready' } });
    await openAndAcceptTerms(await termsLinkFor(mobile, [firstLink]));
    const atLoa4 = await waitFor(
      () => verify('41794445566', 4, dn),
      (r) => r.status === 200,
    );

    expect(atLoa4.body.evidenceId).not.toBe(atLoa3.body.evidenceId);
    // The serial number is the person's, not the identification's
    expect(atLoa4.body.serialNumber).toBe(atLoa3.body.serialNumber);
  });
});
