/**
 * The API described (GET /openapi.json, GET /docs) and the gateway's answers for paths and methods
 * no route serves (404; 405 with Allow for a path's missing method), over real HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_STAGE } from '../../lambdas/core/stage.js';
import { buildOpenApi } from '../../lambdas/http/openapi.js';
import { ROUTES, routesOfStage } from '../../lambdas/routes.js';
import { ResourceTree } from '../../local/api-gateway.js';
import { expectProblem } from '../support/problems.js';
import { call, tokenFor, useStack } from '../support/stack.js';
import {
  PAPER_START_RESPONSE,
  PAPER_STATUS_RESPONSE,
  PAPER_TEST_ISP_ENTRY,
  PAPER_VERIFY_BODY,
} from '../support/white-paper.js';

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: string; flows?: Record<string, { tokenUrl: string }> }>;
  };
}

interface OpenApiOperation {
  security: Record<string, string[]>[];
  requestBody?: {
    content: Record<string, { schema: JsonSchema; examples?: Record<string, { value: unknown }> }>;
  };
  responses: Record<string, { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }>;
  operationId: string;
}

interface JsonSchema {
  $ref?: string;
  type?: string;
  additionalProperties?: boolean;
  required?: string[];
  properties?: Record<string, unknown>;
}

const FORM = 'application/x-www-form-urlencoded';

/** The SP calls of the white paper. */
const PAPER_CALLS = [
  ['post', '/api/verify'],
  ['get', '/api/providers'],
  ['post', '/api/identifications'],
  ['get', '/api/identifications/{refId}'],
] as const;

/** Every route of the route table is documented. */
const DOCUMENTED = ROUTES;

let doc: OpenApiDoc;

const stack = useStack();

/** Follows a local `$ref` into components. */
function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  const name = schema?.$ref?.replace('#/components/schemas/', '');
  return name ? doc.components.schemas[name] : schema;
}

