/**
 * The two races at the terms step, on the embedded stack with its Step Functions emulation running
 * the ASL file. Whatever the interleaving, an order whose acceptance was recorded ends registered,
 * exactly once, and the person's page, the SP's status and the webhook events say the same; an
 * acceptance that comes too late records nothing and says so (ADR 0022).
 *
 * Faults are placed at the exact seam, never timed: the emulation times the terms wait out just as
 * the page's SendTaskSuccess arrives (interceptNextCallback + timeOutTask), or the callback port
 * of a first attempt dies after the acceptance was written.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../lambdas/core/order.js';
import { acceptTerms as recordAcceptance } from '../../lambdas/usecases/terms-acceptance.js';
import { expireOrder } from '../../lambdas/usecases/workflow-tasks.js';
import { acceptTerms, sendEvent } from '../support/isp.js';
import { call, statusesOf, tokenFor, useStack, waitFor } from '../support/stack.js';
import { acceptanceRecordedUntold, waitingForTerms as waitingForTermsOn } from '../support/terms.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let token: string;
// The page's own ways of completing a recorded acceptance, without the change feed's relay, which
// would tell the state machine first (terms-acceptance-relay.test.ts).
const stack = useStack({
  rateLimits: false,
  webhooks: { retryDelaysSeconds: [1], timeoutMs: 2000 },
  disabledEventSources: ['terms-acceptance-relay'],
});
beforeAll(async () => {
  token = await tokenFor(stack());
});

const waitingForTerms = (mobile: string) => waitingForTermsOn(stack(), token, mobile);

const orderOf = async (refId: string) => (await stack().repository.getOrder(refId)) as Order;

/** An order waiting for the terms whose acceptance was recorded by a request that then died. */
async function acceptedButUntold(mobile: string) {
  const waiting = await waitingForTerms(mobile);
  await acceptanceRecordedUntold(stack(), waiting.linkToken);
  return waiting;
}

const REGISTERED_AFTER_EXPIRY = [
  'WaitForTerms',
  'ExpireOrder',
  'AcceptedInTime',
  'RegisterPerson',
  'Registered',
];

describe('an acceptance at the moment the terms wait times out', () => {
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.stop();
  });

  it('recorded before the wait timed out: the person is thanked and registered, the SP sees terms-accepted and no cancellation', async () => {
    // Prepare: an SP endpoint for the order's events, an order waiting for the terms
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const endpoint = await call<{ id: string; secret: string }>(stack(), 'POST', '/api/webhooks', {
      token,
      json: { url: receiver.url },
    });
    expect(endpoint.status, endpoint.text).toBe(201);
    const { refId, link } = await waitingForTerms('+41795550001');
    // The wait times out after the acceptance is written, just before the page tells the state machine.
    let timedOut = false;
    stack().stepFunctions.interceptNextCallback(refId, () => {
      timedOut = stack().stepFunctions.timeOutTask(refId);
    });

    // Act
    const page = await acceptTerms(link);

    // Assess: thanked, and that is true — the expiry registered the person instead of cancelling
    expect(timedOut).toBe(true);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Thank you. You can now sign electronically.');
    const execution = await stack().stepFunctions.settled(refId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.slice(-5)).toEqual(REGISTERED_AFTER_EXPIRY);
    const statuses = await statusesOf(stack(), token, refId);
    expect(statuses.map((s) => s.status)).toEqual(['created', 'initialized', 'data-ready', 'terms-accepted']);
    expect(await stack().repository.getRegistration('41795550001')).toMatchObject({
      refId,
      termsAcceptedAt: (await orderOf(refId)).acceptance?.acceptedAt,
    });
    // The webhook events are the same history: terms-accepted, never cancelled
    const verifier = new Webhook(endpoint.body.secret);
    const events = await waitFor(
      async () =>
        receiver.received
          .map(
            (m) =>
              verifier.verify(m.body, {
                'webhook-id': m.headers['webhook-id'] as string,
                'webhook-timestamp': m.headers['webhook-timestamp'] as string,
                'webhook-signature': m.headers['webhook-signature'] as string,
              }) as { data: { refId: string; status: string } },
          )
          .filter((e) => e.data.refId === refId)
          .map((e) => e.data.status),
      (s) => s.includes('terms-accepted'),
    );
    expect(events).not.toContain('cancelled');
  });

  it('arriving after the wait timed out: nothing is recorded, the page says the identification ended and what to do', async () => {
    const { refId, link } = await waitingForTerms('+41795550002');
    const staleToken = (await orderOf(refId)).waitTokens?.terms as string;

    expect(stack().stepFunctions.timeOutTask(refId)).toBe(true);
    const execution = await stack().stepFunctions.settled(refId);
    const shown = await fetch(link);
    const sent = await acceptTerms(link);

    expect(execution.states.slice(-4)).toEqual(['WaitForTerms', 'ExpireOrder', 'AcceptedInTime', 'Expired']);
    for (const res of [shown, sent]) {
      expect(res.status).toBe(410);
      const text = await res.text();
      expect(text).toContain('This identification has ended');
      expect(text).toContain('ask your service provider to start a new identification');
      expect(text).not.toContain('<form');
    }
    expect((await orderOf(refId)).acceptance).toBeUndefined();
    expect((await statusesOf(stack(), token, refId)).at(-1)).toMatchObject({
      status: 'cancelled',
      kind: 'expired',
    });
    expect(await stack().repository.getRegistration('41795550002')).toBeUndefined();
    // As in AWS, the timed-out task's token is refused as timed out (the page's adapter ignores that).
    const late = await stack().stepFunctions.handleAwsRequest(
      'AWSStepFunctions.SendTaskSuccess',
      JSON.stringify({ taskToken: staleToken, output: '{}' }),
    );
    expect(late).toEqual({ status: 400, body: { __type: 'TaskTimedOut', message: 'Task Timed Out' } });
  });

  it('written while the expiry decides: the expiry finds it on its write and registers instead of cancelling', async () => {
    const { refId, linkToken } = await waitingForTerms('+41795550003');
    const repository = stack().repository;
    const told: unknown[] = [];
    // The acceptance lands after the expiry read the order and before it writes its cancellation.
    let landed = false;
    const racing = Object.create(repository, {
      saveOrder: {
        value: async (order: Order) => {
          if (!landed) {
            landed = true;
            await recordAcceptance(
              {
                repository,
                callbacks: { succeed: async (...a) => told.push(a) > 0, fail: async () => false },
              },
              linkToken,
            );
          }
          return repository.saveOrder(order);
        },
      },
    });

    const expiry = await expireOrder({ repository: racing }, { refId });

    expect(landed).toBe(true);
    expect(told).toHaveLength(1);
    expect(expiry).toEqual({ outcome: 'accepted' });
    const order = await orderOf(refId);
    expect(order.acceptance).toBeDefined();
    expect(order.statuses.map((s) => s.status)).not.toContain('cancelled');
  });
});

