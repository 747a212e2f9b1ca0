/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers
 * validate with. JSON Schema 2020-12 is OpenAPI 3.1's own dialect, so zod's output is used as is,
 * with two changes for the tools that read it: every reference points into `components`, and
 * patterns with Unicode property classes are published in a portable spelling (openapi-json-schema.ts,
 * portable-pattern.ts).
 *
 * Every status code a route can answer is listed: the handler's own (OPERATIONS, in
 * openapi-operations.ts), those every handler shares (malformed or oversized bodies, a wrong media
 * type, an unexpected error), and the gateway's (GATEWAY_RESPONSES: a missing token or scope,
 * throttling, integration failures).
 */

import type * as z from '../core/zod.js';
import { pathParameterNames } from '../route-paths.js';
import { ROUTES, type RouteDefinition } from '../routes.js';
import { GATEWAY_RESPONSES, PROBLEM_CONTENT_TYPE } from './gateway-responses.js';
import { withAddresses } from './openapi-documents.js';
import { collect } from './openapi-json-schema.js';
import {
  type LinkSpec,
  OPERATIONS,
  type Operation,
  Problem,
  problem,
  RETRY_AFTER,
  type ResponseSpec,
} from './openapi-operations.js';

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } };
const htmlContent = { 'text/html': { schema: { type: 'string' } } };

/** The answers every route of this kind shares: the handler layer's and the gateway's. */
function sharedResponses(route: RouteDefinition, op: Operation): Record<string, ResponseSpec> {
  const shared: Record<string, ResponseSpec> = {};
  // A page's function answers its refusals as HTML pages (problem+json when asked); the
  // gateway's own answers (404, 429, 502, 504) are problem+json on every route.
  const refusal = (description: string): ResponseSpec =>
    route.kind === 'page'
      ? {
          ...problem(`${description} An HTML page, or problem+json for Accept: application/problem+json.`),
          pageError: true,
        }
      : problem(description);
  const takesInput =
    route.path.includes('{') || op.query !== undefined || op.request !== undefined || op.requestSchema;
  if (takesInput) shared['400'] = problem('Invalid input; `errors` names each field.');
  if (route.auth.type === 'oauth') {
    shared['401'] = problem(GATEWAY_RESPONSES.UNAUTHORIZED.detail);
    shared['403'] = problem(GATEWAY_RESPONSES.ACCESS_DENIED.detail);
  }
  if (route.method === 'POST') {
    shared['413'] = refusal('The request body is too large.');
    if (op.request || op.requestSchema) {
      shared['415'] = refusal(
        `The body is not ${op.requestMediaType ?? 'application/json'}, or is sent with a Content-Encoding.`,
      );
    }
  }
  shared['429'] = problem('Too many requests (the API’s throttle).', RETRY_AFTER);
  shared['500'] = refusal('Unexpected error; quote the correlation id (X-Correlation-Id).');
  shared['502'] = problem(GATEWAY_RESPONSES.INTEGRATION_FAILURE.detail);
  shared['504'] = problem(GATEWAY_RESPONSES.INTEGRATION_TIMEOUT.detail);
  return shared;
}

function parametersFor(route: RouteDefinition, op: Operation, components: Record<string, unknown>) {
  const params: unknown[] = [];
  for (const name of pathParameterNames(route.path)) {
    params.push({
      name,
      in: 'path',
      required: true,
      schema: op.pathParameters?.[name] ?? op.pathParameter ?? { type: 'string', format: 'uuid' },
    });
  }
  if (op.query) {
    const shape = op.query.shape as Record<string, z.ZodMiniType>;
    for (const [name, schema] of Object.entries(shape)) {
      const example = op.queryExamples?.[name];
      params.push({
        name,
        in: 'query',
        required: (schema as { _zod: { optin?: string } })._zod.optin !== 'optional',
        schema: collect(schema, components),
        ...(example !== undefined ? { example } : {}),
      });
    }
  }
  if (route.method === 'POST' && route.path === '/api/identifications') {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Retries with the same key and body get the first answer and open no second order. Sent once: a key given in two header lines is a 400.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
    });
  }
  return params;
}

const operationIdOf = (route: RouteDefinition): string =>
  `${route.handler}${route.method === 'GET' ? '' : `-${route.method.toLowerCase()}`}`;

/** The OpenAPI links object, without links to routes this document does not have. */
function linksFor(links: Record<string, LinkSpec>, routes: readonly RouteDefinition[]) {
  const out: Record<string, unknown> = {};
  for (const [name, link] of Object.entries(links)) {
    const target = routes.find((r) => `${r.method} ${r.path}` === link.to);
    if (target) {
      out[name] = {
        operationId: operationIdOf(target),
        parameters: link.parameters,
        description: link.description,
      };
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function responsesFor(
  route: RouteDefinition,
  op: Operation,
  components: Record<string, unknown>,
  routes: readonly RouteDefinition[],
) {
  const specs = { ...sharedResponses(route, op), ...op.responses };
  const responses: Record<string, unknown> = {};
  for (const status of Object.keys(specs).sort()) {
    const r = specs[status] as ResponseSpec;
    let content: Record<string, unknown> | undefined;
    if (r.redirect || r.empty) content = undefined;
    else if (r.html) content = htmlContent;
    else if (r.pageError) content = { ...htmlContent, ...problemContent };
    else if (r.schema) {
      const schema = collect(r.schema, components);
      content = {};
      for (const mt of r.mediaTypes ?? ['application/json'])
        content[mt] = { schema, ...(r.examples ? { examples: r.examples } : {}) };
    } else content = problemContent;
    const links = r.links ? linksFor(r.links, routes) : undefined;
    responses[status] = {
      description: r.description,
      ...(content ? { content } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(links ? { links } : {}),
    };
  }
  return responses;
}

function requestBodyFor(op: Operation, components: Record<string, unknown>) {
  const schema = op.request ? collect(op.request, components) : op.requestSchema;
  if (!schema) return undefined;
  return {
    required: true,
    content: {
      [op.requestMediaType ?? 'application/json']: {
        schema,
        ...(op.requestExamples ? { examples: op.requestExamples } : {}),
      },
    },
  };
}

export function buildOpenApi(
  serverUrl: string,
  tokenUrl: string,
  routes: readonly RouteDefinition[] = ROUTES,
) {
  const components: Record<string, unknown> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  collect(Problem, components);
  for (const route of routes) {
    const op = OPERATIONS[`${route.method} ${route.path}`];
    if (!op) throw new Error(`No OpenAPI operation for ${route.method} ${route.path}`);
    const requestBody = requestBodyFor(op, components);
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: operationIdOf(route),
      summary: route.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(route.testStageOnly ? { tags: ['Test stages only'] } : {}),
      security: route.auth.type === 'oauth' ? [{ oauth2: route.auth.scopes }, { bearer: [] }] : [],
      parameters: parametersFor(route, op, components),
      ...(requestBody ? { requestBody } : {}),
      responses: responsesFor(route, op, components, routes),
    };
  }
  return withAddresses(
    {
      openapi: '3.1.0',
      info: {
        title: 'Smart Registration Service',
        version: '1.0.0',
        description:
          'Identification broker for electronic signatures under ZertES and eIDAS: verify, catalogue, start identification, status. Errors are application/problem+json (RFC 9457).',
      },
      paths,
      components: { schemas: components },
    },
    serverUrl,
    tokenUrl,
  );
}
