/**
 * RFC 9457 problem details. Every error the service answers is one of these; the HTTP layer
 * serialises them as `application/problem+json`. Pure: no I/O, no framework.
 */

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `mobile` or `statuses.0.date`. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://smart-registration.example/problems/';

/** What a Problem is made of. */
export interface ProblemInit {
  status: number;
  slug: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

export class Problem extends Error {
  readonly status: number;
  readonly type: string;
  /** The last part of `type`: a short name of the problem (logs, metrics). */
  readonly slug: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = 'Problem';
    this.status = init.status;
    this.type = TYPE_BASE + init.slug;
    this.slug = init.slug;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }

  toBody(instance?: string): ProblemBody {
    const body: ProblemBody = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) body.detail = this.detail;
    if (instance !== undefined) body.instance = instance;
    if (this.errors !== undefined) body.errors = this.errors;
    return { ...body, ...this.extensions };
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request is not valid; see errors for each field.') =>
    new Problem({ status: 400, slug: 'validation', title: 'Invalid request', detail, errors }),
  malformedJson: (detail = 'The request body is not valid JSON.') =>
    new Problem({ status: 400, slug: 'malformed-json', title: 'Malformed JSON', detail }),
  unsupportedMediaType: (detail: string) =>
    new Problem({ status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type', detail }),
  notAcceptable: (detail: string) =>
    new Problem({ status: 406, slug: 'not-acceptable', title: 'Not acceptable', detail }),
  payloadTooLarge: (limitBytes: number) =>
    new Problem({
      status: 413,
      slug: 'payload-too-large',
      title: 'Payload too large',
      detail: `The request body exceeds ${limitBytes} bytes.`,
    }),
  unauthorized: (detail = 'A valid bearer access token is required.') =>
    new Problem({
      status: 401,
      slug: 'unauthorized',
      title: 'Unauthorized',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    }),
  forbidden: (detail: string) => new Problem({ status: 403, slug: 'forbidden', title: 'Forbidden', detail }),
  notFound: (detail = 'The resource does not exist.') =>
    new Problem({ status: 404, slug: 'not-found', title: 'Not found', detail }),
  conflict: (detail: string, slug = 'conflict') =>
    new Problem({ status: 409, slug, title: 'Conflict', detail }),
  unprocessable: (detail: string, slug = 'unprocessable') =>
    new Problem({ status: 422, slug, title: 'Unprocessable request', detail }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new Problem({
      status: 429,
      slug: 'too-many-requests',
      title: 'Too many requests',
      detail: `Rate limit exceeded; retry after ${retryAfterSeconds} s.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  badGateway: (detail: string) =>
    new Problem({ status: 502, slug: 'bad-gateway', title: 'Identification partner error', detail }),
  serviceUnavailable: (detail: string, retryAfterSeconds?: number) =>
    new Problem({
      status: 503,
      slug: 'service-unavailable',
      title: 'Service unavailable',
      detail,
      headers: retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {},
    }),
  internal: (correlationId: string) =>
    new Problem({
      status: 500,
      slug: 'internal',
      title: 'Internal server error',
      detail: `An unexpected error occurred. Quote correlation id ${correlationId} when reporting it.`,
      extensions: { correlationId },
    }),
};
