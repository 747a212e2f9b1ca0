/**
 * Webhooks against the embedded stack: endpoint management (own endpoints only, hostile URLs
 * refused), Standard Webhooks signatures checked with the `standardwebhooks` package, and delivery
 * that loses nothing — driven by the emulated DynamoDB Streams and SQS, with a short retry
 * schedule (1 s between attempts, a 500 ms receiver timeout) so that retries happen in seconds.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyEvent } from '../../lambdas/core/order.js';
import { identifyAndAcceptTerms } from '../support/isp.js';
import { expectInvalidField } from '../support/problems.js';
import { call, startOrder, statusesOf, tokenFor, useStack, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

interface Created {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  secret: string;
}
interface Delivery {
  messageId: string;
  refId: string;
  sequence: number;
  state: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

let portal: string;
let bank: string;
const receivers: WebhookReceiver[] = [];
const endpoints: { token: string; id: string }[] = [];

const stack = useStack({
  rateLimits: false,
  logLevel: 'INFO',
  webhooks: { retryDelaysSeconds: [1, 1, 1], timeoutMs: 500, visibilityTimeoutSeconds: 1 },
});
beforeAll(async () => {
  portal = await tokenFor(stack(), 'demo-portal');
  bank = await tokenFor(stack(), 'demo-bank');
});
afterEach(async () => {
  // Each test registers its own endpoints and receivers; leave none behind for the next one.
  for (const e of endpoints.splice(0))
    await call(stack(), 'DELETE', `/api/webhooks/${e.id}`, { token: e.token });
  for (const r of receivers.splice(0)) await r.stop();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await new WebhookReceiver().start();
  receivers.push(r);
  return r;
}

async function register(url: string, token = portal): Promise<Created> {
  const res = await call<Created>(stack(), 'POST', '/api/webhooks', { token, json: { url } });
  expect(res.status, res.text).toBe(201);
  endpoints.push({ token, id: res.body.id });
  return res.body;
}

const deliveriesOf = async (id: string, token = portal) =>
  (await call<Delivery[]>(stack(), 'GET', `/api/webhooks/${id}/deliveries`, { token })).body;

/** Verifies a received message with the Standard Webhooks reference library; returns its payload. */
function verified(secret: string, message: { headers: Record<string, string>; body: string }) {
  return new Webhook(secret).verify(message.body, {
    'webhook-id': message.headers['webhook-id'] as string,
    'webhook-timestamp': message.headers['webhook-timestamp'] as string,
    'webhook-signature': message.headers['webhook-signature'] as string,
  }) as { type: string; data: { refId: string; sequence: number; status: string } };
}

