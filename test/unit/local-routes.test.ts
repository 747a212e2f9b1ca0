/**
 * Which route the local gateway picks for a path where routes overlap, as API Gateway's REST API
 * does (local/api-gateway.ts ResourceTree): resources are a tree walked segment by segment, a
 * literal child before the parameter child, with no way back, and the method looked up on the one
 * resource found. Each case below is one the earlier matcher (the first route of the table whose
 * pattern matched the method and path; the fewest parameters for a 405) answered differently.
 */
import { describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../lambdas/routes.js';
import { ResourceTree } from '../../local/api-gateway.js';

const route = (method: RouteDefinition['method'], path: string): RouteDefinition => ({
  method,
  path,
  handler: `${method} ${path}`,
  auth: { type: 'none' },
  summary: `${method} ${path}`,
});

/** The route the gateway picks for the method and path: its path, `405 <Allow>`, or `no resource`. */
function picked(routes: RouteDefinition[], method: string, path: string): string {
  const pick = new ResourceTree(routes).pick(method, path);
  if (pick.kind === 'route') return pick.route.path;
  return pick.kind === 'method-not-allowed' ? `405 ${pick.allow.join(', ')}` : 'no resource';
}

describe('the local gateway’s choice between overlapping routes', () => {
  it('takes the literal resource over a parameter at the same level, whatever the table’s order', () => {
    const routes = [route('GET', '/orders/{refId}'), route('GET', '/orders/summary')];

    expect(picked(routes, 'GET', '/orders/summary')).toBe('/orders/summary');
    expect(picked(routes, 'GET', '/orders/abc')).toBe('/orders/{refId}');
  });

  it('answers 405 for a method the literal resource lacks, even where the parameter sibling has it', () => {
    const routes = [route('GET', '/orders/{refId}'), route('POST', '/orders/summary')];

    expect(picked(routes, 'GET', '/orders/summary')).toBe('405 POST');
  });

  it('does not go back to the parameter branch when the literal branch has no resource further down', () => {
    const routes = [route('GET', '/orders/{refId}/status'), route('GET', '/orders/summary/daily')];

    expect(picked(routes, 'GET', '/orders/summary/status')).toBe('no resource');
    expect(picked(routes, 'GET', '/orders/abc/status')).toBe('/orders/{refId}/status');
  });

  it('decides at the first segment where they differ, not by the number of parameters', () => {
    const routes = [route('GET', '/a/{x}/c'), route('GET', '/a/b/{y}'), route('POST', '/a/{x}/c')];

    expect(picked(routes, 'GET', '/a/b/c')).toBe('/a/b/{y}');
    // …and a method only the other route has is a 405 on the chosen resource, not that route.
    expect(picked(routes, 'POST', '/a/b/c')).toBe('405 GET');
  });

  it('hands the parameters of the resource found, as sent', () => {
    const routes = [route('POST', '/a/{id}/deliveries/{messageId}/redeliver')];

    expect(new ResourceTree(routes).pick('POST', '/a/e%20p/deliveries/m1/redeliver')).toMatchObject({
      kind: 'route',
      parameters: { id: 'e%20p', messageId: 'm1' },
    });
  });

  it('has no resource for a parent without methods or an empty segment', () => {
    const routes = [route('POST', '/isp/v1/events'), route('GET', '/orders/{refId}')];

    for (const path of ['/isp/v1', '/', '//', '/orders/', '/orders//', '/orders//x', '/isp//v1/events'])
      expect(picked(routes, 'POST', path), path).toBe('no resource');
  });

  // API Gateway's REST API routes `/hello/` to the resource `/hello` (event.path keeps the slash):
  // aws-powertools/powertools-lambda-python#1552, floci-io/floci#1557 (ADR 0027); more than one
  // too: LocalStack's REST API router, checked against AWS, ignores them all (ADR 0027, addendum).
  it('takes trailing slashes as the resource without them', () => {
    const routes = [route('POST', '/isp/v1/events'), route('GET', '/orders/{refId}')];

    expect(picked(routes, 'POST', '/isp/v1/events/')).toBe('/isp/v1/events');
    expect(picked(routes, 'POST', '/isp/v1/events//')).toBe('/isp/v1/events');
    expect(picked(routes, 'GET', '/orders/abc///')).toBe('/orders/{refId}');
    expect(picked(routes, 'GET', '/orders/abc/')).toBe('/orders/{refId}');
    expect(new ResourceTree(routes).pick('GET', '/orders/abc/')).toMatchObject({
      parameters: { refId: 'abc' },
    });
  });

  it('gives a greedy variable the rest of the path, one segment or more, after the literal children', () => {
    const routes = [route('GET', '/p'), route('GET', '/p/methods')];
    const tree = new ResourceTree(routes, new Map([['/p/{proxy+}', 'page']]));

    expect(tree.pick('GET', '/p/methods')).toMatchObject({ kind: 'route', route: { path: '/p/methods' } });
    expect(tree.pick('GET', '/p/a/b%20c')).toEqual({
      kind: 'any-method',
      path: '/p/{proxy+}',
      handler: 'page',
      parameters: { proxy: 'a/b%20c' },
    });
    expect(tree.pick('POST', '/p/x')).toMatchObject({ kind: 'any-method', parameters: { proxy: 'x' } });
    // The resource itself, not the greedy child: its own methods and the 405 mock.
    expect(tree.pick('POST', '/p').kind).toBe('method-not-allowed');
    expect(tree.pick('GET', '/p/').kind).toBe('route');
  });

  it('hands a method a resource lacks to its ANY method’s function where it has one, even without methods', () => {
    const tree = new ResourceTree([route('GET', '/t/{token}')], new Map([['/t', 'page']]));

    expect(tree.pick('GET', '/t')).toEqual({
      kind: 'any-method',
      path: '/t',
      handler: 'page',
      parameters: {},
    });
    expect(tree.pick('GET', '/t/')).toMatchObject({ kind: 'any-method', path: '/t' });
    expect(tree.pick('GET', '/t/x/y')).toEqual({ kind: 'no-resource' });
  });

  it('refuses two parameter names at one level, as API Gateway refuses the resource', () => {
    expect(() => new ResourceTree([route('GET', '/orders/{refId}'), route('POST', '/orders/{id}')])).toThrow(
      '/orders/{id}: /orders already has the path parameter {refId}; API Gateway allows one per resource',
    );
  });

  it('refuses a greedy variable beside a parameter, as API Gateway refuses the resource', () => {
    expect(
      () => new ResourceTree([route('GET', '/terms/{token}')], new Map([['/terms/{proxy+}', 'terms-page']])),
    ).toThrow(
      '/terms/{proxy+}: /terms already has the path parameter {token}; API Gateway allows one per resource',
    );
  });
});
