/**
 * Emulates API Gateway (REST API, Lambda proxy integration) for the local stack: matches the
 * route table, checks bearer tokens and scopes as the Cognito authorizer would, applies the
 * per-client-address rate limits, builds the v1 proxy event and calls the handler module in-process.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  type AccessTokenClaims,
  type AccessTokenVerifier,
  InvalidAccessToken,
  scopesOf,
} from '../lambdas/adapters/access-token.js';
import { DEFAULT_CACHE_ENTRIES, RecentlyUsed } from '../lambdas/adapters/recently-used.js';
import {
  type GatewayResponseType,
  gatewayProblemBody,
  gatewayProblemHeaders,
  METHOD_NOT_ALLOWED,
  methodNotAllowedBody,
  methodNotAllowedHeaders,
} from '../lambdas/http/gateway-responses.js';
import { pathSegments } from '../lambdas/route-paths.js';
import {
  AUTHORIZER_RESULTS_CACHE_SECONDS,
  pageFallbackResources,
  pagePathFunctions,
  type RouteDefinition,
} from '../lambdas/routes.js';
import { loadedHandler, loadHandler } from './handler-modules.js';
import { API_FUNCTION_TIMEOUT_MS, invokeFunction, lambdaContext } from './lambda-context.js';
import type { MetricsHooks } from './metrics-hooks.js';

/** API Gateway's own limits. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 29_000;

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayRequest {
  method: string;
  url: URL;
  /**
   * The path as sent, which the gateway routes: dot segments unresolved (`/terms/%2e%2e`), where
   * `url.pathname` has them resolved. `url.pathname` when absent (a caller in process).
   */
  path?: string;
  headers: IncomingMessage['headers'];
  /**
   * Each header's lines, as sent (Node's `headersDistinct`): the event's `multiValueHeaders`, which
   * API Gateway fills from the request's lines. Without it, a header counts as one line.
   */
  distinctHeaders?: IncomingMessage['headersDistinct'];
  body: Buffer;
  sourceIp: string;
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** A resource of the API, as API Gateway's REST API keeps them: a tree of path segments. */
interface Resource {
  /** The resource path it stands for (`/api/webhooks/{id}`, `/terms/{token}/{proxy+}`). */
  path: string;
  literals: Map<string, Resource>;
  /**
   * At most one child per resource is a path variable (API Gateway refuses a second): a parameter
   * (one segment) or a greedy one (`{proxy+}`, one segment or more, the last of a resource path).
   */
  variable?: { name: string; greedy: boolean; resource: Resource };
  /** The resource's methods; none on a resource that is only a parent of others. */
  methods: Map<string, RouteDefinition>;
  /**
   * The function its ANY method integrates: a page path's (ADR 0024), a resource below the pages
   * that no route has (ADR 0027). Without one, a resource with methods answers another with the
   * 405 mock, and one without is no resource.
   */
  anyFunction?: string;
}

/**
 * What the gateway does with a method and path: the route and its path parameters' values as sent
 * (encoded); the resource's ANY method with its function; a 405 on the resource the path leads to,
 * which lacks the method, with what it allows (sorted, the `Allow` header); or no resource (404,
 * MISSING_AUTHENTICATION_TOKEN).
 */
export type PickedRoute =
  | { kind: 'route'; route: RouteDefinition; parameters: Record<string, string> }
  | { kind: 'any-method'; path: string; handler: string; parameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'no-resource' };

/**
 * The route table as API Gateway's REST API resource tree (lib/api.ts adds each route by
 * `resourceForPath`, and the ANY methods of the pages and of the resources below them), and how it
 * picks the resource for a path: segment by segment, a literal child before the variable child of
 * the same resource, with no way back — "a method request against a specific resource takes
 * precedence over a method request against a generic resource at the same level of the resource
 * hierarchy", and the generic one's subtree excludes the specific one's (API Gateway developer
 * guide, "Set up a proxy integration with a proxy resource"); a greedy variable takes the rest of
 * the path. Trailing slashes name the resource without them (`/terms/` and `/terms//` are
 * `/terms`), as API Gateway routes them; the path is routed as sent, no dot segment resolved (ADR
 * 0027, addendum). The method is looked up on that resource only: one it lacks is its ANY method
 * (a page's function) or a 405 there (the ANY mock, lib/api.ts), even where a parameter sibling
 * has it.
 */
export class ResourceTree {
  private readonly root: Resource = { path: '', literals: new Map(), methods: new Map() };

  /** `anyFunctions`: the resources whose ANY method integrates a function, and its name. */
  constructor(routes: readonly RouteDefinition[], anyFunctions: ReadonlyMap<string, string> = new Map()) {
    for (const route of routes) this.resource(route.path).methods.set(route.method, route);
    for (const [path, handler] of anyFunctions) this.resource(path).anyFunction = handler;
  }

