/**
 * Errors on page routes: a fault on our side (500, 503) is an HTML page too, with its reference and
 * nothing of the error; the route's kind in the route table decides, not the function; the
 * browser's Accept-Language picks among the service's languages.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../lambdas/adapters/logger.js';
import { preferredLanguage } from '../../lambdas/core/languages.js';
import { Problem } from '../../lambdas/core/problems.js';
import { prefersProblemJson } from '../../lambdas/http/accept.js';
import { httpHandler } from '../../lambdas/http/handler.js';
import {
  asksForProblemJson,
  pageErrorAnswer,
  refuseUnroutedRequest,
  withPageLanguage,
} from '../../lambdas/http/page-error-answer.js';
import {
  allowedMethods,
  isPageRoute,
  pageFallbackResources,
  pagePathFunctions,
  ROUTES,
} from '../../lambdas/routes.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { proxyEvent } from '../support/lambda-events.js';
import { captureLogs, logRecords } from '../support/logs.js';

const context = lambdaContext('test-function', 'aws-request-1', 10_000);
beforeAll(() => logger.setLogLevel('SILENT'));

const failing = httpHandler(
  'test',
  async () => {
    throw new TypeError('cannot read +41791234567 of <b>Hans</b>');
  },
  { pageErrors: pageErrorAnswer },
);
const termsPost = proxyEvent({
  resource: '/terms/{token}',
  path: '/terms/secret-link-token',
  httpMethod: 'POST',
  headers: { 'accept-language': 'fr-CH, fr;q=0.9' },
});

describe('a page function’s faults', () => {
  it('answer a 500 HTML page in the person’s language with the reference, without the error', async () => {
    let result: Awaited<ReturnType<typeof failing>> | undefined;
    await captureLogs(async () => {
      result = await failing(termsPost, context);
    });

    expect(result?.statusCode).toBe(500);
    expect(result?.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(result?.headers?.['Content-Security-Policy']).toContain("default-src 'none'");
    expect(result?.body).toContain('<html lang="fr">');
    expect(result?.body).toContain('<h1>Une erreur s’est produite</h1>');
    expect(result?.body).toContain('Référence: <span class="url">req-123</span>');
    expect(result?.body).not.toContain('41791234567');
    expect(result?.body).not.toContain('Hans');
    expect(result?.body).not.toContain('secret-link-token');
  });

  it('answer AWS throttling with a 503 page that keeps Retry-After', async () => {
    const throttled = httpHandler(
      'test',
      async () => {
        throw new ProvisionedThroughputExceededException({ message: 'too fast', $metadata: {} });
      },
      { pageErrors: pageErrorAnswer },
    );

    let result: Awaited<ReturnType<typeof throttled>> | undefined;
    await captureLogs(async () => {
      result = await throttled(proxyEvent({ ...termsPost, headers: {} }), context);
    });

    expect(result?.statusCode).toBe(503);
    expect(result?.headers?.['Retry-After']).toBe('1');
    expect(result?.body).toContain('<html lang="en">');
    expect(result?.body).toContain('<h1>Service temporarily unavailable</h1>');
  });

  it('stay problem+json on an API route of the same function (the route table decides)', async () => {
    let result: Awaited<ReturnType<typeof failing>> | undefined;
    await captureLogs(async () => {
      result = await failing(
        proxyEvent({ resource: '/test-isp/api/orders/{refId}', path: '/test-isp/api/orders/x' }),
        context,
      );
    });

    expect(result?.statusCode).toBe(500);
    expect(result?.headers?.['Content-Type']).toBe('application/problem+json');
  });
});

describe('the route table', () => {
  it('marks exactly the person’s pages as pages', () => {
    const pages = ROUTES.filter((r) => isPageRoute(r.method, r.path)).map((r) => `${r.method} ${r.path}`);

    expect(pages).toEqual([
      'GET /method-choice/{refId}',
      'POST /method-choice/{refId}',
      'GET /terms/{token}',
      'POST /terms/{token}',
      'GET /test-isp/orders/{refId}',
      'POST /test-isp/orders/{refId}',
      'GET /demo-portal',
      'POST /demo-portal',
      'GET /demo-portal/methods',
      'POST /demo-portal/methods',
      'GET /demo-portal/status',
      'GET /demo-portal/ready',
    ]);
  });
});

describe('a page path’s methods (ADR 0024)', () => {
  it('include GET on every page path: the check lets a GET through without reading the route table', () => {
    const pagePaths = [...pagePathFunctions(ROUTES).keys()];

    expect(pagePaths.length).toBeGreaterThan(0);
    for (const path of pagePaths) expect(allowedMethods(path), path).toContain('GET');
  });

  it('are served by one function per page path, or the stacks refuse to build', () => {
    const page = { auth: { type: 'none' }, summary: 'a page', kind: 'page' } as const;

    expect(() =>
      pagePathFunctions([
        { ...page, method: 'GET', path: '/p', handler: 'one' },
        { ...page, method: 'POST', path: '/p', handler: 'two' },
      ]),
    ).toThrow('The page path /p is served by one and two; a page path has one function');
  });

  it.each([
    ['GET', '/terms/{token}', undefined],
    ['POST', '/terms/{token}', undefined],
    ['POST', '/test-isp/api/orders/{refId}', undefined],
    ['GET', '/demo-portal/status', undefined],
    ['PUT', '/terms/{token}', 'GET, POST'],
    ['HEAD', '/terms/{token}', 'GET, POST'],
    ['POST', '/demo-portal/ready', 'GET'],
  ])('%s %s is refused with Allow %s', async (httpMethod, resource, allow) => {
    // As API Gateway hands them: a value for a resource with a parameter, else none.
    const pathParameters = resource.includes('{') ? { parameter: 'x' } : null;
    const refusal = await refuseUnroutedRequest({ httpMethod, resource, pathParameters }).then(
      () => undefined,
      (err: Problem) => err,
    );

    expect(refusal?.headers.Allow).toBe(allow);
    if (allow) expect(refusal).toMatchObject({ status: 405, slug: 'method-not-allowed' });
  });
});

describe('the resources below the pages that no route has (ADR 0027)', () => {
  it('are, below every resource whose routes are pages of one function, the resource without methods and a greedy child where no parameter child is', () => {
    const page = { auth: { type: 'none' }, summary: 'a page', kind: 'page' } as const;
    const table = [
      { ...page, method: 'GET', path: '/a/{id}', handler: 'a' },
      { ...page, method: 'GET', path: '/a/{id}/more', handler: 'a' },
      { ...page, method: 'GET', path: '/two/x', handler: 'x' },
      { ...page, method: 'GET', path: '/two/y', handler: 'y' },
      { ...page, method: 'GET', path: '/mixed/page', handler: 'm' },
      { method: 'POST', path: '/mixed/api', handler: 'm', auth: { type: 'none' }, summary: 'an API route' },
    ] as const;

    expect(Object.fromEntries(pageFallbackResources(table))).toEqual({
      '/a': 'a',
      // `/a/{id}` has a literal child and no parameter child: a greedy one beside `more`.
      '/a/{id}/{proxy+}': 'a',
      '/a/{id}/more/{proxy+}': 'a',
      // Two functions below `/two`: no fallback of its own, one below each page.
      '/two/x/{proxy+}': 'x',
      '/two/y/{proxy+}': 'y',
      // An API route below `/mixed`: only below its page.
      '/mixed/page/{proxy+}': 'm',
    });
  });

  it('refuse a parent of pages without methods that has a path parameter (the GET rule of refuseUnroutedRequest)', () => {
    const page = { auth: { type: 'none' }, summary: 'a page', kind: 'page' } as const;

    expect(() =>
      pageFallbackResources([{ ...page, method: 'GET', path: '/o/{refId}/receipt', handler: 'o' }]),
    ).toThrow('/o/{refId} has a path parameter and no method');
  });

  // What API Gateway hands a page function there.
  it.each([
    ['GET', '/terms', null],
    ['POST', '/method-choice', null],
    ['GET', '/terms/{token}/{proxy+}', { token: 'abc', proxy: 'extra' }],
    ['GET', '/demo-portal/{proxy+}', { proxy: 'nothing/here' }],
    ['DELETE', '/test-isp/orders/{refId}/{proxy+}', { refId: 'r', proxy: 'x' }],
  ])(
    '%s %s is refused with 404, as API Gateway’s own answer to a path no route has',
    async (httpMethod, resource, pathParameters) => {
      const refusal = await refuseUnroutedRequest({ httpMethod, resource, pathParameters }).then(
        () => undefined,
        (err: Problem) => err,
      );

      expect(refusal).toMatchObject({ status: 404, slug: 'not-found', title: 'Not found', headers: {} });
    },
  );
});

describe('negotiation', () => {
  it.each([
    ['de-CH', 'de'],
    ['rm, it-CH;q=0.8, en;q=0.5', 'it'],
    ['en;q=0.2, FR-ch;q=0.9', 'fr'],
    ['de;q=0, en', 'en'],
    ['es, pt', undefined],
    ['', undefined],
    ['de;q=abc', undefined],
  ])('reads Accept-Language %j as %s', (header, language) => {
    expect(preferredLanguage(header)).toBe(language);
  });

  it.each([
    // Browsers navigating: HTML first.
    [
      'Chrome',
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
      false,
    ],
    [
      'Firefox',
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/png,image/svg+xml,*/*;q=0.8',
      false,
    ],
    ['Safari', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    // Tools and fetch: anything, so the page's own type.
    ['curl', '*/*', false],
    ['fetch() default', '*/*', false],
    ['no Accept', undefined, false],
    ['an empty Accept', '', false],
    // Programs that ask for JSON.
    ['axios', 'application/json, text/plain, */*', true],
    ['problem+json', 'application/problem+json', true],
    ['JSON', 'application/json', true],
    ['any application type', 'application/*', true],
    ['any application type, case and spaces', ' Application/*  ; Q=1 ', true],
    ['problem+json over HTML', 'application/problem+json, text/html;q=0.5', true],
    ['HTML over problem+json', 'text/html, application/problem+json;q=0.5', false],
    ['problem+json refused', 'application/problem+json;q=0', false],
    ['problem+json refused, anything else welcome', 'application/problem+json;q=0, */*', false],
    ['HTML refused, anything else welcome', 'text/html;q=0, */*', true],
    ['any text type', 'text/*', false],
    [
      'the exact type over application/*',
      'application/problem+json;q=0.1, application/*, text/html;q=0.5',
      false,
    ],
    ['a tie', 'application/json, text/html', false],
    ['neither acceptable', 'image/png', false],
    ['a q that is no qvalue is left out', 'application/json;q=2, text/html;q=0.1', false],
    ['a q that is no number is left out', 'application/*;q=abc', false],
  ])('Accept of %s (%j) asks for problem+json: %s', (_, accept, asks) => {
    expect(prefersProblemJson(accept)).toBe(asks);
    expect(asksForProblemJson({ headers: accept === undefined ? {} : { Accept: accept } })).toBe(asks);
  });
});

