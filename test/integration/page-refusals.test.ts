/**
 * Every refusal a page gives goes through the one refusal path of the HTTP edge (one `request
 * refused` log line with the problem's type), even where the page answers in the order's language;
 * and a refusal never gets worse because that language could not be read: a throttled read of the
 * order leaves the refusal its status, in the browser's language.
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../local/faults.js';
import { evidenceFor, sendEvidence, termsLinksFromOutbox } from '../support/isp.js';
import { captureLogs, logRecords } from '../support/logs.js';
import { call, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';
import { PAPER_START_BODY } from '../support/white-paper.js';

/** DynamoDB throttles every request while `throttling` is on (the first variant of a fault), none otherwise. */
let throttling = false;
const faultLines: string[] = [];
const faults = new FaultInjector(
  { rate: 0.5, kinds: ['dynamodb'], seed: 1 },
  { random: () => (throttling ? 0 : 0.99), log: (line) => faultLines.push(line) },
);

const stack = useStack({ rateLimits: false, logLevel: 'INFO', faults });

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let mobileCounter = 0;
const nextMobile = () => `+4179${String(7_300_000 + ++mobileCounter).padStart(7, '0')}`;

const post = (path: string, body: string, headers: Record<string, string>) =>
  call<string>(stack(), 'POST', path, { body, headers });

/** The JSON lines one function wrote while `run` ran. */
async function linesOf(handler: string, run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written = await captureLogs(run);
  return logRecords(written, { jsonOnly: true }).filter(
    (line) => line.handler === handler || line.function_name === handler,
  );
}

