/**
 * A refId or webhook id in upper case. UUIDs are case-insensitive on input (RFC 9562 §4) and the
 * routes accept the upper-case form as a UUID — but found by probing the running stack, the status
 * call then answered 404 "No identification with this refId" for the SP's own order: an SP that
 * keeps the refId in a column type that prints UUIDs in capitals (SQL Server's uniqueidentifier
 * does) reads that its identification does not exist; a partner whose database does so had its
 * signed messages answered as for an order that does not exist. The service mints them in lower
 * case and reads any case as that one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceFor, sendEvent, sendEvidence } from '../support/isp.js';
import { call, paperStartBody, tokenFor, useStack } from '../support/stack.js';
import { waitingForTerms } from '../support/terms.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const stack = useStack({ rateLimits: false });
let token: string;
let bankToken: string;
beforeAll(async () => {
  token = await tokenFor(stack());
  bankToken = await tokenFor(stack(), 'demo-bank');
});

describe('an upper-case UUID in the path', () => {
  it('reads the SP’s own identification, its AML data answer and its SMS resend as the lower-case one', async () => {
    const { refId } = await waitingForTerms(stack(), token, '+41795550881');
    const upper = refId.toUpperCase();

    const status = await call(stack(), 'GET', `/api/identifications/${upper}`, { token });
    const lower = await call(stack(), 'GET', `/api/identifications/${refId}`, { token });
    const data = await call(stack(), 'GET', `/api/identifications/${upper}/identification-data`, { token });
    const resent = await call(stack(), 'POST', `/api/identifications/${upper}/terms-sms`, { token });

    expect(status.status).toBe(200);
    expect(status.body).toEqual(lower.body);
    // demo-portal has no AML contract: refused as for the lower-case refId, not "no such identification".
    expect(data.status).toBe(403);
    expect(resent.status).toBe(202);
  });

  it('still keeps another SP out: its upper-case refId is a 404', async () => {
    const started = await call<{ refId: string }>(stack(), 'POST', '/api/identifications', {
      token: bankToken,
      json: paperStartBody(),
    });

    const res = await call(stack(), 'GET', `/api/identifications/${started.body.refId.toUpperCase()}`, {
      token,
    });

    expect(res.status).toBe(404);
  });

  it('reads a webhook endpoint by its upper-case id: its deliveries, a test message, its deletion', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const created = await call<{ id: string }>(stack(), 'POST', '/api/webhooks', {
        token,
        json: { url: receiver.url },
      });
      const upper = created.body.id.toUpperCase();

      const deliveries = await call(stack(), 'GET', `/api/webhooks/${upper}/deliveries`, { token });
      const test = await call<{ delivered: boolean }>(stack(), 'POST', `/api/webhooks/${upper}/test`, {
        token,
      });
      const deleted = await call(stack(), 'DELETE', `/api/webhooks/${upper}`, { token });
      const listed = await call<{ id: string }[]>(stack(), 'GET', '/api/webhooks', { token });

      expect(deliveries.status).toBe(200);
      expect(test.body.delivered).toBe(true);
      expect(deleted.status).toBe(204);
      expect(listed.body.map((w) => w.id)).not.toContain(created.body.id);
    } finally {
      await receiver.stop();
    }
  });
});

describe('an upper-case refId in a partner’s signed message', () => {
  it('applies the event and imports the evidence of the order with that refId', async () => {
    const mobile = '+41795550882';
    const { body } = await call<{ refId: string }>(stack(), 'POST', '/api/identifications', {
      token,
      json: paperStartBody({ mobile, issuer: 'Test-ISP', method: 'test' }),
    });
    const upper = body.refId.toUpperCase();

    const event = await sendEvent(stack(), upper, 'waiting-for-doc');
    const evidence = await sendEvidence(stack(), upper, evidenceFor({ mobile, method: 'test' }));
    const status = await call<{ statuses: { status: string }[]; evidenceId: string | null }>(
      stack(),
      'GET',
      `/api/identifications/${body.refId}`,
      { token },
    );

    expect([event.status, evidence.status]).toEqual([200, 200]);
    expect(status.body.statuses.map((s) => s.status)).toEqual([
      'created',
      'initialized',
      'waiting-for-doc',
      'data-ready',
    ]);
    expect(status.body.evidenceId).toBe(evidence.body.evidenceId);
  });
});
