/**
 * The route table: the one definition of the HTTP API. The CDK stack makes an API Gateway route
 * and one Lambda function per handler from it; the local stack serves the same routes in-process.
 * Pure data, so that every reader can import it without pulling in handler code.
 */

import { SCOPES, type Scope } from './core/domain.js';
import { isProductionStage } from './core/stage.js';
import { greedyChildOf, pathParameterNames } from './route-paths.js';

export { DEFAULT_SP_SCOPES, PARTNER_SCOPES, RESOURCE_SERVER, SCOPES, type Scope } from './core/domain.js';
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  [SCOPES.read]: 'Read the catalogue, own identifications and own webhook endpoints',
  [SCOPES.write]: 'Start identifications; manage own webhook endpoints',
  [SCOPES.introspect]: 'Identification partners: introspect the order tokens addressed to them',
};

export type RouteAuth =
  /** Nobody: the white paper's verify call, ISP callbacks (they carry their own JWS), public pages. */
  | { type: 'none' }
  /** OAuth 2.0 bearer access token (Cognito in AWS) with at least one of these scopes. */
  | { type: 'oauth'; scopes: Scope[] };

/**
 * How long API Gateway keeps the OAuth routes' authorizer result for a token (the Cognito user-pool
 * authorizer's `resultsCacheTtl`, lib/api.ts; the local gateway keeps it as long): CDK's and API
 * Gateway's default, 5 minutes.
 */
