/**
 * The webhook rules in the pure core: which URLs and addresses are allowed per stage, which events
 * an order write yields, the retry schedule, the secrets that sign — and our signatures checked by
 * the Standard Webhooks reference library.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookSignature } from '../../lambdas/adapters/webhook-http.js';
import type { StatusEntry } from '../../lambdas/core/order.js';
import { addressAllowed, checkEndpointUrl, urlPolicyOf } from '../../lambdas/core/webhook-address.js';
import { afterAttempt, parseRetryDelays } from '../../lambdas/core/webhook-retries.js';
import { newStatusEvents, signingSecrets, type WebhookDelivery } from '../../lambdas/core/webhooks.js';

const aws = urlPolicyOf('prod');
const local = urlPolicyOf('local');

describe('endpoint URLs', () => {
  it.each([
    ['https://sp.example/hooks', true, true],
    ['https://sp.example:8443/hooks?x=1', true, true],
    ['http://sp.example/hooks', false, false],
    ['http://127.0.0.1:8765/hooks', false, true],
    ['http://[::1]:8765/hooks', false, true],
    ['http://localhost:8765/hooks', false, false],
    ['http://10.0.0.1/hooks', false, false],
    ['https://localhost/hooks', false, false],
    ['https://metadata.google.internal/', false, false],
    ['https://intranet/hooks', false, false],
    ['https://user:pw@sp.example/', false, false],
    ['https://sp.example/#frag', false, false],
    ['https://sp.example:0/hooks', false, false],
    ['https://sp.exa\tmple/hooks', false, false],
    [' https://sp.example/hooks', false, false],
    ['https://sp.example/hooks\n', false, false],
    ['https://sp.example/a b', false, false],
    ['https://sp.example/hooks\u0000', false, false],
    ['http://127.0.0.1:0/hooks', false, false],
    ['javascript:alert(1)', false, false],
    ['', false, false],
  ])('%s: AWS stage %s, local stage %s', (url, onAws, onLocal) => {
    expect(checkEndpointUrl(url, aws).ok).toBe(onAws);
    expect(checkEndpointUrl(url, local).ok).toBe(onLocal);
  });
});

describe('addresses', () => {
  it.each([
    ['93.184.216.34', true],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['127.255.0.9', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['172.32.0.1', true],
    ['192.168.0.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00:ec2::254', false],
    ['fc00::1', false],
    ['ff02::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:93.184.216.34', true],
    ['64:ff9b::a9fe:a9fe', false],
    ['2002:a9fe:a9fe::1', false],
    ['2001:db8::1', false],
    // IPv4-translated (RFC 2765), its public form allowed; deprecated site-local fec0::/10.
    ['::ffff:0:7f00:1', false],
    ['::ffff:0:a9fe:a9fe', false],
    ['::ffff:0:5db8:d822', true],
    ['fec0::1', false],
    ['not-an-address', false],
  ])('%s allowed on AWS: %s', (ip, allowed) => {
    expect(addressAllowed(ip, aws)).toBe(allowed);
  });

  it('allows the loopback address on the local stage only, and nothing else private', () => {
    expect(addressAllowed('127.0.0.1', local)).toBe(true);
    expect(addressAllowed('::1', local)).toBe(true);
    expect(addressAllowed('169.254.169.254', local)).toBe(false);
    expect(addressAllowed('10.0.0.1', local)).toBe(false);
  });

  it('an AWS stage deployed on an emulator may call receivers on 127.0.0.1, and nothing else private', () => {
    const emulator = urlPolicyOf('dev', true);
    expect(checkEndpointUrl('http://127.0.0.1:8765/hooks', emulator).ok).toBe(true);
    expect(addressAllowed('127.0.0.1', emulator)).toBe(true);
    expect(addressAllowed('169.254.169.254', emulator)).toBe(false);
    expect(addressAllowed('10.0.0.1', emulator)).toBe(false);
    expect(checkEndpointUrl('http://127.0.0.1:8765/hooks', urlPolicyOf('dev')).ok).toBe(false);
  });
});

const entry = (status: StatusEntry['status']): StatusEntry => ({
  status,
  date: '2026-11-29T10:00:00.000Z',
  reason: null,
  kind: null,
});
const REF = '5c327977-a154-4747-b99d-c0733f7007c5';

describe('events of an order write', () => {
  it('a new order yields each status it has, numbered from 1', () => {
    const events = newStatusEvents(undefined, {
      refId: REF,
      clientId: 'demo-portal',
      statuses: [entry('created'), entry('initialized')],
    });
    expect(events.map((e) => [e.messageId, e.sequence, e.entry.status])).toEqual([
      ['msg_5c327977a1544747b99dc0733f7007c5_1', 1, 'created'],
      ['msg_5c327977a1544747b99dc0733f7007c5_2', 2, 'initialized'],
    ]);
  });

  it('a transition yields only the statuses the history gained; a write without one yields none', () => {
    const before = { statuses: [entry('created'), entry('initialized')] };
    const after = { refId: REF, clientId: 'demo-portal', statuses: [...before.statuses, entry('done')] };
    expect(newStatusEvents(before, after).map((e) => [e.messageId, e.entry.status])).toEqual([
      ['msg_5c327977a1544747b99dc0733f7007c5_3', 'done'],
    ]);
    expect(newStatusEvents(after, after)).toEqual([]);
  });
});

describe('retries', () => {
  const delivery = (attempts: number): WebhookDelivery => ({
    messageId: 'msg_x_1',
    endpointId: 'e',
    clientId: 'c',
    refId: REF,
    sequence: 1,
    type: 'identification.status-changed',
    payload: '{}',
    createdAt: '2026-11-29T10:00:00.000Z',
    state: 'pending',
    attempts,
    nextAttemptAt: '2026-11-29T10:00:00.000Z',
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    deliveredAt: null,
  });
  const now = new Date('2026-11-29T12:00:00.000Z');
  const failed = { ok: false as const, statusCode: 500, error: 'HTTP 500' };

  it('schedules the next attempt after the delay of the attempts made so far', () => {
    const schedule = parseRetryDelays(undefined);
    expect(afterAttempt(delivery(1), failed, now, schedule).nextAttemptAt).toBe('2026-11-29T12:00:05.000Z');
    expect(afterAttempt(delivery(2), failed, now, schedule).nextAttemptAt).toBe('2026-11-29T12:05:00.000Z');
    expect(afterAttempt(delivery(4), failed, now, schedule).nextAttemptAt).toBe('2026-11-29T14:00:00.000Z');
    expect(afterAttempt(delivery(7), failed, now, schedule)).toMatchObject({
      state: 'pending',
      nextAttemptAt: '2026-11-29T22:00:00.000Z',
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    });
  });

  it('fails for good after the eighth attempt: about 27 hours after the first', () => {
    const schedule = parseRetryDelays(undefined);
    expect(schedule.reduce((a, b) => a + b, 0)).toBe(99_305);
    expect(afterAttempt(delivery(8), failed, now, schedule)).toMatchObject({
      state: 'failed',
      nextAttemptAt: null,
    });
  });

  it('a 2xx is delivered, with nothing left to do', () => {
    expect(afterAttempt(delivery(3), { ok: true, statusCode: 204 }, now, [5])).toMatchObject({
      state: 'delivered',
      deliveredAt: '2026-11-29T12:00:00.000Z',
      nextAttemptAt: null,
      lastError: null,
    });
  });

  it('reads a short schedule from the environment and refuses a bad one', () => {
    expect(parseRetryDelays('1, 2,0')).toEqual([1, 2, 0]);
    expect(() => parseRetryDelays('1,x')).toThrow(/WEBHOOK_RETRY_DELAYS/);
    expect(() => parseRetryDelays('-1')).toThrow(/WEBHOOK_RETRY_DELAYS/);
    expect(() => parseRetryDelays('1.5')).toThrow(/WEBHOOK_RETRY_DELAYS/);
  });
});

describe('signing', () => {
  const current = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
  const previous = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;

  it('a replaced secret signs until it expires', () => {
    const endpoint = {
      secrets: [
        { secret: current, createdAt: '2026-11-29T10:00:00.000Z' },
        { secret: previous, createdAt: '2026-11-01T10:00:00.000Z', expiresAt: '2026-11-30T10:00:00.000Z' },
      ],
    };
    expect(signingSecrets(endpoint, new Date('2026-11-30T09:59:59.000Z'))).toEqual([current, previous]);
    expect(signingSecrets(endpoint, new Date('2026-11-30T10:00:00.000Z'))).toEqual([current]);
  });

  it('our signature verifies with the Standard Webhooks library, and a changed body does not', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"type":"webhook.test"}';
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature([current, previous], 'msg_1', timestamp, body),
    };
    expect(new Webhook(current).verify(body, headers)).toEqual({ type: 'webhook.test' });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ type: 'webhook.test' });
    expect(() => new Webhook(current).verify('{"type":"webhook.tesT"}', headers)).toThrow();
  });
});