describe('endpoint management', () => {
  it('registers an endpoint with a whsec_ secret shown once, and lists it without the secret', async () => {
    const r = await receiver();
    const created = await register(r.url);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.events).toEqual(['identification.status-changed']);

    const list = await call<Record<string, unknown>[]>(stack(), 'GET', '/api/webhooks', { token: portal });
    expect(list.status).toBe(200);
    const mine = list.body.find((e) => e.id === created.id);
    expect(mine).toEqual({
      id: created.id,
      url: r.url,
      events: created.events,
      createdAt: created.createdAt,
    });
    expect(list.text).not.toContain('whsec_');
  });

  it('keeps another SP out: its list lacks the endpoint and every call with the id is a 404', async () => {
    const created = await register((await receiver()).url);
    const theirs = await call<{ id: string }[]>(stack(), 'GET', '/api/webhooks', { token: bank });
    expect(theirs.body.map((e) => e.id)).not.toContain(created.id);
    for (const [method, path] of [
      ['DELETE', `/api/webhooks/${created.id}`],
      ['POST', `/api/webhooks/${created.id}/rotate-secret`],
      ['POST', `/api/webhooks/${created.id}/test`],
      ['GET', `/api/webhooks/${created.id}/deliveries`],
      ['POST', `/api/webhooks/${created.id}/deliveries/msg_${'0'.repeat(32)}_1/redeliver`],
    ] as const) {
      const res = await call(stack(), method, path, { token: bank });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Still there for its owner.
    expect(
      (await call(stack(), 'GET', `/api/webhooks/${created.id}/deliveries`, { token: portal })).status,
    ).toBe(200);
  });

  it('needs the write scope to register and the read scope to list', async () => {
    const readOnly = await tokenFor(stack(), 'demo-portal', 'srs/read');
    const res = await call(stack(), 'POST', '/api/webhooks', {
      token: readOnly,
      json: { url: 'https://sp.example/x' },
    });
    expect(res.status).toBe(401);
    expect((await call(stack(), 'GET', '/api/webhooks', { token: readOnly })).status).toBe(200);
    expect((await call(stack(), 'GET', '/api/webhooks')).status).toBe(401);
  });

  it.each([
    ['http://sp.example/hooks', 'plain http to a public host'],
    ['https://169.254.169.254/latest/meta-data/', 'the cloud metadata address'],
    ['https://10.0.0.7/hooks', 'a private address'],
    ['https://192.168.1.1/hooks', 'a private address'],
    ['https://[fd00:ec2::254]/', 'the IPv6 metadata address'],
    ['https://[fe80::1]/', 'an IPv6 link-local address'],
    ['https://[::ffff:169.254.169.254]/', 'a v4-mapped metadata address'],
    ['https://0xa9fea9fe/', 'the metadata address in hex'],
    ['https://localhost/hooks', 'localhost'],
    ['https://user:pw@sp.example/hooks', 'credentials in the URL'],
    ['https://sp.example:0/hooks', 'port 0, which no receiver listens on (found by probing: was a 201)'],
    [
      'https://sp.exa\tmple/hooks',
      'a tab, which the URL parser drops (found by probing: registered as sp.example)',
    ],
    ['https://sp.example/hooks\u0001', 'a control character the URL parser drops'],
    [
      'https://sp.example/hooks\ud800',
      'a lone surrogate (found by probing: registered as …/hooks%EF%BF%BD, another URL)',
    ],
    ['https://sp.example/\u202ehooks', 'a right-to-left override'],
    ['https://sp.example/hooks\u0085', 'a C1 control'],
    ['ftp://sp.example/hooks', 'another scheme'],
    ['not a url', 'no URL at all'],
  ])('refuses %s (%s) with a 400 naming url, and registers nothing', async (url) => {
    const before = (await call<unknown[]>(stack(), 'GET', '/api/webhooks', { token: portal })).body.length;
    const res = await call(stack(), 'POST', '/api/webhooks', { token: portal, json: { url } });
    expectInvalidField(res, 'url');
    expect((await call<unknown[]>(stack(), 'GET', '/api/webhooks', { token: portal })).body).toHaveLength(
      before,
    );
  });

  it('allows http://127.0.0.1 on the local stage only: an AWS stage refuses it', async () => {
    const r = await receiver();
    const stage = process.env.STAGE;
    process.env.STAGE = 'prod';
    try {
      const refused = await call(stack(), 'POST', '/api/webhooks', { token: portal, json: { url: r.url } });
      expectInvalidField(refused, 'url');
      const https = await call(stack(), 'POST', '/api/webhooks', {
        token: portal,
        json: { url: r.url.replace('http:', 'https:') },
      });
      expectInvalidField(https, 'url');
    } finally {
      process.env.STAGE = stage;
    }
    await register(r.url);
  });

  it('refuses bad bodies and ids with a clear 400', async () => {
    expectInvalidField(
      await call(stack(), 'POST', '/api/webhooks', {
        token: portal,
        json: { url: 'https://sp.example/a', extra: 1 },
      }),
      'extra',
    );
    expectInvalidField(
      await call(stack(), 'POST', '/api/webhooks', {
        token: portal,
        json: { url: 'https://sp.example/a', events: ['x'] },
      }),
      'events.0',
    );
    expectInvalidField(await call(stack(), 'DELETE', '/api/webhooks/not-a-uuid', { token: portal }), 'id');
    expectInvalidField(
      await call(stack(), 'POST', `/api/webhooks/${'a'.repeat(3000)}/rotate-secret`, { token: portal }),
      'id',
    );
    expectInvalidField(
      await call(stack(), 'POST', '/api/webhooks', {
        token: portal,
        json: { url: `https://sp.example/${'a'.repeat(2100)}` },
      }),
      'url',
    );
    expectInvalidField(
      await call(stack(), 'POST', '/api/webhooks', {
        token: portal,
        json: { url: 'https://sp\u0000.example/hooks' },
      }),
      'url',
    );
    const notJson = await call(stack(), 'POST', '/api/webhooks', {
      token: portal,
      body: '{"url": "https://sp.example/a"',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toBe('application/problem+json');
    expectInvalidField(
      await call(stack(), 'GET', `/api/webhooks/${crypto.randomUUID()}/deliveries?limit=abc`, {
        token: portal,
      }),
      'limit',
    );
    expectInvalidField(
      await call(
        stack(),
        'POST',
        `/api/webhooks/${crypto.randomUUID()}/deliveries/msg_${'0'.repeat(600)}/redeliver`,
        {
          token: portal,
        },
      ),
      'messageId',
    );
    expectInvalidField(
      await call(stack(), 'GET', `/api/webhooks/${crypto.randomUUID()}/deliveries?limit=0`, {
        token: portal,
      }),
      'limit',
    );
    expectInvalidField(
      await call(stack(), 'POST', `/api/webhooks/${crypto.randomUUID()}/deliveries/PK%23x/redeliver`, {
        token: portal,
      }),
      'messageId',
    );
  });

  it('refuses a second endpoint with the same URL (409) and deletes with a 204, then 404', async () => {
    const r = await receiver();
    const created = await register(r.url);
    const again = await call(stack(), 'POST', '/api/webhooks', { token: portal, json: { url: r.url } });
    expect(again.status).toBe(409);
    expect((await call(stack(), 'DELETE', `/api/webhooks/${created.id}`, { token: portal })).status).toBe(
      204,
    );
    expect((await call(stack(), 'DELETE', `/api/webhooks/${created.id}`, { token: portal })).status).toBe(
      404,
    );
  });

  it('sends a signed test message and answers what the receiver did, also when it is down', async () => {
    const r = await receiver();
    const created = await register(r.url);
    const ok = await call<{ delivered: boolean; statusCode: number }>(
      stack(),
      'POST',
      `/api/webhooks/${created.id}/test`,
      { token: portal },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ delivered: true, statusCode: 204, error: null });
    expect(verified(created.secret, r.received[0] as never).type).toBe('webhook.test');

    await r.stop();
    const down = await call(stack(), 'POST', `/api/webhooks/${created.id}/test`, { token: portal });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ delivered: false, statusCode: null, error: 'connection refused' });
  });

  it('rotates the secret: messages carry both signatures for 24 hours, each verifies', async () => {
    const r = await receiver();
    const created = await register(r.url);
    const rotated = await call<{ secret: string; previousSecretExpiresAt: string }>(
      stack(),
      'POST',
      `/api/webhooks/${created.id}/rotate-secret`,
      { token: portal },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    const hours = (Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);

    await call(stack(), 'POST', `/api/webhooks/${created.id}/test`, { token: portal });
    const message = r.received[0] as { headers: Record<string, string>; body: string };
    expect(message.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verified(rotated.body.secret, message).type).toBe('webhook.test');
    expect(verified(created.secret, message).type).toBe('webhook.test');
    expect(() => verified(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, message)).toThrow();
  });

  it('signs with the current secret and the two last replaced ones however often it is rotated', async () => {
    // Each rotation kept every replaced secret for 24 hours: 300 in a loop put 301 signatures
    // (14 KB) in every message's header, near Node's 16 KB header limit, and grew the item.
    const r = await receiver();
    const created = await register(r.url);
    const secrets = [created.secret];
    for (let i = 0; i < 6; i++) {
      const rotated = await call<{ secret: string }>(
        stack(),
        'POST',
        `/api/webhooks/${created.id}/rotate-secret`,
        {
          token: portal,
        },
      );
      expect(rotated.status).toBe(200);
      secrets.push(rotated.body.secret);
    }

    await call(stack(), 'POST', `/api/webhooks/${created.id}/test`, { token: portal });
    const message = r.received[0] as { headers: Record<string, string>; body: string };
    expect(message.headers['webhook-signature']?.split(' ')).toHaveLength(3);
    for (const secret of secrets.slice(-3)) expect(verified(secret, message).type).toBe('webhook.test');
    for (const secret of secrets.slice(0, -3)) expect(() => verified(secret, message)).toThrow();
  });
});

