/**
 * The route table's path templates (`/api/identifications/{refId}`): their segments, literal text or
 * a path parameter that stands for one whole non-empty segment, as API Gateway's REST API resources
 * read them — or, last, a greedy one (`{proxy+}`: the rest of the path, one segment or more), which
 * only the resources below the pages have (lambdas/routes.ts pageFallbackResources, ADR 0027).
 * Read by the CDK stack (the WAF rules' path patterns, lib/rate-limits.ts; the methods' path
 * parameters, lib/api.ts), by the local gateway's resource tree (local/api-gateway.ts) and by
 * the OpenAPI document's path parameters (http/openapi.ts).
 */

export type PathSegment = { literal: string } | { parameter: string; greedy?: true };

/** `/api/webhooks/{id}/test` → `api`, the parameter `id`, `test`; `/terms/{token}/{proxy+}` ends in the greedy `proxy`. */
export function pathSegments(path: string): PathSegment[] {
  if (!path.startsWith('/')) throw new Error(`A route path starts with /: ${path}`);
  if (path === '/') return [];
  const segments = path.slice(1).split('/');
  return segments.map((segment, index): PathSegment => {
    const [, parameter, greedy] = /^\{(\w+)(\+?)\}$/.exec(segment) ?? [];
    // API Gateway: "The greedy path variable must be at the end of the resource path."
    if (parameter && greedy && index === segments.length - 1) return { parameter, greedy: true };
    if (parameter && !greedy) return { parameter };
    if (segment === '' || /[{}]/.test(segment))
      throw new Error(
        `Not a route path segment (a name, {parameter} alone, or {parameter+} last): "${segment}" in ${path}`,
      );
    return { literal: segment };
  });
}

/** The greedy variable of the resources below the pages, named as API Gateway's proxy resources are. */
const GREEDY_PATH_VARIABLE = 'proxy';

/** `/terms/{token}` → `/terms/{token}/{proxy+}`: the resource of every path below it. */
export function greedyChildOf(path: string): string {
  return `${path === '/' ? '' : path}/{${GREEDY_PATH_VARIABLE}+}`;
}

/** The names of the path's parameters, in order. */
export function pathParameterNames(path: string): string[] {
  return pathSegments(path).flatMap((s) => ('parameter' in s ? [s.parameter] : []));
}

/**
 * The path as a regular expression's source, anchored, that also matches it behind one leading
 * segment (a stage name in an execute-api URL) and with a trailing slash: what a WAF rule, which
 * sees the URI as the client sent it, compares.
 */
export function pathRegexSource(path: string): string {
  const body = pathSegments(path)
    .map((s) =>
      'parameter' in s
        ? s.greedy
          ? '(/[^/]+)+'
          : '/[^/]+'
        : `/${s.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    )
    .join('');
  return `^(/[^/]+)?${body}/?$`;
}
