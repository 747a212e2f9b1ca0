/**
 * A JSON body that names one member twice, on every API route that reads JSON. JSON.parse keeps the
 * last value, other parsers (a WAF, an SP's logging proxy, another service's reader) the first: the
 * request one of them judged is not the one the other carried out. Found by probing the running
 * stack: `{"msisdn":"<registered>", …, "msisdn":"<other>"}` was verified for the second number, and
 * `{"url":A,"url":B}` registered B. Refused with a 400 naming the member, as a query parameter or a
 * header given twice is, and as a partner's signed message naming a member twice is
 * (core/json-members.ts); nothing is written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../support/problems.js';
import { expectProblem } from '../support/problems.js';
import { type ApiResponse, call, paperStartBody, statusesOf, tokenFor, useStack } from '../support/stack.js';

const stack = useStack({ rateLimits: false });
let token: string;
beforeAll(async () => {
  token = await tokenFor(stack());
});

/** The JSON text of `body` with `extra` (already JSON members) added after its last member. */
const withMembers = (body: Record<string, unknown>, extra: string): string =>
  `${JSON.stringify(body).slice(0, -1)},${extra}}`;

const post = (path: string, text: string, headers: Record<string, string> = {}) =>
  call<Problem>(stack(), 'POST', path, {
    body: text,
    headers: { 'content-type': 'application/json', ...headers },
    token,
  });

function expectRepeated(res: ApiResponse<Problem>, field: string) {
  expectProblem(res, 400, 'validation', 'Invalid request');
  expect(res.body.errors).toEqual([{ field, message: 'Given more than once.' }]);
}

describe('a JSON body naming a member twice', () => {
  it('is refused by the verify call with a 400 naming the member, not verified for either value', async () => {
    const request = {
      msisdn: '41791234567',
      claimedIdentity: 'test-client',
      assuranceLevel: 3,
      distinguishedName: 'gn=Hans, sn=Muster, c=CH',
    };

    const res = await post('/api/verify', withMembers(request, '"msisdn":"41790000000"'));

    expectRepeated(res, 'msisdn');
  });

  it('is refused by the start call with a 400 naming the member, opening no identification and keeping the Idempotency-Key free', async () => {
    const key = `repeated-${Date.now()}`;
    const body = paperStartBody();

    const twice = await post('/api/identifications', withMembers(body, '"lastName":"Evil"'), {
      'idempotency-key': key,
    });
    const retried = await post('/api/identifications', JSON.stringify(body), { 'idempotency-key': key });

    expectRepeated(twice, 'lastName');
    // The key was not taken by the refused request: the corrected one under it opens the order.
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('names a member repeated inside a nested object by its path', async () => {
    const started = await post(
      '/api/identifications',
      JSON.stringify(paperStartBody({ issuer: 'Test-ISP', method: 'test' })),
    );
    const { refId } = started.body as unknown as { refId: string };
    const before = await statusesOf(stack(), token, refId);

    const res = await call<Problem>(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
      body: '{"status":"data-ready","person":{"lastName":"Muster","lastName":"Evil"}}',
      headers: { 'content-type': 'application/json' },
    });

    expectRepeated(res, 'person.lastName');
    expect(await statusesOf(stack(), token, refId)).toEqual(before);
  });

  it('is refused by the webhook registration with a 400 naming the member, registering neither URL', async () => {
    const res = await post(
      '/api/webhooks',
      '{"url":"http://127.0.0.1:9/first","url":"http://127.0.0.1:9/second"}',
    );
    const listed = await call<{ url: string }[]>(stack(), 'GET', '/api/webhooks', { token });

    expectRepeated(res, 'url');
    expect(listed.body.map((w) => w.url)).not.toContain('http://127.0.0.1:9/second');
    expect(listed.body.map((w) => w.url)).not.toContain('http://127.0.0.1:9/first');
  });

  it('counts a name spelt with an escape as the same name', async () => {
    const res = await post(
      '/api/webhooks',
      '{"url":"http://127.0.0.1:9/a","\\u0075rl":"http://127.0.0.1:9/b"}',
    );

    expectRepeated(res, 'url');
  });

  it('still takes one name in two different objects', async () => {
    const started = await post(
      '/api/identifications',
      JSON.stringify(paperStartBody({ issuer: 'Test-ISP', method: 'test' })),
    );
    const { refId } = started.body as unknown as { refId: string };

    const res = await call(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
      body: '{"status":"waiting-for-doc","person":{"status":"x"}}',
      headers: { 'content-type': 'application/json' },
    });

    // `status` once at the top and once inside `person` is no repetition: the schema judges it.
    expect((res.body as Problem).errors).not.toContainEqual({
      field: 'status',
      message: 'Given more than once.',
    });
  });
});
