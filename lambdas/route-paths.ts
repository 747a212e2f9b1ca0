/**
 * The route table's path templates (`/api/identifications/{refId}`): their segments, literal text or
 * a path parameter that stands for one whole non-empty segment, as API Gateway's REST API resources
 * read them. Read by the CDK stack (the WAF rules' path patterns, lib/rate-limits.ts; the methods'
 * path parameters, lib/api.ts), by the local gateway's resource tree (local/api-gateway.ts) and by
 * the OpenAPI document's path parameters (http/openapi.ts).
 */

export type PathSegment = { literal: string } | { parameter: string };

/** `/api/webhooks/{id}/test` → `api`, the parameter `id`, `test`. */
export function pathSegments(path: string): PathSegment[] {
  if (!path.startsWith('/')) throw new Error(`A route path starts with /: ${path}`);
  if (path === '/') return [];
  return path
    .slice(1)
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (parameter) return { parameter };
      if (segment === '' || /[{}]/.test(segment))
        throw new Error(`Not a route path segment (a name, or {parameter} alone): "${segment}" in ${path}`);
      return { literal: segment };
    });
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
    .map((s) => ('parameter' in s ? '/[^/]+' : `/${s.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    .join('');
  return `^(/[^/]+)?${body}/?$`;
}