  /** The resource of a path template, made with its parents where missing. */
  private resource(template: string): Resource {
    let resource = this.root;
    let path = '';
    for (const segment of pathSegments(template)) {
      if ('literal' in segment) {
        path += `/${segment.literal}`;
        let child = resource.literals.get(segment.literal);
        if (!child) {
          child = { path, literals: new Map(), methods: new Map() };
          resource.literals.set(segment.literal, child);
        }
        resource = child;
      } else {
        const greedy = segment.greedy === true;
        path += greedy ? `/{${segment.parameter}+}` : `/{${segment.parameter}}`;
        const { variable } = resource;
        if (variable && (variable.name !== segment.parameter || variable.greedy !== greedy))
          throw new Error(
            `${template}: ${resource.path || '/'} already has the path parameter ${variable.resource.path.slice(resource.path.length + 1)}; API Gateway allows one per resource`,
          );
        resource.variable ??= {
          name: segment.parameter,
          greedy,
          resource: { path, literals: new Map(), methods: new Map() },
        };
        resource = resource.variable.resource;
      }
    }
    return resource;
  }

  /** The route for the method and path, in one walk of the tree (see the class comment). */
  pick(method: string, requestPath: string): PickedRoute {
    let resource = this.root;
    const parameters: Record<string, string> = {};
    // Trailing slashes name the resource without them (`/terms//` is `/terms`); `//` stays no resource.
    const path = requestPath.replace(/(?<=[^/])\/+$/, '');
    const segments = path === '/' ? [] : path.slice(1).split('/');
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index] as string;
      const literal = resource.literals.get(segment);
      const { variable } = resource;
      if (literal) resource = literal;
      else if (variable?.greedy) {
        parameters[variable.name] = segments.slice(index).join('/');
        resource = variable.resource;
        break;
      } else if (variable && segment !== '') {
        parameters[variable.name] = segment;
        resource = variable.resource;
      } else return { kind: 'no-resource' };
    }
    const route = resource.methods.get(method);
    if (route) return { kind: 'route', route, parameters };
    if (resource.anyFunction)
      return { kind: 'any-method', path: resource.path, handler: resource.anyFunction, parameters };
    if (!resource.methods.size) return { kind: 'no-resource' };
    return { kind: 'method-not-allowed', allow: [...resource.methods.keys()].sort() };
  }
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
  /** The clock (milliseconds) of the authorizer's results cache, for tests. */
  now?: () => number;
}

export class LocalApiGateway {
  private readonly resources: ResourceTree;
  private readonly limiter = new ClientRateLimiter();
  /**
   * The authorizer's results, by token: API Gateway's Cognito user-pool authorizer verifies a token
   * once per AUTHORIZER_RESULTS_CACHE_SECONDS (lib/api.ts), not on every call, and so does this, so
   * that a call costs locally what it costs there. Kept no longer than the token is valid, so that an
   * expired token is refused however recently it was accepted; only accepted tokens are kept (a
   * refusal is verified again). Bounded in tokens, the least recently used going first.
   */
  private readonly authorizerResults: RecentlyUsed<string, AccessTokenClaims>;

