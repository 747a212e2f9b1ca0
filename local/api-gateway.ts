/**
 * Emulates API Gateway (REST API, Lambda proxy integration) for the local stack: matches the
 * route table, checks bearer tokens and scopes as the Cognito authorizer would, applies the
 * per-client-address rate limits, builds the v1 proxy event and calls the handler module in-process.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type AccessTokenVerifier, InvalidAccessToken, scopesOf } from '../lambdas/adapters/access-token.js';
import {
  type GatewayResponseType,
  gatewayProblemBody,
  gatewayProblemHeaders,
  METHOD_NOT_ALLOWED,
  methodNotAllowedBody,
  methodNotAllowedHeaders,
} from '../lambdas/http/gateway-responses.js';
import { methodsByPath, type RouteDefinition } from '../lambdas/routes.js';
import { loadHandler } from './handler-modules.js';
import { API_FUNCTION_TIMEOUT_MS, invokeFunction, lambdaContext } from './lambda-context.js';
import type { MetricsHooks } from './metrics-hooks.js';

/** API Gateway's own limits. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 29_000;

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  params: string[];
}

export interface GatewayRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  sourceIp: string;
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** A path without parameters is compared as a string, the others by their pattern. */
function matches(compiled: CompiledRoute, path: string): boolean {
  return compiled.params.length ? compiled.pattern.test(path) : compiled.route.path === path;
}

function compile(route: RouteDefinition): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\}$/.exec(segment);
      if (!m?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), params };
}

/** Token bucket per client address and route, as the WAF rate rule and stage throttling do in AWS. */
class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  take(key: string, perSecond: number, burst: number, now = Date.now()): number | undefined {
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.buckets.clear();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }
}

/**
 * An answer the gateway gives itself, before or instead of a function: the same gateway response
 * table as the CDK stack's (lambdas/http/gateway-responses.ts). Locally the detail may say more.
 */
class GatewayRefusal extends Error {
  constructor(
    readonly responseType: GatewayResponseType,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(responseType);
  }

  toResponse(requestId: string): GatewayResponse {
    const body = gatewayProblemBody(this.responseType);
    return {
      statusCode: body.status,
      headers: {
        ...gatewayProblemHeaders(this.responseType),
        'X-Correlation-Id': requestId,
        ...this.headers,
      },
      body: JSON.stringify({ ...body, ...(this.detail ? { detail: this.detail } : {}) }),
    };
  }
}

/** The resource API Gateway routes a path to: the one with the fewest path parameters. */
function mostSpecific(paths: string[]): string | undefined {
  const parameters = (path: string) => path.split('{').length;
  return [...paths].sort((a, b) => parameters(a) - parameters(b))[0];
}

function methodNotAllowed(allowed: readonly string[], requestId: string): GatewayResponse {
  return {
    statusCode: METHOD_NOT_ALLOWED.status,
    headers: { ...methodNotAllowedHeaders(allowed), 'X-Correlation-Id': requestId },
    body: JSON.stringify(methodNotAllowedBody()),
  };
}

export interface LocalApiGatewayOptions {
  routes: readonly RouteDefinition[];
  verifyToken: AccessTokenVerifier;
  stage: string;
  /** Turn the per-address limits off (benchmarks measure the stack, not the limiter). */
  rateLimits?: boolean;
  /** Count requests per route and time each function invocation (benchmarks' cost model). */
  metrics?: MetricsHooks | undefined;
}

export class LocalApiGateway {
  private readonly compiled: CompiledRoute[];
  private readonly allowed: Map<string, string[]>;
  private readonly limiter = new ClientRateLimiter();

  constructor(private readonly options: LocalApiGatewayOptions) {
    this.compiled = options.routes.map(compile);
    this.allowed = methodsByPath(options.routes);
  }

  /** Whether this gateway serves the path at all (other paths belong to other local services). */
  serves(path: string): boolean {
    return this.compiled.some((c) => matches(c, path));
  }

