/**
 * A person never gets JSON on a page meant for a person: every refusal at the edge of a page route
 * (a form too large, in another media type or encoding, from another site) is an HTML page with
 * the same status, the pages' security headers and the person's language, and changes nothing.
 * API routes keep problem+json, byte for byte, and so does a program that asks for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call, startOrder, statusesOf, tokenFor, useStack } from '../support/stack.js';
import { waitingForTerms } from '../support/terms.js';
import { PAPER_START_BODY } from '../support/white-paper.js';

const stack = useStack({ rateLimits: false });
let token: string;
beforeAll(async () => {
  token = await tokenFor(stack());
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** Larger than every page's form limit (the largest, the Test-ISP's, is 16 KiB), with markup in it. */
const OVERSIZE_FORM = `accept=yes&pseudonym=${encodeURIComponent('<script>alert(1)</script>')}${'a'.repeat(20 * 1024)}`;

let mobileCounter = 0;
const nextMobile = () => `+4179${String(7_100_000 + ++mobileCounter).padStart(7, '0')}`;

/** The refusals a form post can meet at the edge, with the status each answers. */
const EDGE_REFUSALS: [name: string, status: number, body: string, headers: Record<string, string>][] = [
  ['a body over the form’s limit', 413, OVERSIZE_FORM, FORM],
  ['a text/plain body', 415, 'accept=yes', { 'content-type': 'text/plain' }],
  ['a JSON body', 415, '{"accept":"yes"}', { 'content-type': 'application/json' }],
  ['no Content-Type', 415, 'accept=yes', {}],
  ['a gzip Content-Encoding', 415, 'accept=yes', { ...FORM, 'content-encoding': 'gzip' }],
  ['a cross-site Origin', 403, 'accept=yes', { ...FORM, origin: 'https://evil.example' }],
];

const post = (path: string, body: string, headers: Record<string, string>) =>
  call<string>(stack(), 'POST', path, { body, headers });

/** An HTML error page: the status, text/html, the language, a heading, the pages' security headers. */
function expectHtmlErrorPage(res: ApiResponse<string>, status: number, language: string) {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.text).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${language}">`));
  expect(res.text).toMatch(/<h1>[^<]+<\/h1>/);
  expect(res.text).not.toContain('<form');
  // Nothing the request carried comes back (the oversize body holds a script).
  expect(res.text).not.toContain('<script');
  expect(res.text).not.toContain('alert(1)');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('cache-control')).toBe('no-store');
}

describe('the terms page (the SMS link)', () => {
  /** An order waiting for the terms (support/terms.ts): its link's path. */
  async function awaitingTerms(language: string) {
    const { refId, link } = await waitingForTerms(stack(), token, nextMobile(), { language });
    return { refId, path: new URL(link).pathname };
  }

  async function expectNothingRecorded(refId: string, path: string) {
    expect((await stack().repository.getOrder(refId))?.acceptance).toBeUndefined();
    expect((await call(stack(), 'GET', path)).status).toBe(200);
  }

  it.each(EDGE_REFUSALS)(
    'answers %s with an HTML page (%i) in the order’s language and records nothing',
    async (_, status, body, headers) => {
      const { refId, path } = await awaitingTerms('it');

      const res = await post(path, body, headers);

      expectHtmlErrorPage(res, status, 'it');
      // The link's secret is not on the page.
      expect(res.text).not.toContain(path.split('/').pop());
      await expectNothingRecorded(refId, path);
    },
  );

  it('speaks the page’s lang parameter first, else the order’s language, else the browser’s', async () => {
    const { refId, path } = await awaitingTerms('it');
    const german = { 'accept-language': 'rm-CH, de-CH;q=0.9, en;q=0.5' };

    const french = await post(`${path}?lang=fr`, 'accept=yes', { 'content-type': 'text/plain', ...german });
    const italian = await post(path, OVERSIZE_FORM, { ...FORM, ...german });
    const noLink = await post('/terms/not-a-link', 'accept=yes', { 'content-type': 'text/plain', ...german });

    expectHtmlErrorPage(french, 415, 'fr');
    expect(french.text).toContain('<h1>Le formulaire n’a pas pu être lu</h1>');
    expect(french.headers.get('content-language')).toBe('fr');
    expectHtmlErrorPage(italian, 413, 'it');
    expect(italian.text).toContain('<h1>Il modulo è troppo grande</h1>');
    expectHtmlErrorPage(noLink, 415, 'de');
    expect(noLink.text).toContain('<h1>Das Formular konnte nicht gelesen werden</h1>');
    await expectNothingRecorded(refId, path);
  });

  it('says a link was used in the order’s language', async () => {
    const { path } = await awaitingTerms('de');
    expect((await post(path, 'accept=yes', FORM)).status).toBe(200);

    const again = await call<string>(stack(), 'GET', path);

    expect(again.status).toBe(410);
    expect(again.text).toContain('<html lang="de">');
  });

  it('answers problem+json to a program that asks for it', async () => {
    const { refId, path } = await awaitingTerms('en');

    const res = await post(path, 'accept=yes', {
      'content-type': 'text/plain',
      accept: 'application/problem+json',
    });

    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(res.text)).toMatchObject({
      type: 'https://smart-registration.example/problems/unsupported-media-type',
      status: 415,
    });
    await expectNothingRecorded(refId, path);
  });
});