export const AUTHORIZER_RESULTS_CACHE_SECONDS = 300;

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway resource path; `{name}` is a path parameter. */
  path: string;
  /** Function name; the module is `lambdas/handlers/<handler>.ts`, exporting `handler`. */
  handler: string;
  auth: RouteAuth;
  summary: string;
  /** Requests per second per client address (WAF rate rule in AWS, the local gateway locally). */
  clientRateLimit?: { perSecond: number; burst: number };
  /** Routes that exist only on test stages (the Test-ISP simulator). */
  testStageOnly?: boolean;
  /**
   * `page`: a page a person opens in a browser (HTML); its errors are HTML pages too, in the
   * page's language (lambdas/http/page-errors.ts). Absent: an API route for programs, whose every
   * error is application/problem+json.
   */
  kind?: 'page';
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/api/verify',
    handler: 'verify',
    auth: { type: 'none' },
    summary: 'Is the person registered for this signature level and jurisdiction? (verify call)',
    clientRateLimit: { perSecond: 20, burst: 40 },
  },
  {
    method: 'GET',
    path: '/api/providers',
    handler: 'providers-list',
    auth: { type: 'oauth', scopes: [SCOPES.read] },
    summary: 'The identification methods available to the calling SP, filtered',
  },
  {
    method: 'POST',
    path: '/api/identifications',
    handler: 'identification-start',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary:
      'Start an identification, with the method chosen from the catalogue or for the person to choose; answers the URL to send the person to',
  },
  {
    method: 'GET',
    path: '/api/identifications/{refId}',
    handler: 'identification-get',
    auth: { type: 'oauth', scopes: [SCOPES.read] },
    summary: 'Status of an identification started by the calling SP',
  },
  {
    method: 'GET',
    path: '/api/identifications/{refId}/identification-data',
    handler: 'identification-data',
    auth: { type: 'oauth', scopes: [SCOPES.read] },
    summary:
      'The verified person data and its evidence (AML), for the SP that owns the order and has an AML contract with its partner',
  },
  {
    method: 'POST',
    path: '/api/identifications/{refId}/terms-sms',
    handler: 'identification-resend-sms',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary: 'Send the terms-of-use SMS again with a new link (rate limited)',
  },
  {
    method: 'GET',
    path: '/api/usage',
    handler: 'usage-get',
    auth: { type: 'oauth', scopes: [SCOPES.read] },
    summary: 'The calling SP’s usage in one month and the statement its price sheet makes of it',
  },
  {
    method: 'POST',
    path: '/api/webhooks',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary: 'Register a webhook endpoint for status changes; answers its signing secret (shown once)',
  },
  {
    method: 'GET',
    path: '/api/webhooks',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.read] },
    summary: 'The calling SP’s webhook endpoints',
  },
  {
    method: 'DELETE',
    path: '/api/webhooks/{id}',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary: 'Delete a webhook endpoint (pending deliveries to it are dropped)',
  },
  {
    method: 'POST',
    path: '/api/webhooks/{id}/rotate-secret',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary: 'A new signing secret; the previous one keeps signing for 24 hours',
  },
  {
    method: 'POST',
    path: '/api/webhooks/{id}/test',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary: 'Send a signed test message now and answer what the endpoint did',
  },
  {
    method: 'GET',
    path: '/api/webhooks/{id}/deliveries',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.read] },
    summary: 'The delivery log of an endpoint, newest first',
  },
  {
    method: 'POST',
    path: '/api/webhooks/{id}/deliveries/{messageId}/redeliver',
    handler: 'webhooks',
    auth: { type: 'oauth', scopes: [SCOPES.write] },
    summary: 'Deliver a message again, with a fresh retry schedule',
  },
  {
    method: 'POST',
    path: '/isp/v1/events',
    handler: 'isp-callback',
    auth: { type: 'none' },
    summary: 'ISP status event: a compact JWS signed with the ISP’s registered key',
  },
  {
    method: 'POST',
    path: '/isp/v1/evidence',
    handler: 'isp-callback',
    auth: { type: 'none' },
    summary: 'ISP evidence import: a compact JWS signed with the ISP’s registered key',
  },
  {
    method: 'GET',
    path: '/isp/v1/jwks.json',
    handler: 'isp-jwks',
    auth: { type: 'none' },
    summary: 'The public keys the service signs order tokens with (JWKS)',
  },
  {
    method: 'POST',
    path: '/oauth2/introspect',
    handler: 'oauth-introspect',
    auth: { type: 'oauth', scopes: [SCOPES.introspect, SCOPES.read] },
    summary:
      'Token introspection (RFC 7662): partners check order tokens addressed to them, SPs their own access tokens',
  },
  {
    method: 'GET',
    path: '/method-choice/{refId}',
    handler: 'method-choice-page',
    auth: { type: 'none' },
    summary: 'The person chooses the identification method (orders started without issuer and method)',
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/method-choice/{refId}',
    handler: 'method-choice-page',
    auth: { type: 'none' },
    summary: 'Submit the method choice: opens the order with the partner and redirects there (303)',
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/terms/{token}',
    handler: 'terms-page',
    auth: { type: 'none' },
    summary: 'The terms of use page behind the SMS link',
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/terms/{token}',
    handler: 'terms-page',
    auth: { type: 'none' },
    summary: 'Accept the terms of use (single-use link)',
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/test-isp/orders/{refId}',
    handler: 'test-isp-simulator',
    auth: { type: 'none' },
    summary: 'Test-ISP simulator: the "Define Identity" form',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/test-isp/orders/{refId}',
    handler: 'test-isp-simulator',
    auth: { type: 'none' },
    summary: 'Test-ISP simulator: submit the form (drives the order as a real ISP would)',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/test-isp/api/orders/{refId}',
    handler: 'test-isp-simulator',
    auth: { type: 'none' },
    summary: 'Test-ISP simulator as JSON, for automated SP tests',
    testStageOnly: true,
  },
  {
    method: 'GET',
    path: '/demo-portal',
    handler: 'demo-portal',
    auth: { type: 'none' },
    summary: 'Demo signing portal (an SP stand-in): name, mobile number and the signature the document needs',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/demo-portal',
    handler: 'demo-portal',
    auth: { type: 'none' },
    summary: 'Demo signing portal: check with the verify call whether the person can sign',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/demo-portal/methods',
    handler: 'demo-portal',
    auth: { type: 'none' },
    summary: 'Demo signing portal: the catalogue’s methods, grouped by quality and legal area',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'POST',
    path: '/demo-portal/methods',
    handler: 'demo-portal',
    auth: { type: 'none' },
    summary: 'Demo signing portal: start the identification and send the person to the partner',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/demo-portal/status',
    handler: 'demo-portal',
    auth: { type: 'none' },
    summary: 'Demo signing portal: the identification’s status timeline (the redirectUrl)',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/demo-portal/ready',
    handler: 'demo-portal',
    auth: { type: 'none' },
    summary: 'Demo signing portal: verify positive, ready to sign',
    testStageOnly: true,
    kind: 'page',
  },
  {
    method: 'GET',
    path: '/openapi.json',
    handler: 'api-docs',
    auth: { type: 'none' },
    summary: 'This API as an OpenAPI 3.1 document',
  },
  {
    method: 'GET',
    path: '/docs',
    handler: 'api-docs',
    auth: { type: 'none' },
    summary: 'The interactive API reference (Swagger UI): try each call with your token',
  },
  {
    method: 'GET',
    path: '/docs/{asset}',
    handler: 'api-docs',
    auth: { type: 'none' },
    summary: 'The static files of the interactive API reference',
  },
];

/** Whether a stage deploys the routes marked `testStageOnly`: every stage but production. */
export function deploysTestStageRoutes(stage: string): boolean {
  return !isProductionStage(stage);
}

/**
 * The routes a stage deploys. The one rule both readers follow: the CDK stack makes API Gateway
 * methods of exactly these, and the API document a stage serves (`STAGE` at run time) lists
 * exactly these — a production document advertises no route production does not have.
 */
export function routesOfStage(
  stage: string,
  routeTable: readonly RouteDefinition[] = ROUTES,
): RouteDefinition[] {
  const withTestStageRoutes = deploysTestStageRoutes(stage);
  return routeTable.filter((r) => withTestStageRoutes || !r.testStageOnly);
}

/**
 * The methods of each resource path, sorted: what a 405 for another method on that path lists in
 * `Allow` in API Gateway (the CDK stack's mock methods; the local gateway lists its route tree's).
 */
export function methodsByPath(routes: readonly RouteDefinition[]): Map<string, RouteDefinition['method'][]> {
  const byPath = new Map<string, RouteDefinition['method'][]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  for (const methods of byPath.values()) methods.sort();
  return byPath;
}