describe('a refusal a page function rethrows with its language', () => {
  it('is refused by the wrapper: logged with its type, told to onRefused, answered in that language', async () => {
    const refused: string[] = [];
    const shared = new Problem({
      status: 415,
      slug: 'unsupported-media-type',
      title: 'Unsupported media type',
    });
    const page = httpHandler(
      'test-page',
      async () => {
        throw withPageLanguage(shared, 'it');
      },
      { pageErrors: pageErrorAnswer, onRefused: (problem) => refused.push(problem.type) },
    );
    logger.setLogLevel('INFO');
    let result: Awaited<ReturnType<typeof page>> | undefined;
    const written = await captureLogs(async () => {
      result = await page(termsPost, context);
    }).finally(() => logger.setLogLevel('SILENT'));

    expect(result?.statusCode).toBe(415);
    expect(result?.headers?.['Content-Language']).toBe('it');
    expect(result?.body).toContain('<h1>Non è stato possibile leggere il modulo</h1>');
    expect(refused).toEqual(['https://smart-registration.example/problems/unsupported-media-type']);
    expect(logRecords(written)).toMatchObject([
      {
        message: 'request refused',
        handler: 'test-page',
        status: 415,
        problem: 'https://smart-registration.example/problems/unsupported-media-type',
      },
    ]);
    // The shared problem carries no language: thrown as it is, it speaks the browser's (French).
    expect((await pageErrorAnswer(shared, termsPost))?.body).toContain('<html lang="fr">');
  });
});