  /** The route for the method and path, if any; an unknown path and an unknown method alike get none. */
  private match(method: string, path: string): CompiledRoute | undefined {
    return this.compiled.find((c) => c.route.method === method && matches(c, path));
  }

  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const response = await this.answer(req);
    if (this.options.metrics?.recording)
      this.options.metrics.recordApiRequest(this.routeKey(req), response.statusCode);
    return response;
  }

  /** `POST /api/verify`: the API Gateway route a request is counted under. */
  private routeKey(req: GatewayRequest): string {
    const match = this.match(req.method, req.url.pathname);
    return `${req.method} ${match ? match.route.path : '(no route)'}`;
  }

  private async answer(req: GatewayRequest): Promise<GatewayResponse> {
    const requestId = randomUUID();
    try {
      return await this.dispatch(req, requestId);
    } catch (err) {
      if (err instanceof GatewayRefusal) return err.toResponse(requestId);
      // A Lambda that throws is an integration failure (502) in API Gateway.
      // The route's template, never the path: paths carry terms-link tokens and refIds.
      const route = this.compiled.find((c) => matches(c, req.url.pathname))?.route.path ?? '(no route)';
      console.error(`[api-gateway] ${req.method} ${route}: handler failed (${(err as Error).name})`);
      return new GatewayRefusal('INTEGRATION_FAILURE').toResponse(requestId);
    }
  }

  private async dispatch(req: GatewayRequest, requestId: string): Promise<GatewayResponse> {
    const path = req.url.pathname;
    const match = this.match(req.method, path);
    if (!match) {
      // A path no route has: MISSING_AUTHENTICATION_TOKEN, as API Gateway. A method the path does
      // not have: 405 with Allow, as the resource's ANY method answers in AWS (lib/api.ts).
      const candidates = this.compiled.filter((c) => matches(c, path));
      const resource = mostSpecific(candidates.map((c) => c.route.path));
      if (resource === undefined) throw new GatewayRefusal('MISSING_AUTHENTICATION_TOKEN');
      return methodNotAllowed(this.allowed.get(resource) ?? [], requestId);
    }
    const { route } = match;

    if (route.clientRateLimit && this.options.rateLimits !== false) {
      const retryAfter = this.limiter.take(
        `${req.sourceIp} ${route.method} ${route.path}`,
        route.clientRateLimit.perSecond,
        route.clientRateLimit.burst,
      );
      if (retryAfter !== undefined) {
        throw new GatewayRefusal('THROTTLED', `Rate limit exceeded; retry after ${retryAfter} s.`, {
          'Retry-After': String(retryAfter),
        });
      }
    }
    const claims = route.auth.type === 'oauth' ? await this.authorize(req, route.auth.scopes) : undefined;

    const values = match.params.length ? (match.pattern.exec(path)?.slice(1) ?? []) : [];
    const pathParameters: Record<string, string> = {};
    for (const [i, name] of match.params.entries()) {
      try {
        pathParameters[name] = decodeURIComponent(values[i] ?? '');
      } catch {
        // API Gateway answers a malformed percent-encoding with 400; no function runs.
        throw new GatewayRefusal(
          'BAD_REQUEST_PARAMETERS',
          `Path parameter ${name} is not valid percent-encoding.`,
        );
      }
    }
    const event = this.toEvent(req, route, pathParameters, claims, requestId);
    const handler = await this.load(route.handler);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GatewayRefusal('INTEGRATION_TIMEOUT')), INTEGRATION_TIMEOUT_MS);
    });
    try {
      const invocation = () =>
        invokeFunction(handler, event, lambdaContext(route.handler, requestId, API_FUNCTION_TIMEOUT_MS));
      const metrics = this.options.metrics;
      const result = await Promise.race([
        metrics ? metrics.invoke(route.handler, invocation) : invocation(),
        timeout,
      ]);
      const headers: Record<string, string> = {};
      for (const name in result.headers) headers[name] = String(result.headers[name]);
      return {
        statusCode: result.statusCode,
        headers,
        body: result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** What the Cognito user-pool authorizer does: a valid access token with one of the route's scopes. */
  private async authorize(req: GatewayRequest, scopes: string[]): Promise<Record<string, string>> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) throw new GatewayRefusal('UNAUTHORIZED');
    let claims: Awaited<ReturnType<AccessTokenVerifier>>;
    try {
      claims = await this.options.verifyToken(match[1]);
    } catch (err) {
      if (err instanceof InvalidAccessToken) {
        throw new GatewayRefusal(
          'UNAUTHORIZED',
          err.code === 'expired' ? 'The access token has expired.' : 'The access token is not valid.',
        );
      }
      throw err;
    }
    const granted = scopesOf(claims);
    if (!scopes.some((s) => granted.has(s))) {
      // The Cognito authorizer answers a missing scope with 401 (UNAUTHORIZED), not 403.
      throw new GatewayRefusal('UNAUTHORIZED', `The access token lacks the scope ${scopes.join(' or ')}.`, {
        'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`,
      });
    }
    // API Gateway hands claims to the integration as strings.
    return Object.fromEntries(
      Object.entries(claims).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }

  private toEvent(
    req: GatewayRequest,
    route: RouteDefinition,
    pathParameters: Record<string, string>,
    claims: Record<string, string> | undefined,
    requestId: string,
  ): APIGatewayProxyEvent {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const k in req.headers) {
      const v = req.headers[k];
      if (v === undefined) continue;
      if (Array.isArray(v)) {
        headers[k] = v.join(',');
        multiValueHeaders[k] = v;
      } else {
        headers[k] = v;
        multiValueHeaders[k] = [v];
      }
    }
    headers['X-Forwarded-Proto'] = 'http';
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    if (req.url.search)
      for (const [k, v] of req.url.searchParams) {
        query[k] = v;
        const values = multiQuery[k];
        if (values) values.push(v);
        else multiQuery[k] = [v];
      }
    const hasQuery = Object.keys(query).length > 0;
    const now = new Date();
    const binary = !isText(req.headers['content-type']);
    return {
      resource: route.path,
      path: req.url.pathname,
      httpMethod: req.method,
      headers,
      multiValueHeaders,
      queryStringParameters: hasQuery ? query : null,
      multiValueQueryStringParameters: hasQuery ? multiQuery : null,
      pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
      stageVariables: null,
      body: req.body.length ? (binary ? req.body.toString('base64') : req.body.toString('utf8')) : null,
      isBase64Encoded: req.body.length > 0 && binary,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: claims ? { claims } : null,
        domainName: req.url.host,
        domainPrefix: req.url.hostname,
        httpMethod: req.method,
        identity: {
          sourceIp: req.sourceIp,
          userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
        } as APIGatewayProxyEvent['requestContext']['identity'],
        path: req.url.pathname,
        protocol: 'HTTP/1.1',
        requestId,
        requestTime: now.toUTCString(),
        requestTimeEpoch: now.getTime(),
        resourceId: route.handler,
        resourcePath: route.path,
        stage: this.options.stage,
      },
    };
  }

  private load(handler: string): Promise<LambdaHandler> {
    return loadHandler<LambdaHandler>(handler);
  }
}

/** Content types API Gateway passes as text (everything else would need binaryMediaTypes). */
function isText(contentType: string | string[] | undefined): boolean {
  const ct = (Array.isArray(contentType) ? contentType[0] : contentType) ?? '';
  return (
    ct === '' || /^(text\/|application\/([\w.+-]+\+)?(json|xml|x-www-form-urlencoded|jose|jwt))/i.test(ct)
  );
}