describe('GET /openapi.json', () => {
  beforeAll(async () => {
    const res = await call<OpenApiDoc>(stack(), 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it('is an OpenAPI 3.1 document served as JSON, pointing at this stack', async () => {
    const res = await call(stack(), 'GET', '/openapi.json');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('Smart Registration Service');
    expect(doc.servers).toEqual([{ url: stack().baseUrl }]);
  });

  it('is, byte for byte, what the schemas and the route table generate for this stack’s addresses (the function reads it, generated before it runs)', async () => {
    const res = await fetch(`${stack().baseUrl}/openapi.json`);

    const generated = buildOpenApi(
      stack().baseUrl,
      `${stack().baseUrl}/oauth2/token`,
      routesOfStage(LOCAL_STAGE),
    );
    expect(await res.text()).toBe(JSON.stringify(generated));
  });

  it('passes the OpenAPI 3.1 schema validator, every $ref resolving', async () => {
    const validator = new Validator();

    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator['validate']>[0],
    );

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('publishes only patterns that tools without Unicode property classes compile', () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') patterns.push(value);
        else walk(value);
      }
    };
    walk(doc);

    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/\\[pP]\{/);
      expect(() => new RegExp(pattern)).not.toThrow();
    }
  });

  it('documents 415 wherever a body of the wrong media type is refused', () => {
    for (const [method, path] of [
      ['post', '/api/verify'],
      ['post', '/api/identifications'],
      ['post', '/isp/v1/events'],
      ['post', '/oauth2/introspect'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.responses['415'], `${method} ${path}`).toBeDefined();
    }
  });

  it("attaches the white paper's requests and responses as examples", () => {
    const verify = doc.paths['/api/verify']?.post;
    const start = doc.paths['/api/identifications']?.post;
    const status = doc.paths['/api/identifications/{refId}']?.get;
    const providers = doc.paths['/api/providers']?.get;

    expect(verify?.requestBody?.content['application/json']?.examples?.paper?.value).toEqual(
      PAPER_VERIFY_BODY,
    );
    expect(start?.responses['201']?.content?.['application/json']?.examples?.paper?.value).toEqual(
      PAPER_START_RESPONSE,
    );
    expect(status?.responses['200']?.content?.['application/json']?.examples?.paper?.value).toEqual(
      PAPER_STATUS_RESPONSE,
    );
    expect(
      providers?.responses['200']?.content?.['application/vnd.sc.miss.provider.v1+json']?.examples?.paper
        ?.value,
    ).toEqual([PAPER_TEST_ISP_ENTRY]);
  });

  it('documents the status code and media type of every refusal the stack answers, route by route', async () => {
    const token = await tokenFor(stack());
    const readOnly = await tokenFor(stack(), 'demo-portal', 'srs/read');
    const refId = '6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10';
    const big = 'x'.repeat(20 * 1024);
    const probes: [string, string, Parameters<typeof call>[3]][] = [
      ['POST', '/api/verify', { body: '{}', headers: { 'content-type': 'text/plain' } }],
      ['POST', '/api/verify', { body: '{', headers: { 'content-type': 'application/json' } }],
      ['POST', '/api/verify', { json: { ...PAPER_VERIFY_BODY, msisdn: '41799999999' } }],
      ['POST', '/api/identifications', { token, body: 'a=b', headers: { 'content-type': 'text/plain' } }],
      ['POST', '/api/identifications', { token, json: { big } }],
      ['POST', '/api/identifications', { token: readOnly, json: {} }],
      ['POST', '/api/identifications', { json: {} }],
      ['GET', '/api/providers', { token, headers: { accept: 'text/csv' } }],
      ['GET', '/api/providers?loa=5', { token }],
      ['GET', `/api/identifications/${refId}`, { token }],
      ['GET', '/api/identifications/not-a-uuid', { token }],
      ['GET', `/api/identifications/${refId}/identification-data`, { token }],
      ['POST', `/api/identifications/${refId}/terms-sms`, { token }],
      ['POST', '/isp/v1/events', { body: 'a.b.c', headers: { 'content-type': 'application/jose' } }],
      ['POST', '/isp/v1/evidence', { json: {} }],
      ['GET', '/terms/not-a-valid-token-at-all-xyz', {}],
      ['POST', '/oauth2/introspect', { token, body: '', headers: { 'content-type': 'application/json' } }],
      ['POST', '/oauth2/introspect', { token, body: 'token=a&token=b', headers: { 'content-type': FORM } }],
      [
        'POST',
        '/terms/not-a-valid-token-at-all-xyz',
        { body: 'accept=no', headers: { 'content-type': FORM } },
      ],
      ['POST', '/terms/not-a-valid-token-at-all-xyz', { body: '', headers: { 'content-type': FORM } }],
      [
        'POST',
        '/terms/not-a-valid-token-at-all-xyz',
        { body: 'accept=yes', headers: { 'content-type': FORM, origin: 'https://evil.example' } },
      ],
      ['GET', '/demo-portal/methods', {}],
      ['POST', '/demo-portal/methods', { body: 'choice=x', headers: { 'content-type': FORM } }],
    ];
    const routeTree = new ResourceTree(ROUTES);
    for (const [method, path, options] of probes) {
      const res = await call(stack(), method, path, options);
      // The route the gateway picks for the path (its template read by lambdas/route-paths.ts).
      const picked = routeTree.pick(method, path.split('?')[0] as string);
      const template = picked.kind === 'route' ? picked.route.path : `(${picked.kind})`;
      const responses = doc.paths[template]?.[method.toLowerCase()]?.responses ?? {};
      const answer = `${method} ${path} answered ${res.status}`;

      expect(Object.keys(responses), answer).toContain(String(res.status));
      const content = responses[String(res.status)]?.content;
      if (content) {
        const mediaType = (res.headers.get('content-type') ?? '').split(';')[0] as string;
        expect(Object.keys(content), `${answer} as ${mediaType}`).toContain(mediaType);
      } else {
        expect(res.text, `${answer}: documented without a body`).toBe('');
      }
    }
  });

  it('links the refIds and webhook ids in answers to the calls about them (and on test stages to the simulator)', () => {
    type Links = Record<string, { operationId: string; parameters: Record<string, string> }>;
    const operationIds = new Set(
      Object.values(doc.paths).flatMap((methods) =>
        Object.values(methods).map((op) => (op as { operationId: string }).operationId),
      ),
    );
    const started = doc.paths['/api/identifications']?.post?.responses['201'] as { links: Links };

    expect(Object.values(started.links).map((l) => l.operationId)).toEqual(
      expect.arrayContaining([
        'identification-get',
        'identification-resend-sms-post',
        'test-isp-simulator-post',
      ]),
    );
    const registered = doc.paths['/api/webhooks']?.post?.responses['201'] as { links: Links };
    expect(Object.keys(registered.links).sort()).toEqual(['delete', 'deliveries', 'rotateSecret', 'test']);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          for (const [name, link] of Object.entries((response as { links?: Links }).links ?? {})) {
            expect(operationIds.has(link.operationId), `${method} ${path} ${status} → ${name}`).toBe(true);
            // Each parameter of the target, from this answer's body or this request's path.
            for (const [parameter, expression] of Object.entries(link.parameters))
              expect(expression, `${name}.${parameter}`).toMatch(
                /^\$(response\.body#\/\w+|request\.path\.\w+)$/,
              );
          }
        }
      }
    }
  });

  it('requires the explicit acceptance in the terms form and documents each refusal page', () => {
    const post = doc.paths['/terms/{token}']?.post;
    const form = resolve(post?.requestBody?.content['application/x-www-form-urlencoded']?.schema);

    expect(form?.required).toEqual(['accept']);
    expect(form?.properties?.accept).toMatchObject({ const: 'yes' });
    for (const status of ['400', '403', '404', '409', '410'])
      expect(Object.keys(post?.responses[status]?.content ?? {}), status).toEqual(['text/html']);
  });

  it("describes the white paper's four SP calls", () => {
    for (const [method, path] of PAPER_CALLS)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it('describes every route of the route table, with its scopes', () => {
    for (const route of DOCUMENTED) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      const scopes = (op?.security ?? []).flatMap((s) => s.oauth2 ?? []);
      expect(scopes).toEqual(route.auth.type === 'oauth' ? route.auth.scopes : []);
    }
  });

  it('documents no path the route table does not serve', () => {
    const served = new Set(ROUTES.map((r) => `${r.method.toLowerCase()} ${r.path}`));
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods))
        expect(served.has(`${method} ${path}`), `${method} ${path}`).toBe(true);
    }
  });

  it("gives StartIdentificationRequest additionalProperties: false and the paper's six fields as required", () => {
    const body = doc.paths['/api/identifications']?.post?.requestBody?.content['application/json']?.schema;
    const schema = resolve(body);

    expect(body?.$ref).toBe('#/components/schemas/StartIdentificationRequest');
    expect(schema?.type).toBe('object');
    expect(schema?.additionalProperties).toBe(false);
    expect([...(schema?.required ?? [])].sort()).toEqual(
      ['dob', 'email', 'firstName', 'language', 'lastName', 'mobile'].sort(),
    );
    expect((schema as { dependentRequired?: unknown })?.dependentRequired).toEqual({
      issuer: ['method'],
      method: ['issuer'],
    });
  });

  it('gives VerifyRequest additionalProperties: false and the four fields of the paper as required', () => {
    const schema = resolve(doc.paths['/api/verify']?.post?.requestBody?.content['application/json']?.schema);

    expect(schema?.additionalProperties).toBe(false);
    expect([...(schema?.required ?? [])].sort()).toEqual(
      ['assuranceLevel', 'claimedIdentity', 'distinguishedName', 'msisdn'].sort(),
    );
  });

  it('documents the usage answer’s months as YYYY-MM, a pattern GET /api/usage’s answer matches', async () => {
    type Month = { pattern?: string; anyOf?: { type: string; pattern?: string }[] };
    const report = doc.components.schemas.UsageReport as { properties: Record<string, unknown> };
    const month = report.properties.month as Month;
    const statement = report.properties.statement as { properties: Record<string, Month> };
    const priceSheetFrom = statement.properties.priceSheetFrom as Month;

    expect(month.pattern).toBeDefined();
    // A month or null: the pattern on its string form.
    expect(priceSheetFrom.anyOf).toEqual([{ type: 'string', pattern: month.pattern }, { type: 'null' }]);
    const thisMonth = new Date().toISOString().slice(0, 7);
    const res = await call<{ month: string; statement: { priceSheetFrom: string | null } }>(
      stack(),
      'GET',
      `/api/usage?month=${thisMonth}`,
      { token: await tokenFor(stack()) },
    );
    expect(res.status).toBe(200);
    const pattern = new RegExp(month.pattern as string);
    expect(res.body.month).toMatch(pattern);
    // config/local.json prices demo-portal from 2026-01.
    expect(res.body.statement.priceSheetFrom).toMatch(pattern);
    for (const notAMonth of ['2026-13', '2026-1', '26-01', '2026-01-01'])
      expect(notAMonth).not.toMatch(pattern);
  });

  it('declares the OAuth 2.0 client credentials flow with this stack’s token endpoint', () => {
    expect(doc.components.securitySchemes.oauth2?.type).toBe('oauth2');
    expect(doc.components.securitySchemes.oauth2?.flows?.clientCredentials?.tokenUrl).toBe(
      `${stack().baseUrl}/oauth2/token`,
    );
  });

  it('describes errors as problem+json', () => {
    const notFound = doc.paths['/api/identifications/{refId}']?.get?.responses['404'] as {
      content: Record<string, unknown>;
    };

    expect(Object.keys(notFound.content)).toEqual(['application/problem+json']);
    expect(doc.components.schemas.Problem?.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status']),
    );
  });
});

