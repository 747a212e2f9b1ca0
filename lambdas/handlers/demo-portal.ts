/**
 * The demo signing portal (test stages and the local stack only): a Service Provider's web pages,
 * walking a person through the white paper's story. It talks to the service only through the
 * public API, server side, with its own OAuth client credentials (the secret never reaches the
 * browser), and remembers the journey in a cookie.
 *
 *   GET/POST /demo-portal          name, mobile number and the signature the document needs → verify
 *   GET/POST /demo-portal/methods  verify was negative: the catalogue's methods → start → the partner
 *   GET      /demo-portal/status   back from the partner (redirectUrl): the status timeline
 *   GET      /demo-portal/ready    verify positive: ready to sign
 */
import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { optionalEnv, requiredEnv } from '../adapters/env.js';
import { ServiceApiClient, ServiceUnavailable } from '../adapters/service-api-client.js';
import {
  type CatalogueEntry,
  groupMethods,
  Journey,
  journeyStage,
  MethodForm,
  ServiceChoiceForm,
  SIGNATURE_NEEDS,
  type Signer,
  SignerForm,
  verifyRequestFor,
} from '../core/demo-portal.js';
import { toFieldErrors } from '../core/schemas.js';
import type * as z from '../core/zod.js';
import {
  type FieldErrors,
  messagePage,
  methodsPage,
  readyPage,
  STATUS_POLL_SCRIPT,
  startPage,
  statusPage,
} from '../http/demo-portal-pages.js';
import { HTML_CSP, type HttpResult, headerOf, html, httpHandler } from '../http/handler.js';
import { acceptableFormBody, isCrossSite, publicBaseUrl, singleFormFields } from '../http/request.js';

const COOKIE = 'srs_demo_portal';
const COOKIE_MAX_AGE_SECONDS = 24 * 3600;
const MAX_FORM_BYTES = 4096;

/** The status page runs one inline script, allowed by its hash; it fetches this page again. */
const STATUS_CSP = `${HTML_CSP.replace("form-action 'self'", "form-action 'self' https:")}; script-src 'sha256-${createHash(
  'sha256',
)
  .update(STATUS_POLL_SCRIPT)
  .digest('base64')}'; connect-src 'self'`;
/** Starting an identification redirects to the partner, which may live on another host. */
const PORTAL_CSP = HTML_CSP.replace("form-action 'self'", "form-action 'self' https:");

// ---------------------------------------------------------------- the service, as an SP calls it

/** No client credentials for the portal in this deployment (e.g. a configuration without its SP). */
class PortalNotSetUp extends Error {}

const clients = new Map<string, ServiceApiClient>();
/**
 * The client for the configured credentials, made once per configuration (it caches its access
 * token). Read per request: a local stack started later in the same process (tests) changes them.
 */
function service(event: APIGatewayProxyEvent): ServiceApiClient {
  const clientId = optionalEnv('DEMO_PORTAL_CLIENT_ID');
  const clientSecret = optionalEnv('DEMO_PORTAL_CLIENT_SECRET');
  if (!clientId || !clientSecret) throw new PortalNotSetUp();
  const settings = {
    apiBaseUrl: publicBaseUrl(event),
    tokenUrl: requiredEnv('TOKEN_URL'),
    clientId,
    clientSecret,
  };
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = new ServiceApiClient(settings);
    clients.set(key, client);
  }
  return client;
}

// ---------------------------------------------------------------- request and answer helpers

/** The portal's own path, e.g. /demo-portal or /test/demo-portal behind an API Gateway stage. */
function portalBase(event: APIGatewayProxyEvent): string {
  return `${new URL(publicBaseUrl(event)).pathname.replace(/\/$/, '')}/demo-portal`;
}