  constructor(private readonly options: LocalApiGatewayOptions) {
    this.authorizerResults = new RecentlyUsed(
      DEFAULT_CACHE_ENTRIES,
      AUTHORIZER_RESULTS_CACHE_SECONDS * 1000,
      options.now ?? Date.now,
    );
    // The ANY methods that integrate a page's function (lib/api.ts): a page path's (ADR 0024) and
    // those of the resources below the pages (ADR 0027); every other routed path's ANY is the 405 mock.
    this.resources = new ResourceTree(
      options.routes,
      new Map([...pagePathFunctions(options.routes), ...pageFallbackResources(options.routes)]),
    );
  }

  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const picked = this.resources.pick(req.method, req.path ?? req.url.pathname);
    const response = await this.answer(req, picked);
    if (this.options.metrics?.recording)
      // The API Gateway route a request is counted under: `POST /api/verify`.
      this.options.metrics.recordApiRequest(
        `${req.method} ${picked.kind === 'route' ? picked.route.path : '(no route)'}`,
        response.statusCode,
      );
    return response;
  }

  private async answer(req: GatewayRequest, picked: PickedRoute): Promise<GatewayResponse> {
    const requestId = randomUUID();
    // A path no resource has: MISSING_AUTHENTICATION_TOKEN, as API Gateway.
    if (picked.kind === 'no-resource')
      return new GatewayRefusal('MISSING_AUTHENTICATION_TOKEN').toResponse(requestId);
    // A method the resource does not have, on a resource whose ANY method is the 405 mock.
    if (picked.kind === 'method-not-allowed') return methodNotAllowed(picked.allow, requestId);
    // A route, or an ANY method that integrates a page's function (no authorizer), which answers
    // the 405 or 404 itself.
    const route: RouteDefinition =
      picked.kind === 'route'
        ? picked.route
        : {
            method: req.method as RouteDefinition['method'],
            path: picked.path,
            handler: picked.handler,
            auth: { type: 'none' },
            summary: `ANY ${picked.path}`,
          };
    try {
      return await this.dispatch(req, route, picked.parameters, requestId);
    } catch (err) {
      if (err instanceof GatewayRefusal) return err.toResponse(requestId);
      // A Lambda that throws is an integration failure (502) in API Gateway.
      // The route's template, never the path: paths carry terms-link tokens and refIds.
      console.error(`[api-gateway] ${req.method} ${route.path}: handler failed (${(err as Error).name})`);
      return new GatewayRefusal('INTEGRATION_FAILURE').toResponse(requestId);
    }
  }

  private async dispatch(
    req: GatewayRequest,
    route: RouteDefinition,
    parameters: Record<string, string>,
    requestId: string,
  ): Promise<GatewayResponse> {
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

    const pathParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(parameters)) {
      try {
        pathParameters[name] = decodeURIComponent(value);
      } catch {
        // API Gateway answers a malformed percent-encoding with 400; no function runs.
        throw new GatewayRefusal(
          'BAD_REQUEST_PARAMETERS',
          `Path parameter ${name} is not valid percent-encoding.`,
        );
      }
    }
    const event = this.toEvent(req, route, pathParameters, claims, requestId);
    const handler =
      loadedHandler<LambdaHandler>(route.handler) ?? (await loadHandler<LambdaHandler>(route.handler));
    const context = lambdaContext(route.handler, requestId, API_FUNCTION_TIMEOUT_MS);
    const metrics = this.options.metrics;
    const result = await withinIntegrationTimeout(
      // Inline arrows: tsx (esbuild's keepNames) names a closure bound to a name on every call.
      metrics
        ? metrics.invoke(route.handler, () => invokeFunction(handler, event, context))
        : invokeFunction(handler, event, context),
    );
    const headers: Record<string, string> = {};
    for (const name in result.headers) headers[name] = String(result.headers[name]);
    return {
      statusCode: result.statusCode,
      headers,
      body: result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body,
    };
  }

  /** What the Cognito user-pool authorizer does: a valid access token with one of the route's scopes. */
  private async authorize(req: GatewayRequest, scopes: string[]): Promise<Record<string, string>> {
    // Two credentials are none: which one the authorizer would read is not for the caller to guess.
    if ((req.distinctHeaders?.authorization?.length ?? 0) > 1) throw new GatewayRefusal('UNAUTHORIZED');
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) throw new GatewayRefusal('UNAUTHORIZED');
    let claims: AccessTokenClaims;
    try {
      claims = await this.verifiedClaims(match[1]);
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

  /** The token's claims, from the authorizer's results cache while the token is valid, else verified. */
  private async verifiedClaims(token: string): Promise<AccessTokenClaims> {
    const cached = this.authorizerResults.get(token);
    const now = (this.options.now ?? Date.now)();
    if (cached && (cached.exp ?? 0) * 1000 > now) return cached;
    const claims = await this.options.verifyToken(token);
    this.authorizerResults.set(token, claims);
    return claims;
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
      const lines = req.distinctHeaders?.[k] ?? (Array.isArray(v) ? v : [v]);
      // A header sent more than once: API Gateway's `headers` holds its last line, `multiValueHeaders`
      // every line (Node's `headers` keeps the first of some, joins the others with commas).
      headers[k] = lines[lines.length - 1] as string;
      multiValueHeaders[k] = lines;
    }
    headers['X-Forwarded-Proto'] = 'http';
    // Collected in a Map and made objects with Object.fromEntries (own data properties, as Lambda's
    // JSON.parse of the event makes them): a parameter named `__proto__` or `constructor` is a name
    // like any other, not a look-up into Object.prototype.
    let query: Record<string, string> | null = null;
    let multiQuery: Record<string, string[]> | null = null;
    if (req.url.search) {
      const multiQueryMap = new Map<string, string[]>();
      for (const [k, v] of req.url.searchParams) {
        const values = multiQueryMap.get(k);
        if (values) values.push(v);
        else multiQueryMap.set(k, [v]);
      }
      if (multiQueryMap.size > 0) {
        query = Object.fromEntries(
          [...multiQueryMap].map(([k, values]) => [k, values[values.length - 1] as string]),
        );
        multiQuery = Object.fromEntries(multiQueryMap);
      }
    }
    const now = new Date();
    const binary = !isText(req.headers['content-type']);
    return {
      resource: route.path,
      path: req.path ?? req.url.pathname,
      httpMethod: req.method,
      headers,
      multiValueHeaders,
      queryStringParameters: query,
      multiValueQueryStringParameters: multiQuery,
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
        path: req.path ?? req.url.pathname,
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
}

/**
 * The invocation's answer, or INTEGRATION_TIMEOUT if it takes longer than API Gateway waits (the
 * function runs on, as in AWS). One promise and one timer per call, cleared when it answers.
 */
export function withinIntegrationTimeout<T>(invocation: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GatewayRefusal('INTEGRATION_TIMEOUT')), INTEGRATION_TIMEOUT_MS);
    // A handler that answers a plain value (not a promise) answers it, as with `await`.
    Promise.resolve(invocation).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Content types API Gateway passes as text (everything else would need binaryMediaTypes). */
function isText(contentType: string | string[] | undefined): boolean {
  const ct = (Array.isArray(contentType) ? contentType[0] : contentType) ?? '';
  return (
    ct === '' || /^(text\/|application\/([\w.+-]+\+)?(json|xml|x-www-form-urlencoded|jose|jwt))/i.test(ct)
  );
}