describe('GET /docs', () => {
  it('is the interactive reference: Swagger UI from this origin on /openapi.json, under a strict CSP', async () => {
    const res = await call<string>(stack(), 'GET', '/docs');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!doctype html>/i);
    const sources = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual([
      'data:,',
      'docs/swagger-ui.css',
      'openapi.json',
      'docs/swagger-ui-bundle.js',
      'docs/init.js',
    ]);
    expect(res.text).not.toMatch(/<script>|<script [^s]|\son\w+="/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain(`connect-src 'self' ${new URL(stack().baseUrl).origin}`);
  });

  // Found by probing: `/docs/` reaches this page (API Gateway routes a trailing slash to the
  // resource without it, ADR 0027), where every relative link of it was a 404.
  it('sends /docs/ to /docs, where its relative links lead to its files and the document', async () => {
    const res = await call<string>(stack(), 'GET', '/docs/');

    expect(res.status).toBe(301);
    const location = res.headers.get('location') ?? '';
    expect(new URL(location, `${stack().baseUrl}/docs/`).href).toBe(`${stack().baseUrl}/docs`);
    // Under a stage's path prefix too.
    expect(new URL(location, 'https://api.example/prod/docs/').href).toBe('https://api.example/prod/docs');
    expect(res.text).toBe('');
  });

  it.each([
    ['swagger-ui-bundle.js', /^text\/javascript/],
    ['swagger-ui.css', /^text\/css/],
    ['init.js', /^text\/javascript/],
  ])('serves %s from the package, with its content type', async (file, type) => {
    const res = await call<string>(stack(), 'GET', `/docs/${file}`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    if (file !== 'init.js') {
      expect(res.text).toBe(readFileSync(join('node_modules', 'swagger-ui-dist', file), 'utf8'));
    } else {
      expect(res.text).toContain("url: 'openapi.json'");
    }
  });

  it.each([['index.html'], ['..%2Fpackage.json'], ['swagger-ui.js.map'], ['.env']])(
    'answers any other file (%s) with 404 problem+json',
    async (file) => {
      const res = await call(stack(), 'GET', `/docs/${file}`);

      expectProblem(res, 404, 'not-found', 'Not found');
    },
  );
});

describe('paths and methods no route serves', () => {
  it.each([['/api/nothing-here'], ['/api/identifications/x/y/z'], ['/.env']])(
    'answers an unknown path (%s) with 404 problem+json',
    async (path) => {
      const res = await call(stack(), 'GET', path);

      expectProblem(res, 404, 'not-found', 'Not found');
    },
  );

  it.each([
    ['GET', '/api/verify', 'POST'],
    ['DELETE', '/api/verify', 'POST'],
    ['PUT', '/api/identifications', 'POST'],
    ['PATCH', '/api/webhooks', 'GET, POST'],
    ['DELETE', '/api/providers', 'GET'],
    ['POST', '/openapi.json', 'GET'],
    ['HEAD', '/api/providers', 'GET'],
    ['OPTIONS', '/api/identifications/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10', 'GET'],
    // A page path's 405 is a page (ADR 0024): test/integration/page-refusals.test.ts.
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const res = await call(stack(), method, path);

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    if (method !== 'HEAD') {
      expectProblem(res, 405, 'method-not-allowed', 'Method not allowed');
      expect((res.body as { detail: string }).detail).toMatch(/Allow/);
    }
  });

  it('lists every method of the path in Allow, and each of them is served there', async () => {
    const res = await call(stack(), 'PUT', '/api/webhooks/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10');

    expect(res.status).toBe(405);
    const allowed = (res.headers.get('allow') ?? '').split(', ');
    expect(allowed).toEqual(['DELETE']);
    // Written by hand from the route table: the endpoint's own path has DELETE only.
    const deleted = await call(stack(), 'DELETE', '/api/webhooks/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10');
    expect(deleted.status).toBe(401);
  });

  it('answers a wrong method on a known path with 405 before asking for a token', async () => {
    const res = await call(stack(), 'DELETE', '/api/identifications/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10');

    expectProblem(res, 405, 'method-not-allowed', 'Method not allowed');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('answers a method on a path between routes (no route of its own) with 404, as API Gateway does', async () => {
    const res = await call(
      stack(),
      'POST',
      '/api/identifications/6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10/nothing',
    );

    expectProblem(res, 404, 'not-found', 'Not found');
    expect(res.headers.get('allow')).toBeNull();
  });
});
