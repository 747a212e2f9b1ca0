/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers
 * validate with. JSON Schema 2020-12 is OpenAPI 3.1's own dialect, so zod's output is used as is.
 */

import { IdentificationData } from '../core/evidence.js';
import { IntrospectionRequest, IntrospectionResponse } from '../core/introspection.js';
import * as S from '../core/schemas.js';
import { UsageQuery, UsageReport } from '../core/usage.js';
import * as z from '../core/zod.js';
import { ROUTES, type RouteDefinition, SCOPE_DESCRIPTIONS } from '../routes.js';

interface Operation {
  request?: z.ZodMiniType;
  /** The request body's media type; application/json when absent. */
  requestMediaType?: string;
  query?: z.ZodMiniObject;
  responses: Record<string, { description: string; schema?: z.ZodMiniType; mediaTypes?: string[] }>;
}

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.optional(z.string()),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  })
  .check(z.meta({ id: 'Problem', description: 'RFC 9457 problem details.' }));

/** What each route takes and answers, beyond what the route table says. */
export const OPERATIONS: Record<string, Operation> = {
  'POST /api/verify': {
    request: S.VerifyRequest,
    responses: {
      '200': { description: 'The person may sign as asked.', schema: S.VerifyResponse },
      '404': { description: 'Negative: no registration matches (the reason is never revealed).' },
      '429': { description: 'Too many requests from this address; see Retry-After.' },
    },
  },
  'GET /api/providers': {
    query: S.ProvidersQuery,
    responses: {
      '200': {
        description: 'The methods available to the calling SP.',
        schema: S.ProviderList,
        mediaTypes: ['application/vnd.sc.miss.provider.v1+json', 'application/json'],
      },
      '406': { description: 'The Accept header allows none of the offered media types.' },
    },
  },
  'POST /api/identifications': {
    request: S.StartIdentificationRequest,
    responses: {
      '201': {
        description: 'The order is open; redirect the person to targetURL.',
        schema: S.StartIdentificationResponse,
      },
      '409': { description: 'A request with the same Idempotency-Key is still in progress.' },
      '422': { description: 'The Idempotency-Key was used with a different body.' },
      '502': { description: 'The identification partner refused the order.' },
      '503': { description: 'The identification partner is unavailable.' },
    },
  },
  'GET /api/identifications/{refId}': {
    responses: {
      '200': { description: 'The identification and its status history.', schema: S.IdentificationStatus },
      '404': { description: 'No identification with this refId was started by the caller.' },
    },
  },
  'GET /api/identifications/{refId}/identification-data': {
    responses: {
      '200': {
        description: 'The verified person data (OIDC4IDA verified_claims) with its evidence.',
        schema: IdentificationData,
      },
      '403': { description: 'The caller has no AML contract with the partner of this identification.' },
      '404': { description: 'No identification with this refId was started by the caller.' },
      '409': { description: 'The identification has no evidence yet.' },
    },
  },
  'GET /api/usage': {
    query: UsageQuery,
    responses: {
      '200': { description: 'The calling SP’s usage and statement for the month.', schema: UsageReport },
      '403': { description: 'The calling client has no SP setup.' },
    },
  },
  'POST /oauth2/introspect': {
    request: IntrospectionRequest,
    requestMediaType: 'application/x-www-form-urlencoded',
    responses: {
      '200': {
        description:
          'RFC 7662: the full answer for an order token addressed to the calling partner or an access token of the calling client; {"active": false} for anything else.',
        schema: IntrospectionResponse,
      },
    },
  },
};

function jsonSchema(schema: z.ZodMiniType): unknown {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}

/** Moves named schemas (`z.meta({id})`) into components and points at them. */
function collect(schema: z.ZodMiniType, components: Record<string, unknown>): unknown {
  const {
    $defs,
    $schema: _s,
    ...rest
  } = jsonSchema(schema) as { $defs?: Record<string, unknown>; $schema?: string } & Record<string, unknown>;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = def;
  return JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', '"#/components/schemas/'));
}

function parametersFor(
  route: RouteDefinition,
  op: Operation | undefined,
  components: Record<string, unknown>,
) {
  const params: unknown[] = [];
  for (const m of route.path.matchAll(/\{(\w+)\}/g)) {
    params.push({ name: m[1], in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  }
  if (op?.query) {
    const shape = op.query.shape as Record<string, z.ZodMiniType>;
    for (const [name, schema] of Object.entries(shape)) {
      const required = (schema as { _zod: { optin?: string } })._zod.optin !== 'optional';
      params.push({ name, in: 'query', required, schema: collect(schema, components) });
    }
  }
  if (route.method === 'POST' && route.path === '/api/identifications') {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Retries with the same key and body get the first answer and open no second order.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return params;
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
    const key = `${route.method} ${route.path}`;
    const op = OPERATIONS[key];
    if (!op) continue;
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      const content: Record<string, unknown> = {};
      if (r.schema) {
        const schema = collect(r.schema, components);
        for (const mt of r.mediaTypes ?? ['application/json']) content[mt] = { schema };
      } else {
        content[PROBLEM_MEDIA_TYPE] = { schema: { $ref: '#/components/schemas/Problem' } };
      }
      responses[status] = { description: r.description, content };
    }
    responses['400'] ??= {
      description: 'Invalid input; `errors` names each field.',
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    if (route.auth.type === 'oauth') {
      responses['401'] = {
        description: 'Missing, invalid or expired access token, or a missing scope.',
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    responses['500'] = {
      description: 'Unexpected error; quote the correlation id.',
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: `${route.handler}${route.method === 'GET' ? '' : `-${route.method.toLowerCase()}`}`,
      summary: route.summary,
      security: route.auth.type === 'oauth' ? [{ oauth2: route.auth.scopes }] : [],
      parameters: parametersFor(route, op, components),
      ...(op.request
        ? {
            requestBody: {
              required: true,
              content: {
                [op.requestMediaType ?? 'application/json']: { schema: collect(op.request, components) },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smart Registration Service',
      version: '1.0.0',
      description:
        'Identification broker for electronic signatures under ZertES and eIDAS: verify, catalogue, start identification, status.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl, scopes: SCOPE_DESCRIPTIONS } },
        },
      },
    },
  };
}