describe('the method-choice page', () => {
  interface Started {
    refId: string;
    targetURL: string;
  }
  async function startWithoutMethod(language: string): Promise<Started & { path: string }> {
    const res = await call<Started>(stack(), 'POST', '/api/identifications', {
      token,
      json: { ...PAPER_START_BODY, mobile: nextMobile(), language },
    });
    expect(res.status, res.text).toBe(201);
    return { ...res.body, path: res.body.targetURL.replace(stack().baseUrl, '') };
  }
  it.each(
    EDGE_REFUSALS.map(
      ([name, status, , headers]) => [name, status, 'method=test%40Test-ISP', headers] as const,
    ),
  )(
    'answers %s with an HTML page (%i) in the order’s language and changes nothing',
    async (_, status, body, headers) => {
      const started = await startWithoutMethod('it');
      const before = await statusesOf(stack(), token, started.refId);

      const res = await post(
        started.path,
        status === 413 ? `${body}&x=${'a'.repeat(8 * 1024)}` : body,
        headers,
      );

      expectHtmlErrorPage(res, status, 'it');
      expect(res.text).not.toContain(new URL(started.targetURL).searchParams.get('token'));
      expect(await statusesOf(stack(), token, started.refId)).toEqual(before);
      // The person can still choose.
      expect((await post(started.path, 'method=test%40Test-ISP', FORM)).status).toBe(303);
    },
  );
});

describe('the Test-ISP simulator', () => {
  const stateOf = async (refId: string) =>
    (
      await call<{ statuses: { status: string }[] }>(stack(), 'GET', `/api/identifications/${refId}`, {
        token,
      })
    ).body.statuses;

  it.each(EDGE_REFUSALS.filter(([, status]) => status !== 403))(
    'answers %s on its form with an HTML page (%i) and changes nothing',
    async (_, status, body, headers) => {
      const { refId } = await startOrder(stack(), token, { mobile: nextMobile() });
      const before = await stateOf(refId);

      const res = await post(`/test-isp/orders/${refId}`, body, {
        ...headers,
        'accept-language': 'fr-CH,fr',
      });

      expectHtmlErrorPage(res, status, 'fr');
      expect(await stateOf(refId)).toEqual(before);
    },
  );

  it('keeps problem+json on its JSON API, which the same function serves', async () => {
    const { refId } = await startOrder(stack(), token, { mobile: nextMobile() });

    const res = await post(`/test-isp/api/orders/${refId}`, '{"status":"data-ready"}', {
      'content-type': 'text/plain',
      'accept-language': 'de',
    });

    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.text).toBe(
      `{"type":"https://smart-registration.example/problems/unsupported-media-type","title":"Unsupported media type","status":415,"detail":"Send the body as application/json.","instance":"/test-isp/api/orders/${refId}"}`,
    );
  });
});

describe('API routes', () => {
  it('keep problem+json byte for byte, whatever the browser headers say', async () => {
    const res = await post('/api/verify', 'x', {
      'content-type': 'text/plain',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-language': 'de-CH',
    });

    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.text).toBe(
      '{"type":"https://smart-registration.example/problems/unsupported-media-type","title":"Unsupported media type","status":415,"detail":"Send the body as application/json.","instance":"/api/verify"}',
    );
  });
});

describe('the demo portal', () => {
  it.each(EDGE_REFUSALS.filter(([, status]) => status !== 403))(
    'answers %s on its signer form with an HTML page (%i) and starts no journey',
    async (_, status, body, headers) => {
      const res = await post('/demo-portal', body, { ...headers, 'accept-language': 'de' });

      expectHtmlErrorPage(res, status, 'de');
      expect(res.headers.get('set-cookie')).toBeNull();
    },
  );
});
