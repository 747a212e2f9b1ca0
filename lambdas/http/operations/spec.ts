/**
 * What an operation's description for the OpenAPI document is (its request, parameters, every
 * status code with its schema and examples, links), and the answers every route group uses.
 */
import * as z from '../../core/zod.js';

export type Examples = Record<string, { summary: string; value: unknown }>;

export interface ResponseSpec {
  description: string;
  /** A JSON body of this schema; a problem+json body when neither schema nor html is given. */
  schema?: z.ZodMiniType;
  mediaTypes?: string[];
  /** An HTML page (the person's pages, the simulator's form). */
  html?: boolean;
  /**
   * A page route's refusal: an HTML page, or problem+json for a caller whose Accept asks for it
   * (lambdas/http/page-errors.ts).
   */
  pageError?: boolean;
  /** A redirect without a body (Location says where). */
  redirect?: boolean;
  /** OpenAPI links: operations this answer's values lead to (dropped where the route is absent). */
  links?: Record<string, LinkSpec>;
  /** No body at all (a 204). */
  empty?: boolean;
  examples?: Examples;
  headers?: Record<string, { description: string; schema: unknown }>;
}

/** A link to the operation of route key `to` ('GET /api/…'), its parameters as runtime expressions. */
export interface LinkSpec {
  to: string;
  parameters: Record<string, string>;
  description: string;
}

export interface Operation {
  request?: z.ZodMiniType;
  /** The request body's media type; application/json when absent. */
  requestMediaType?: string;
  /** A request body described by a plain JSON Schema (e.g. a compact JWS). */
  requestSchema?: Record<string, unknown>;
  requestExamples?: Examples;
  query?: z.ZodMiniObject;
  /** Query parameters that pre-fill the "try it" form. */
  queryExamples?: Record<string, string>;
  /** The path parameter's schema when it is not a UUID. */
  pathParameter?: Record<string, unknown>;
  /** Per path parameter, where a route has several and they differ. */
  pathParameters?: Record<string, Record<string, unknown>>;
  description?: string;
  responses: Record<string, ResponseSpec>;
}

export const Problem = /* @__PURE__ */ z.define(() =>
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().check(z.int()),
      detail: z.optional(z.string()),
      instance: z.optional(z.string()),
      errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
    })
    .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem details.' }),
);

export const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};
export const problem = (description: string, headers?: ResponseSpec['headers']): ResponseSpec => ({
  description,
  ...(headers ? { headers } : {}),
});
export const page = (description: string): ResponseSpec => ({ description, html: true });
const LOCATION = { Location: { description: 'Where to go next.', schema: { type: 'string' } } };
export const seeOther = (description: string): ResponseSpec => ({
  description,
  redirect: true,
  headers: LOCATION,
});