describe('the method-choice page’s refusals at the edge', () => {
  it.each([
    [
      'a text/plain body',
      415,
      'unsupported-media-type',
      'method=test%40Test-ISP',
      { 'content-type': 'text/plain' },
    ],
    ['a body over the form’s limit', 413, 'payload-too-large', `method=${'a'.repeat(8 * 1024)}`, FORM],
    [
      'a cross-site Origin',
      403,
      'forbidden',
      'method=test%40Test-ISP',
      { ...FORM, origin: 'https://evil.example' },
    ],
  ])(
    'are refused by the wrapper, one `request refused` line with the type, the page in the order’s language: %s',
    async (_, status, slug, body, headers) => {
      const token = await tokenFor(stack());
      const started = await call<{ targetURL: string }>(stack(), 'POST', '/api/identifications', {
        token,
        json: { ...PAPER_START_BODY, mobile: nextMobile(), language: 'it' },
      });
      expect(started.status, started.text).toBe(201);
      const path = started.body.targetURL.replace(stack().baseUrl, '');

      let res: Awaited<ReturnType<typeof post>> | undefined;
      const lines = await linesOf('method-choice-page', async () => {
        res = await post(path, body, { ...headers, 'accept-language': 'de' });
      });

      expect(res?.status).toBe(status);
      expect(res?.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res?.headers.get('content-language')).toBe('it');
      expect(res?.text).toMatch(/^<!doctype html>\n<html lang="it">/);
      expect(res?.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(lines.map((l) => [l.message, l.status, l.problem])).toEqual([
        ['request refused', status, `https://smart-registration.example/problems/${slug}`],
      ]);
    },
  );
});

describe('a terms page refusal while the order cannot be read', () => {
  it.each([
    ['a text/plain body (the edge’s 415)', 415, 'accept=yes', { 'content-type': 'text/plain' }],
    ['a form that does not accept (the page’s 400)', 400, 'accept=no', FORM],
  ])('keeps its status and speaks the browser’s language: %s', async (_, status, body, headers) => {
    const token = await tokenFor(stack());
    const mobile = nextMobile();
    const { refId } = await startOrder(stack(), token, { mobile, language: 'it' });
    expect((await sendEvidence(stack(), refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
    const [link] = await waitFor(
      async () => termsLinksFromOutbox(stack(), mobile),
      (links) => links.length === 1,
    );
    const path = new URL(link as string).pathname;
    const browser = { ...headers, 'accept-language': 'de-CH, de;q=0.9' };
    // Readable: the order's language.
    const readable = await post(path, body, browser);
    expect(readable.status).toBe(status);
    expect(readable.text).toContain('<html lang="it">');

    throttling = true;
    faultLines.length = 0;
    const throttled = await post(path, body, browser).finally(() => {
      throttling = false;
    });

    expect(faultLines).toContain('[fault] injected dynamodb ProvisionedThroughputExceededException');
    expect(throttled.status).toBe(status);
    expect(throttled.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(throttled.text).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(throttled.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Nothing was recorded, and the link still works.
    expect((await call(stack(), 'GET', path)).status).toBe(200);
  });
});

describe('a method a page path does not have (ADR 0024)', () => {
  const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it('is a 405 page with Allow in the browser’s language, refused by the page’s function before its body rule', async () => {
    let res: Awaited<ReturnType<typeof post>> | undefined;
    const lines = await linesOf('terms-page', async () => {
      res = await call<string>(stack(), 'PUT', '/terms/some-link-token', {
        body: 'accept=yes',
        headers: { 'content-type': 'text/plain', accept: FIREFOX, 'accept-language': 'fr-CH, fr;q=0.9' },
      });
    });

    expect(res?.status).toBe(405);
    expect(res?.headers.get('allow')).toBe('GET, POST');
    expect(res?.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res?.text).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(res?.text).toContain('<h1>Cette page ne peut pas être utilisée ainsi</h1>');
    expect(res?.text).not.toContain('some-link-token');
    expect(res?.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res?.headers.get('x-frame-options')).toBe('DENY');
    expect(res?.headers.get('cache-control')).toBe('no-store');
    expect(lines.map((l) => [l.message, l.method, l.route, l.status, l.problem])).toEqual([
      [
        'request refused',
        'PUT',
        '/terms/{token}',
        405,
        'https://smart-registration.example/problems/method-not-allowed',
      ],
    ]);
  });

  it.each([
    ['POST', '/demo-portal/status', 'GET'],
    ['DELETE', '/demo-portal', 'GET, POST'],
    ['PATCH', '/method-choice/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10?token=x', 'GET, POST'],
    ['PUT', '/test-isp/orders/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10', 'GET, POST'],
  ])('%s %s: a 405 page, Allow %s, nothing else done', async (method, path, allow) => {
    const res = await call<string>(stack(), method, path, {
      body: 'signer=x',
      headers: { ...FORM, accept: FIREFOX, 'accept-language': 'de' },
    });

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.text).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(res.text).toContain('<h1>Diese Seite kann so nicht verwendet werden</h1>');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('location')).toBeNull();
  });

  it('is problem+json with Allow to a program that asks for JSON', async () => {
    const res = await call<string>(stack(), 'DELETE', '/terms/some-link-token', {
      headers: { accept: 'application/json' },
    });

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(res.text)).toMatchObject({
      type: 'https://smart-registration.example/problems/method-not-allowed',
      status: 405,
    });
  });

  it('stays the gateway’s problem+json, byte for byte, on an API path, whatever a browser asks', async () => {
    const res = await call<string>(stack(), 'DELETE', '/api/verify', {
      headers: { accept: FIREFOX, 'accept-language': 'de' },
    });

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.text).toBe(
      '{"type":"https://smart-registration.example/problems/method-not-allowed","title":"Method not allowed","status":405,"detail":"This path does not support this method; the Allow header lists those it does."}',
    );
  });
});

describe('a path below the pages that no route has: a link cut short or with an extra segment (ADR 0027)', () => {
  const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const REF_ID = '6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10';
  const NOT_FOUND_PAGE = {
    de: '<h1>Seite nicht gefunden</h1>',
    fr: '<h1>Page introuvable</h1>',
    it: '<h1>Pagina non trovata</h1>',
    en: '<h1>Page not found</h1>',
  } as const;

  it('is a 404 page in the browser’s language, refused by the page’s function before its handler', async () => {
    let res: Awaited<ReturnType<typeof post>> | undefined;
    const lines = await linesOf('terms-page', async () => {
      res = await call<string>(stack(), 'GET', '/terms/some-link-token/extra', {
        headers: { accept: FIREFOX, 'accept-language': 'fr-CH, fr;q=0.9' },
      });
    });

    expect(res?.status).toBe(404);
    expect(res?.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res?.headers.get('content-language')).toBe('fr');
    expect(res?.text).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(res?.text).toContain(NOT_FOUND_PAGE.fr);
    expect(res?.text).not.toContain('some-link-token');
    expect(res?.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res?.headers.get('cache-control')).toBe('no-store');
    expect(res?.headers.get('allow')).toBeNull();
    expect(lines.map((l) => [l.message, l.method, l.route, l.status, l.problem])).toEqual([
      [
        'request refused',
        'GET',
        '/terms/{token}/{proxy+}',
        404,
        'https://smart-registration.example/problems/not-found',
      ],
    ]);
  });

  it.each([
    ['GET', '/terms', 'de'],
    ['GET', '/terms/', 'it'],
    ['POST', '/terms/some-link-token/accept', 'en'],
    ['GET', '/method-choice', 'fr'],
    ['GET', `/method-choice/${REF_ID}/extra`, 'de'],
    ['POST', `/method-choice/${REF_ID}/extra/more`, 'it'],
    ['GET', '/test-isp/orders/', 'en'],
    ['GET', `/test-isp/orders/${REF_ID}/x`, 'de'],
    ['GET', '/demo-portal/nothing/here', 'fr'],
    ['GET', '/demo-portal/methods/x', 'it'],
    ['PUT', '/demo-portal/status/x', 'de'],
  ] as const)('%s %s: a 404 page in %s, nothing else done', async (method, path, language) => {
    const res = await call<string>(stack(), method, path, {
      body: method === 'GET' ? undefined : 'accept=yes&method=test%40Test-ISP',
      headers: { ...FORM, accept: FIREFOX, 'accept-language': language },
    });

    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-language')).toBe(language);
    expect(res.text).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${language}">`));
    expect(res.text).toContain(NOT_FOUND_PAGE[language]);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('location')).toBeNull();
  });

  it('is not a link with a trailing slash: that is the terms page of the link, as API Gateway routes it', async () => {
    let res: Awaited<ReturnType<typeof post>> | undefined;
    const lines = await linesOf('terms-page', async () => {
      res = await call<string>(stack(), 'GET', '/terms/some-link-token/', {
        headers: { accept: FIREFOX, 'accept-language': 'it' },
      });
    });

    // The page's own answer to a link it does not know, not the 404 of a path no route has.
    expect(res?.status).toBe(404);
    expect(res?.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(lines.map((l) => [l.message, l.route, l.status])).toEqual([
      ['request handled', '/terms/{token}', 404],
    ]);
  });

  it('is problem+json to a program that asks for JSON', async () => {
    const res = await call<string>(stack(), 'GET', '/terms/some-link-token/extra', {
      headers: { accept: 'application/json' },
    });

    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(res.text)).toMatchObject({
      type: 'https://smart-registration.example/problems/not-found',
      title: 'Not found',
      status: 404,
    });
  });

  it.each([['/api/nothing-here'], ['/test-isp/nothing'], ['/terms-and-more']])(
    'stays the gateway’s problem+json, byte for byte, off the pages (%s), whatever a browser asks',
    async (path) => {
      const res = await call<string>(stack(), 'GET', path, {
        headers: { accept: FIREFOX, 'accept-language': 'de' },
      });

      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.text).toBe(
        '{"type":"https://smart-registration.example/problems/not-found","title":"Not found","status":404,"detail":"There is no route for this method and path."}',
      );
    },
  );

  it('answers a path that is not valid percent-encoding with the gateway’s 400, as API Gateway does before any function', async () => {
    for (const path of ['/terms/%zz', '/terms/some-link-token/%E0%A4%A']) {
      const res = await call<string>(stack(), 'GET', path, {
        headers: { accept: FIREFOX, 'accept-language': 'de' },
      });

      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toBe('application/problem+json');
      expect(JSON.parse(res.text), path).toMatchObject({ status: 400, title: 'Invalid request' });
    }
  });
});