describe('an acceptance whose request died after writing it, before telling the state machine', () => {
  it('is completed by the retry of the same acceptance: thanked, the state machine told, registered once', async () => {
    const { refId, link } = await acceptedButUntold('+41795550011');
    const recorded = (await orderOf(refId)).acceptance;
    expect(recorded).toBeDefined();
    expect(
      stack()
        .stepFunctions.list()
        .find((e) => e.name === refId)?.status,
    ).toBe('RUNNING');

    const retry = await acceptTerms(link);

    expect(retry.status).toBe(200);
    expect(await retry.text()).toContain('Thank you');
    const execution = await stack().stepFunctions.settled(refId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.slice(-3)).toEqual(['WaitForTerms', 'RegisterPerson', 'Registered']);
    expect((await orderOf(refId)).acceptance).toEqual(recorded);
    expect(await stack().repository.getRegistration('41795550011')).toMatchObject({
      refId,
      termsAcceptedAt: recorded?.acceptedAt,
    });
    expect(
      (await statusesOf(stack(), token, refId)).filter((s) => s.status === 'terms-accepted'),
    ).toHaveLength(1);
  });

  it('is completed when the person opens the link again: the page says the terms were accepted', async () => {
    const { refId, link } = await acceptedButUntold('+41795550014');

    const shown = await fetch(link);

    expect(shown.status).toBe(410);
    expect(await shown.text()).toContain('already accepted');
    const execution = await stack().stepFunctions.settled(refId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.slice(-3)).toEqual(['WaitForTerms', 'RegisterPerson', 'Registered']);
    expect((await statusesOf(stack(), token, refId)).at(-1)?.status).toBe('terms-accepted');
  });

  it('is registered when the wait times out if the person never comes back', async () => {
    const { refId } = await acceptedButUntold('+41795550012');

    expect(stack().stepFunctions.timeOutTask(refId)).toBe(true);
    const execution = await stack().stepFunctions.settled(refId);

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.slice(-5)).toEqual(REGISTERED_AFTER_EXPIRY);
    expect((await statusesOf(stack(), token, refId)).map((s) => s.status)).toEqual([
      'created',
      'initialized',
      'data-ready',
      'terms-accepted',
    ]);
  });

  it('is not cancelled by the partner meanwhile (409), and a retry with another pseudonym is refused (410)', async () => {
    const { refId, link } = await acceptedButUntold('+41795550013');

    const cancel = await sendEvent(stack(), refId, 'cancelled', { kind: 'user' });
    const other = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'accept=yes&pseudonym=Hansi',
    });

    expect(cancel.status).toBe(409);
    expect(other.status).toBe(410);
    expect(await other.text()).toContain('already accepted');
    const order = await orderOf(refId);
    expect(order.acceptance?.pseudonym).toBeUndefined();
    expect(order.statuses.at(-1)?.status).toBe('data-ready');
    // The same acceptance still completes it.
    expect((await acceptTerms(link)).status).toBe(200);
    expect((await stack().stepFunctions.settled(refId)).status).toBe('SUCCEEDED');
    expect((await statusesOf(stack(), token, refId)).at(-1)?.status).toBe('terms-accepted');
  });
});