describe('delivery', () => {
  it('delivers every status of an order in order, signed, with a thin body and no person data', async () => {
    const logged: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    const r = await receiver();
    const created = await register(r.url);
    const mobile = '+41790001001';
    const { refId } = await startOrder(stack(), portal, { mobile });
    await identifyAndAcceptTerms(stack(), refId, mobile);
    await waitFor(
      () => statusesOf(stack(), portal, refId),
      (s) => s.at(-1)?.status === 'terms-accepted',
    );
    const statuses = (await statusesOf(stack(), portal, refId)).map((s) => s.status);
    const mine = () => r.received.filter((m) => m.body.includes(refId));
    await waitFor(
      async () => mine().length,
      (n) => n >= statuses.length,
    );

    const payloads = mine().map((m) => verified(created.secret, m));
    expect(payloads.map((p) => p.data.status)).toEqual(statuses);
    expect(payloads.map((p) => p.data.sequence)).toEqual(statuses.map((_, i) => i + 1));
    expect(mine().map((m) => m.headers['webhook-id'])).toEqual(
      statuses.map((_, i) => `msg_${refId.replaceAll('-', '')}_${i + 1}`),
    );
    for (const m of mine()) {
      expect(Object.keys(JSON.parse(m.body))).toEqual(['type', 'timestamp', 'data']);
      for (const personal of ['Hans', 'Muster', 'swisscom', '1978-02-28', '41790001001']) {
        expect(m.body).not.toContain(personal);
      }
    }
    const log = await deliveriesOf(created.id);
    expect(
      log.filter((d) => d.refId === refId).every((d) => d.state === 'delivered' && d.attempts === 1),
    ).toBe(true);

    stdout.mockRestore();
    const webhookLogs = logged.filter((line) => line.includes('webhook'));
    expect(webhookLogs.length).toBeGreaterThan(0);
    for (const line of logged) {
      for (const secret of ['Hans', 'Muster', '41790001001', created.secret.slice(6)])
        expect(line).not.toContain(secret);
    }
  });

  it('retries a receiver that answers 500, then is slow, then is down — the same webhook-id each time', async () => {
    const r = await receiver();
    r.behaviours = [{ status: 500 }, { status: 200, delayMs: 1500 }, { status: 204 }];
    const created = await register(r.url);
    const { refId } = await startOrder(stack(), portal, { mobile: '+41790001002' });
    const firstId = `msg_${refId.replaceAll('-', '')}_1`;
    const attemptsOf = () => r.received.filter((m) => m.headers['webhook-id'] === firstId);

    await waitFor(
      async () => attemptsOf().length,
      (n) => n >= 2,
    );
    await r.stop(); // the third attempt finds nobody listening
    await waitFor(
      async () => (await deliveriesOf(created.id)).find((d) => d.messageId === firstId),
      (d) => d?.attempts === 3 && d.lastError === 'connection refused',
    );
    await r.start();
    const delivered = await waitFor(
      async () => (await deliveriesOf(created.id)).find((d) => d.messageId === firstId),
      (d) => d?.state === 'delivered',
    );
    expect(delivered?.attempts).toBe(4);
    expect(attemptsOf()).toHaveLength(3); // 500, too slow, (refused), 204
    for (const attempt of attemptsOf()) expect(verified(created.secret, attempt).data.refId).toBe(refId);
    // The second status waited for the first: it arrived after the first was delivered.
    await waitFor(
      async () =>
        r.received.filter((m) => m.headers['webhook-id'] === `msg_${refId.replaceAll('-', '')}_2`).length,
      (n) => n >= 1,
    );
    const ids = r.received
      .map((m) => m.headers['webhook-id'])
      .filter((id) => id?.includes(refId.replaceAll('-', '')));
    expect(ids.indexOf(`msg_${refId.replaceAll('-', '')}_2`)).toBeGreaterThan(ids.lastIndexOf(firstId));
  });

  it('gives up after the schedule, records the failure and sends it to the dead-letter queue', async () => {
    const r = await receiver();
    r.behaviours = [{ status: 503 }];
    const created = await register(r.url);
    const { refId } = await startOrder(stack(), portal, { mobile: '+41790001003' });
    const firstId = `msg_${refId.replaceAll('-', '')}_1`;
    const failed = await waitFor(
      async () => (await deliveriesOf(created.id)).find((d) => d.messageId === firstId),
      (d) => d?.state === 'failed',
      { timeoutMs: 20_000 },
    );
    expect(failed).toMatchObject({
      attempts: 4,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
      nextAttemptAt: null,
    });
    // The failure is recorded first, then the message goes to the dead-letter queue.
    const deadLettered = await waitFor(
      async () =>
        (stack().sqs.list()['webhook-dead-letters']?.messages ?? []).map((m) => JSON.parse(m.body).messageId),
      (ids) => ids.includes(firstId),
    );
    expect(deadLettered).toContain(firstId);

    // Redelivery starts over once the receiver is back.
    r.behaviours = [{ status: 200 }];
    const again = await call(stack(), 'POST', `/api/webhooks/${created.id}/deliveries/${firstId}/redeliver`, {
      token: portal,
    });
    expect(again.status).toBe(202);
    const delivered = await waitFor(
      async () => (await deliveriesOf(created.id)).find((d) => d.messageId === firstId),
      (d) => d?.state === 'delivered',
    );
    expect(delivered?.attempts).toBe(1);
  });

  it('delivers a status written by a function that died right after the write', async () => {
    const r = await receiver();
    const created = await register(r.url);
    const { refId } = await startOrder(stack(), portal, { mobile: '+41790001004' });
    await waitFor(
      () => statusesOf(stack(), portal, refId),
      (s) => s.length >= 2,
    );
    // The write is all that happens: no handler code after it, as if the function had died there.
    const order = await stack().repository.getOrder(refId);
    const result = applyEvent(
      order as never,
      { type: 'failed', source: 'service', reason: 'crash test' },
      new Date(),
    );
    if (result.outcome !== 'applied') throw new Error(result.outcome);
    await stack().repository.saveOrder(result.order);

    const failedId = `msg_${refId.replaceAll('-', '')}_${result.order.statuses.length}`;
    await waitFor(
      async () => r.received.find((m) => m.headers['webhook-id'] === failedId),
      (m) => m !== undefined,
    );
    const payload = verified(
      created.secret,
      r.received.find((m) => m.headers['webhook-id'] === failedId) as never,
    );
    expect(payload.data).toMatchObject({ refId, status: 'failed', reason: 'crash test' });
  });
});
