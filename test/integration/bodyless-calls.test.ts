/**
 * The POST calls that take no body — the terms SMS again, a webhook's new secret, its test message,
 * a redelivery — refuse one that carries fields, as every call refuses a field it does not know.
 * Found by probing the running stack: `POST …/terms-sms` with `{"mobile":"+41…"}` answered 202 and
 * sent the SMS to the order's number, so an SP correcting the number read that it had; and
 * `rotate-secret` with `{"secret":…}` made a secret of its own. An empty body, `{}` or `null` is taken.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../support/problems.js';
import { expectProblem } from '../support/problems.js';
import { call, tokenFor, useStack } from '../support/stack.js';
import { waitingForTerms } from '../support/terms.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const stack = useStack({ rateLimits: false });
let token: string;
beforeAll(async () => {
  token = await tokenFor(stack());
});

const smsTo = (mobile: string) =>
  stack()
    .outbox.list()
    .filter((m) => m.phoneNumber === mobile).length;

describe('POST …/terms-sms', () => {
  it('refuses a body with fields, naming each, and sends nothing', async () => {
    const mobile = '+41795550871';
    const { refId } = await waitingForTerms(stack(), token, mobile);
    const before = smsTo(mobile);

    const res = await call<Problem>(stack(), 'POST', `/api/identifications/${refId}/terms-sms`, {
      token,
      json: { mobile: '+41795550872' },
    });

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect(res.body.errors).toEqual([{ field: 'mobile', message: 'Unknown field.' }]);
    expect(smsTo(mobile)).toBe(before);
    expect(smsTo('+41795550872')).toBe(0);
  });

  it('refuses a body that is no JSON object, and sends nothing', async () => {
    const mobile = '+41795550873';
    const { refId } = await waitingForTerms(stack(), token, mobile);
    const before = smsTo(mobile);

    const res = await call<Problem>(stack(), 'POST', `/api/identifications/${refId}/terms-sms`, {
      token,
      body: 'mobile=%2B41795550874',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect(res.body.errors).toEqual([{ field: '(body)', message: 'This call takes no body.' }]);
    expect(smsTo(mobile)).toBe(before);
  });

  it('takes no body, an empty one or {} and sends the SMS again', async () => {
    const mobile = '+41795550875';
    const { refId } = await waitingForTerms(stack(), token, mobile);
    const path = `/api/identifications/${refId}/terms-sms`;

    const none = await call(stack(), 'POST', path, { token });
    const empty = await call(stack(), 'POST', path, {
      token,
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    const emptyObject = await call(stack(), 'POST', path, { token, json: {} });

    expect([none.status, empty.status, emptyObject.status]).toEqual([202, 202, 202]);
    expect(smsTo(mobile)).toBe(4);
  });
});

describe('POST /api/webhooks/{id}/…', () => {
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.stop();
  });

  it('refuses rotate-secret with a secret of the caller’s, and the endpoint keeps its one secret', async () => {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const created = await call<{ id: string }>(stack(), 'POST', '/api/webhooks', {
      token,
      json: { url: receiver.url },
    });
    const id = created.body.id;

    const res = await call<Problem>(stack(), 'POST', `/api/webhooks/${id}/rotate-secret`, {
      token,
      json: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    });
    const test = await call<{ delivered: boolean }>(stack(), 'POST', `/api/webhooks/${id}/test`, { token });

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect(res.body.errors).toEqual([{ field: 'secret', message: 'Unknown field.' }]);
    // Not rotated: the test message carries one signature, not the old and a new one.
    expect(test.body.delivered).toBe(true);
    expect(receiver.received.at(-1)?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
  });

  it('refuses a test message with fields and sends none', async () => {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const created = await call<{ id: string }>(stack(), 'POST', '/api/webhooks', {
      token,
      json: { url: receiver.url },
    });

    const res = await call<Problem>(stack(), 'POST', `/api/webhooks/${created.body.id}/test`, {
      token,
      json: { type: 'identification.status-changed' },
    });

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect(res.body.errors).toEqual([{ field: 'type', message: 'Unknown field.' }]);
    expect(receiver.received).toHaveLength(0);
  });

  it('sends a test message for a body of JSON null, what a client serialising "no value" sends', async () => {
    // .NET's PostAsJsonAsync(url, (object)null) and fetch with JSON.stringify(null) send `null`:
    // no field, so nothing an SP could think it changed, as with {}.
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const created = await call<{ id: string }>(stack(), 'POST', '/api/webhooks', {
      token,
      json: { url: receiver.url },
    });

    const res = await call<{ delivered: boolean }>(stack(), 'POST', `/api/webhooks/${created.body.id}/test`, {
      token,
      body: 'null',
      headers: { 'content-type': 'application/json' },
    });

    expect(res.status).toBe(200);
    expect(res.body.delivered).toBe(true);
    expect(receiver.received).toHaveLength(1);
  });
});