function readJourney(event: APIGatewayProxyEvent): Journey | undefined {
  const cookies = headerOf(event, 'cookie') ?? '';
  const raw = cookies
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return undefined;
  try {
    const parsed = Journey.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function journeyCookie(event: APIGatewayProxyEvent, journey: Journey): string {
  const secure = publicBaseUrl(event).startsWith('https://') ? '; Secure' : '';
  const value = Buffer.from(JSON.stringify(journey)).toString('base64url');
  return `${COOKIE}=${value}; Path=${portalBase(event)}; Max-Age=${COOKIE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

function seeOther(location: string, cookie?: string): HttpResult {
  return {
    statusCode: 303,
    headers: { Location: location, 'Cache-Control': 'no-store', ...(cookie ? { 'Set-Cookie': cookie } : {}) },
    body: '',
  };
}

const portalHtml = (status: number, body: string, csp = PORTAL_CSP) =>
  html(status, body, { 'Content-Security-Policy': csp });

/** The posted form's fields, each at most once; undefined when the post is not a form of ours. */
function formFields(event: APIGatewayProxyEvent, names: readonly string[]) {
  const form = acceptableFormBody(event, MAX_FORM_BYTES);
  if (!form) return undefined;
  const { values, repeated } = singleFormFields(form, names);
  const errors: FieldErrors = Object.fromEntries(repeated.map((name) => [name, ['Given more than once.']]));
  return { values: values as Record<string, string>, errors };
}

function fieldErrors(error: z.core.$ZodError): FieldErrors {
  const byField: FieldErrors = {};
  for (const e of toFieldErrors(error)) {
    const field = e.field.split('.')[0] ?? e.field;
    byField[field] = [...(byField[field] ?? []), e.message];
  }
  return byField;
}

const badForm = () => portalHtml(400, messagePage('Form not accepted', 'Send the form from this page.'));
const foreignSite = () =>
  portalHtml(403, messagePage('Form not accepted', 'The form was sent from another site.'));

// ---------------------------------------------------------------- the pages

async function verifyAnswer(event: APIGatewayProxyEvent, signer: Signer) {
  const res = await service(event).verify(verifyRequestFor(signer));
  if (res.status === 200) return res.body as { evidenceId: string; serialNumber: string };
  if (res.status === 404) return undefined;
  throw new ServiceUnavailable('verify', `HTTP ${res.status}`);
}

const SIGNER_FIELDS = ['firstName', 'lastName', 'mobile', 'need'] as const;

async function submitSigner(event: APIGatewayProxyEvent): Promise<HttpResult> {
  const form = formFields(event, SIGNER_FIELDS);
  if (!form) return badForm();
  const parsed = SignerForm.safeParse(form.values);
  if (!parsed.success || Object.keys(form.errors).length) {
    const errors = { ...form.errors, ...(parsed.success ? {} : fieldErrors(parsed.error)) };
    return portalHtml(400, startPage(form.values, errors));
  }
  const signer = parsed.data;
  const base = portalBase(event);
  const cookie = journeyCookie(event, { signer });
  const registration = await verifyAnswer(event, signer);
  return seeOther(registration ? `${base}/ready` : `${base}/methods`, cookie);
}

async function offeredGroups(event: APIGatewayProxyEvent, signer: Signer) {
  const need = SIGNATURE_NEEDS[signer.need];
  const res = await service(event).providers({ loa: String(need.loa), jurisdiction: need.jurisdiction });
  if (res.status !== 200 || !Array.isArray(res.body))
    throw new ServiceUnavailable('catalogue', `HTTP ${res.status}`);
  return groupMethods(res.body as CatalogueEntry[]);
}

const METHOD_FIELDS = ['choice', 'email', 'dob', 'language', 'attempt'] as const;
/** The second button of the methods form: leave the choice to the service's own page. */
const SERVICE_CHOICE = 'serviceChoice';

async function showMethods(event: APIGatewayProxyEvent, journey: Journey): Promise<HttpResult> {
  const groups = await offeredGroups(event, journey.signer);
  return portalHtml(
    200,
    methodsPage({
      base: portalBase(event),
      signer: journey.signer,
      groups,
      values: { language: 'en' },
      attempt: randomUUID(),
    }),
  );
}

async function submitMethod(event: APIGatewayProxyEvent, journey: Journey): Promise<HttpResult> {
  const form = formFields(event, [...METHOD_FIELDS, SERVICE_CHOICE]);
  if (!form) return badForm();
  const { signer } = journey;
  const base = portalBase(event);
  const again = async (status: number, errors: FieldErrors) =>
    portalHtml(
      status,
      methodsPage({
        base,
        signer,
        groups: await offeredGroups(event, signer),
        values: form.values,
        errors,
        attempt: randomUUID(),
      }),
    );
  const { [SERVICE_CHOICE]: serviceChoice, ...fields } = form.values;
  const parsed = serviceChoice === 'yes' ? ServiceChoiceForm.safeParse(fields) : MethodForm.safeParse(fields);
  if (!parsed.success || Object.keys(form.errors).length) {
    return again(400, { ...form.errors, ...(parsed.success ? {} : fieldErrors(parsed.error)) });
  }
  const { dob, email, language, attempt } = parsed.data;
  // Without issuer and method the service answers with its own choice page as the targetURL.
  const choice = (parsed.data as { choice?: string }).choice;
  const [issuer, method] = choice ? choice.split('|') : [];
  const need = SIGNATURE_NEEDS[signer.need];
  const res = await service(event).startIdentification(
    {
      dob,
      email,
      firstName: signer.firstName,
      language,
      lastName: signer.lastName,
      mobile: signer.mobile,
      ...(issuer && method ? { issuer, method } : {}),
      jurisdiction: need.jurisdiction,
      assuranceLevel: need.loa,
      redirectUrl: `${publicBaseUrl(event)}/demo-portal/status`,
    },
    `demo-portal-${attempt}`,
  );
  if (res.status === 201 && res.body.refId && res.body.targetURL) {
    return seeOther(res.body.targetURL, journeyCookie(event, { signer, refId: res.body.refId }));
  }
  // The service's own field errors go beside the portal's fields; anything else beside the choice.
  const errors: FieldErrors = {};
  for (const e of res.body.errors ?? []) {
    const field = (METHOD_FIELDS as readonly string[]).includes(e.field) ? e.field : 'choice';
    errors[field] = [...(errors[field] ?? []), e.message];
  }
  if (Object.keys(errors).length === 0) {
    const detail = (res.body as { detail?: string }).detail;
    errors.choice = [detail ?? `The service refused the start (HTTP ${res.status}).`];
  }
  return again(400, errors);
}

async function showStatus(event: APIGatewayProxyEvent, journey: Journey & { refId: string }) {
  const res = await service(event).status(journey.refId);
  if (res.status !== 200 || !Array.isArray(res.body.statuses)) {
    return portalHtml(
      404,
      messagePage('Identification not found', 'The service knows no identification of this portal for you.', {
        href: portalBase(event),
        label: 'Start again',
      }),
    );
  }
  const statuses = res.body.statuses;
  const last = statuses.at(-1)?.status ?? 'created';
  const registration =
    last === 'data-ready' || last === 'terms-accepted'
      ? await verifyAnswer(event, journey.signer)
      : undefined;
  return portalHtml(
    200,
    statusPage({
      base: portalBase(event),
      refId: journey.refId,
      signer: journey.signer,
      stage: journeyStage(last, registration !== undefined),
      statuses,
      registration,
      smsOutboxUrl: optionalEnv('DEMO_PORTAL_SMS_OUTBOX_URL'),
    }),
    STATUS_CSP,
  );
}

async function showReady(event: APIGatewayProxyEvent, journey: Journey): Promise<HttpResult> {
  const registration = await verifyAnswer(event, journey.signer);
  if (!registration) return seeOther(`${portalBase(event)}/methods`);
  return portalHtml(200, readyPage(portalBase(event), journey.signer, registration));
}

export const handler = httpHandler('demo-portal', async (event) => {
  const post = event.httpMethod === 'POST';
  if (post && isCrossSite(event)) return foreignSite();
  const page = event.resource.slice(event.resource.lastIndexOf('/demo-portal') + '/demo-portal'.length);
  const journey = readJourney(event);
  try {
    if (page === '') {
      if (post) return await submitSigner(event);
      return portalHtml(200, startPage(journey ? { ...journey.signer } : { need: 'aes-zertes' }));
    }
    // Every later page needs the journey the first one started.
    if (!journey) return seeOther(portalBase(event));
    if (page === '/methods')
      return post ? await submitMethod(event, journey) : await showMethods(event, journey);
    if (page === '/status') {
      const { refId } = journey;
      return refId
        ? await showStatus(event, { ...journey, refId })
        : seeOther(`${portalBase(event)}/methods`);
    }
    if (page === '/ready') return await showReady(event, journey);
    return portalHtml(404, messagePage('Not found', 'This page does not exist.'));
  } catch (err) {
    if (err instanceof PortalNotSetUp) {
      return portalHtml(
        503,
        messagePage('Not set up', 'The demo portal has no client credentials in this deployment.'),
      );
    }
    if (!(err instanceof ServiceUnavailable)) throw err;
    return portalHtml(
      502,
      messagePage(
        'Service unavailable',
        'The Smart Registration Service could not be reached. Try again shortly.',
        {
          href: portalBase(event),
          label: 'Start again',
        },
      ),
    );
  }
});