/** The distinct handlers, one Lambda function each. */
export function handlerNames(routes: readonly RouteDefinition[] = ROUTES): string[] {
  return [...new Set(routes.map((r) => r.handler))];
}

/** Whether a route (method and resource path, as API Gateway's event names them) is a page for a person. */
export function isPageRoute(
  method: string,
  path: string,
  routeTable: readonly RouteDefinition[] = ROUTES,
): boolean {
  return routeTable.some((r) => r.method === method && r.path === path && r.kind === 'page');
}

/**
 * Whether every route of a resource path is a page: a method the path does not have (405) is then
 * answered with an HTML page, for a person who followed a page's address with another method.
 */
export function isPagePath(path: string, routeTable: readonly RouteDefinition[] = ROUTES): boolean {
  const routes = routeTable.filter((r) => r.path === path);
  return routes.length > 0 && routes.every((r) => r.kind === 'page');
}

/** The methods a resource path has, sorted: the `Allow` of a 405 there (none for a path no route has). */
export function allowedMethods(path: string, routeTable: readonly RouteDefinition[] = ROUTES): string[] {
  return methodsByPath(routeTable.filter((r) => r.path === path)).get(path) ?? [];
}

/**
 * The page paths (isPagePath) and the function that serves each: API Gateway hands a method a page
 * path does not have to that function (the path's ANY method: lib/api.ts, local/api-gateway.ts),
 * so that its 405 is a page in the person's language too (ADR 0024). One function per page path.
 */
export function pagePathFunctions(routeTable: readonly RouteDefinition[] = ROUTES): Map<string, string> {
  const functions = new Map<string, string>();
  for (const path of methodsByPath(routeTable).keys()) {
    if (!isPagePath(path, routeTable)) continue;
    const handlers = new Set(routeTable.filter((r) => r.path === path).map((r) => r.handler));
    if (handlers.size !== 1)
      throw new Error(
        `The page path ${path} is served by ${[...handlers].join(' and ')}; a page path has one function`,
      );
    functions.set(path, [...handlers][0] as string);
  }
  return functions;
}

/**
 * The resources below the pages that no route has, each with the page function API Gateway hands
 * every request there to (its ANY method: lib/api.ts, local/api-gateway.ts), which answers the 404
 * as a page (ADR 0027): a link a phone cut short (`/terms`, `/terms/`) or that gained a segment
 * (`/terms/abc/extra`). Below every resource whose routes, its own and those below it, are pages of
 * one function (`/terms`, `/test-isp/orders`, `/demo-portal`, not `/test-isp`):
 * - the resource itself when it has no method (`/terms`, a parent only);
 * - a greedy child (`/terms/{token}/{proxy+}`, `/demo-portal/{proxy+}`) where it has no path
 *   parameter child: API Gateway allows one variable child per resource, so `/terms` has none —
 *   any segment there is a token, and an extra segment is below `/terms/{token}`.
 * Not routes: the API document lists none of them.
 */
export function pageFallbackResources(routeTable: readonly RouteDefinition[] = ROUTES): Map<string, string> {
  const routePaths = [...methodsByPath(routeTable).keys()];
  // Every resource the routes make: their paths and each path's parents (`/terms`, `/terms/{token}`).
  const resources = new Set<string>();
  for (const path of routePaths) {
    const segments = path.split('/');
    for (let end = 2; end <= segments.length; end++) resources.add(segments.slice(0, end).join('/'));
  }
  const fallbacks = new Map<string, string>();
  for (const resource of resources) {
    const own = routeTable.filter((r) => r.path === resource);
    const below = routeTable.filter((r) => r.path === resource || r.path.startsWith(`${resource}/`));
    if (!below.every((r) => r.kind === 'page')) continue;
    // Its own page's function (one per page path: pagePathFunctions), else the one function below it.
    const handlers = new Set((own.length ? own : below).map((r) => r.handler));
    if (handlers.size !== 1) continue;
    const handler = [...handlers][0] as string;
    if (!own.length) {
      if (pathParameterNames(resource).length)
        throw new Error(
          `${resource} has a path parameter and no method: a page function takes a GET of a resource with path parameters for its own page without reading the route table (lambdas/http/page-error-answer.ts), so a parent of pages has none`,
        );
      fallbacks.set(resource, handler);
    }
    const depth = resource.split('/').length;
    const hasParameterChild = [...resources].some(
      (r) => r.split('/').length === depth + 1 && r.startsWith(`${resource}/{`),
    );
    if (!hasParameterChild) fallbacks.set(greedyChildOf(resource), handler);
  }
  return fallbacks;
}

/**
 * Whether API Gateway hands every request to a resource to a page's function: a page path (its
 * other methods, ADR 0024) or a resource below the pages that no route has (ADR 0027).
 */
export function isPageResource(resource: string, routeTable: readonly RouteDefinition[] = ROUTES): boolean {
  return isPagePath(resource, routeTable) || pageFallbackResources(routeTable).has(resource);
}
