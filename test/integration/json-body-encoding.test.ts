/**
 * JSON bodies that are not UTF-8 (RFC 8259 §8.1). Found by probing the running stack: a body in
 * Latin-1 — as Python's http.client sends a str body, or a client that declares
 * `charset=iso-8859-1` — reached the handlers with each non-ASCII byte turned into U+FFFD, and was
 * taken: the verify call answered its uniform 404 for `sn=Müller` (the SP reads "not registered"
 * and identifies the person again), and the start call stored `state` with U+FFFD in place of the
 * letters. A declared charset other than UTF-8 is a 415 and a body with an undecodable byte a 400;
 * nothing is written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../support/problems.js';
import { expectProblem } from '../support/problems.js';
import { type ApiResponse, call, paperStartBody, tokenFor, useStack } from '../support/stack.js';

const stack = useStack({ rateLimits: false });
let token: string;
beforeAll(async () => {
  token = await tokenFor(stack());
});

/** POSTs these bytes as they are (fetch sends a Uint8Array unchanged). */
async function postBytes(
  path: string,
  bytes: Uint8Array,
  contentType: string,
): Promise<ApiResponse<Problem>> {
  const res = await fetch(`${stack().baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body: bytes,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Problem, text };
}

const latin1 = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value), 'latin1'));
const utf8 = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));

const VERIFY_REQUEST = {
  msisdn: '41791234567',
  claimedIdentity: 'test-client',
  assuranceLevel: 3,
  distinguishedName: 'gn=Hans, sn=Müller, c=CH',
};

async function ordersNow(): Promise<number> {
  const usage = await call<{ identifications: { started: number }[] }>(
    stack(),
    'GET',
    `/api/usage?month=${new Date().toISOString().slice(0, 7)}`,
    { token },
  );
  return usage.body.identifications.reduce((sum, row) => sum + row.started, 0);
}

describe('a JSON body that is not UTF-8', () => {
  it('is a 400 on the verify call, not the negative that says the person is not registered', async () => {
    const res = await postBytes('/api/verify', latin1(VERIFY_REQUEST), 'application/json');

    expectProblem(res, 400, 'malformed-json', 'Malformed JSON');
    expect(res.body.detail).toMatch(/UTF-8/);
  });

  it('is a 400 on the start call, opening no identification', async () => {
    const before = await ordersNow();

    const res = await postBytes(
      '/api/identifications',
      latin1(paperStartBody({ state: 'Bestellung Müller' })),
      'application/json',
    );

    expectProblem(res, 400, 'malformed-json', 'Malformed JSON');
    expect(await ordersNow()).toBe(before);
  });

  it('is a 415 when the request declares another charset, even for a body of ASCII bytes alone', async () => {
    for (const charset of ['iso-8859-1', 'windows-1252', 'utf-16']) {
      const res = await postBytes(
        '/api/verify',
        utf8({ ...VERIFY_REQUEST, distinguishedName: 'gn=Hans, sn=Muster' }),
        `application/json; charset=${charset}`,
      );

      expectProblem(res, 415, 'unsupported-media-type', 'Unsupported media type');
      expect(res.body.detail, charset).toMatch(/UTF-8/);
    }
  });

  it('still takes UTF-8, declared in any spelling or not at all, and a U+FFFD written as an escape', async () => {
    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
      'application/json; Charset=UTF8',
    ]) {
      const res = await postBytes('/api/verify', utf8(VERIFY_REQUEST), contentType);

      // Nobody is registered on this stack: the uniform negative, i.e. the request was read.
      expect(res.status, contentType).toBe(404);
    }
    const escaped = new TextEncoder().encode(
      JSON.stringify({ ...VERIFY_REQUEST, distinguishedName: 'gn=Hans, sn=M\\ufffdller' }).replace(
        '\\\\ufffd',
        '\\ufffd',
      ),
    );
    expect((await postBytes('/api/verify', escaped, 'application/json')).status).toBe(404);
  });

  it('takes a body declared US-ASCII, a subset of UTF-8, with its non-ASCII letters escaped', async () => {
    const ascii = JSON.stringify(VERIFY_REQUEST).replace('ü', '\\u00fc');
    expect(ascii).toMatch(/^[\x20-\x7e]+$/);
    const res = await postBytes(
      '/api/verify',
      new Uint8Array(Buffer.from(ascii, 'ascii')),
      'application/json; charset=US-ASCII',
    );

    // Nobody is registered on this stack: the uniform negative, i.e. the request was read.
    expect(res.status).toBe(404);
  });

  it('takes UTF-8 that begins with a byte order mark, which RFC 8259 §8.1 lets a reader ignore', async () => {
    // What Windows PowerShell 5.1 writes with -Encoding UTF8 and then sends with -InFile.
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(VERIFY_REQUEST)]);

    const res = await postBytes('/api/verify', withBom, 'application/json');

    // Nobody is registered on this stack: the uniform negative, i.e. the request was read.
    expect(res.status).toBe(404);
    expect(res.body.type).not.toMatch(/malformed-json/);
  });
});
