/**
 * The demo portal's requests and answers: the journey cookie, the posted forms, the portal's own
 * path, redirects and pages with their Content-Security-Policy.
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { optionalEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { type Journey, wellFormedJourney } from '../core/demo-portal.js';
import { safeParseTwoStep, type TwoStepRule, toFieldErrors } from '../core/parse.js';
import type * as z from '../core/zod.js';
import { type FieldErrors, messagePage, STATUS_POLL_SCRIPT } from './demo-portal-pages.js';
import { PortalNotSetUp } from './demo-portal-service.js';
import { HTML_CSP, type HttpResult, headerOf, html } from './handler.js';
import { formBody, singleFormFields } from './request.js';

const COOKIE = 'srs_demo_portal';
const COOKIE_MAX_AGE_SECONDS = 24 * 3600;
const MAX_FORM_BYTES = 4096;

/** The status page runs one inline script, allowed by its hash; it fetches this page again. */
export const STATUS_CSP = `${HTML_CSP.replace("form-action 'self'", "form-action 'self' https:")}; script-src 'sha256-${createHash(
  'sha256',
)
  .update(STATUS_POLL_SCRIPT)
  .digest('base64')}'; connect-src 'self'`;
/** Starting an identification redirects to the partner, which may live on another host. */
const PORTAL_CSP = HTML_CSP.replace("form-action 'self'", "form-action 'self' https:");

/** The portal's own path, e.g. /demo-portal or /test/demo-portal behind an API Gateway stage. */
export function portalBase(): string {
  return `${new URL(requiredPublicBaseUrl()).pathname.replace(/\/$/, '')}/demo-portal`;
}

/**
 * The portal's forms and the journey's schema, and zod with them: loaded for a submitted form and
 * for a cookie `wellFormedJourney` cannot vouch for, not for a page that reads a cookie the portal
 * wrote.
 */
export const portalForms = () => import('../core/demo-portal-forms.js');

/** The cookie's journey: one the portal wrote is read without zod, any other judged by the Journey schema. */
const storedJourney: TwoStepRule<Journey, unknown> = {
  wellFormed: wellFormedJourney,
  schema: async () => (await portalForms()).Journey,
};

/**
 * The key the journey cookie is signed with (a generated secret, DEMO_PORTAL_COOKIE_KEY): read per
 * request, as the client credentials are (a local stack started later in the same process changes it).
 */
function cookieKey(): string {
  const key = optionalEnv('DEMO_PORTAL_COOKIE_KEY');
  if (!key) throw new PortalNotSetUp();
  return key;
}

const signatureOf = (payload: string, key: string) =>
  createHmac('sha256', key).update(`${COOKIE}=${payload}`).digest();

/**
 * The cookie's payload if its signature is the portal's: `<payload>.<HMAC-SHA256>`, both base64url.
 * Without the signature a visitor could write another order's refId into the cookie and read that
 * order's status timeline.
 */
function verifiedPayload(raw: string, key: string): string | undefined {
  const dot = raw.lastIndexOf('.');
  if (dot < 1) return undefined;
  const payload = raw.slice(0, dot);
  const given = Buffer.from(raw.slice(dot + 1), 'base64url');
  const expected = signatureOf(payload, key);
  return given.length === expected.length && timingSafeEqual(given, expected) ? payload : undefined;
}

/** The journey the cookie holds, if the portal signed it and it holds a valid one (read in two steps, as above). */
export async function readJourney(event: APIGatewayProxyEvent): Promise<Journey | undefined> {
  const cookies = headerOf(event, 'cookie') ?? '';
  const raw = cookies
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return undefined;
  const payload = verifiedPayload(raw, cookieKey());
  if (!payload) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const journey = await safeParseTwoStep(storedJourney, value);
  return journey.success ? journey.data : undefined;
}

export function journeyCookie(journey: Journey): string {
  const secure = requiredPublicBaseUrl().startsWith('https://') ? '; Secure' : '';
  const payload = Buffer.from(JSON.stringify(journey)).toString('base64url');
  const value = `${payload}.${signatureOf(payload, cookieKey()).toString('base64url')}`;
  return `${COOKIE}=${value}; Path=${portalBase()}; Max-Age=${COOKIE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

export function seeOther(location: string, cookie?: string): HttpResult {
  return {
    statusCode: 303,
    headers: { Location: location, 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) },
    body: '',
  };
}

export const portalHtml = (status: number, body: string, csp = PORTAL_CSP) =>
  html(status, body, { 'Content-Security-Policy': csp });

/**
 * The posted form's fields, each at most once. A body no form of ours sends (too large, another
 * media type or encoding) is the edge's 413 or 415, answered as an HTML page (page-error-answer.ts).
 */
export function formFields(event: APIGatewayProxyEvent, names: readonly string[]) {
  const form = formBody(event, MAX_FORM_BYTES);
  const { values, repeated } = singleFormFields(form, names);
  const errors: FieldErrors = Object.fromEntries(repeated.map((name) => [name, ['Given more than once.']]));
  return { values: values as Record<string, string>, errors };
}

export function fieldErrors(error: z.core.$ZodError): FieldErrors {
  const byField: FieldErrors = {};
  for (const e of toFieldErrors(error)) {
    const field = e.field.split('.')[0] ?? e.field;
    byField[field] = [...(byField[field] ?? []), e.message];
  }
  return byField;
}

export const foreignSite = () =>
  portalHtml(403, messagePage('Form not accepted', 'The form was sent from another site.'));
