/**
 * The demo signing portal (test stages and the local stack only): a Service Provider's web pages,
 * walking a person through the white paper's story. It talks to the service only through the
 * public API, server side, with its own OAuth client credentials (the secret never reaches the
 * browser), and remembers the journey in a cookie it signs (HMAC, demo-portal-journey.ts).
 *
 *   GET/POST /demo-portal          name, mobile number and the signature the document needs → verify
 *   GET/POST /demo-portal/methods  verify was negative: the catalogue's methods → start → the partner
 *   GET      /demo-portal/status   back from the partner (redirectUrl): the status timeline
 *   GET      /demo-portal/ready    verify positive: ready to sign
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { optionalEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { ServiceUnavailable } from '../adapters/service-api-client.js';
import { type Journey, journeyStage, SIGNATURE_NEEDS } from '../core/demo-portal.js';
import { parseDnOrUndefined } from '../core/dn.js';
import {
  fieldErrors,
  foreignSite,
  formFields,
  journeyCookie,
  portalBase,
  portalForms,
  portalHtml,
  readJourney,
  STATUS_CSP,
  seeOther,
} from '../http/demo-portal-journey.js';
import {
  type FieldErrors,
  messagePage,
  methodsPage,
  readyPage,
  startPage,
  statusPage,
} from '../http/demo-portal-pages.js';
import { offeredGroups, PortalNotSetUp, service, verifyAnswer } from '../http/demo-portal-service.js';
import { type HttpResult, httpHandler } from '../http/handler.js';
import { pageErrorAnswer, refuseUnroutedRequest } from '../http/page-error-answer.js';
import { isCrossSite } from '../http/request.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here

// ---------------------------------------------------------------- the pages

const SIGNER_FIELDS = ['firstName', 'lastName', 'mobile', 'need'] as const;

async function submitSigner(event: APIGatewayProxyEvent): Promise<HttpResult> {
  const form = formFields(event, SIGNER_FIELDS);
  const { SignerForm } = await portalForms();
  const parsed = SignerForm.safeParse(form.values);
  if (!parsed.success || Object.keys(form.errors).length) {
    const errors = { ...form.errors, ...(parsed.success ? {} : fieldErrors(parsed.error)) };
    return portalHtml(400, startPage(form.values, errors));
  }
  const signer = parsed.data;
  const base = portalBase();
  const cookie = journeyCookie({ signer });
  const registration = await verifyAnswer(signer);
  return seeOther(registration ? `${base}/ready` : `${base}/methods`, cookie);
}

const METHOD_FIELDS = ['choice', 'email', 'dob', 'language', 'attempt'] as const;
/** The second button of the methods form: leave the choice to the service's own page. */
const SERVICE_CHOICE = 'serviceChoice';

async function showMethods(journey: Journey): Promise<HttpResult> {
  const groups = await offeredGroups(journey.signer);
  return portalHtml(
    200,
    methodsPage({
      base: portalBase(),
      signer: journey.signer,
      groups,
      values: { language: 'en' },
      attempt: randomUUID(),
    }),
  );
}

async function submitMethod(event: APIGatewayProxyEvent, journey: Journey): Promise<HttpResult> {
  const form = formFields(event, [...METHOD_FIELDS, SERVICE_CHOICE]);
  const { signer } = journey;
  const base = portalBase();
  const again = async (status: number, errors: FieldErrors) =>
    portalHtml(
      status,
      methodsPage({
        base,
        signer,
        groups: await offeredGroups(signer),
        values: form.values,
        errors,
        attempt: randomUUID(),
      }),
    );
  const { [SERVICE_CHOICE]: serviceChoice, ...fields } = form.values;
  const { MethodForm, ServiceChoiceForm } = await portalForms();
  const parsed = serviceChoice === 'yes' ? ServiceChoiceForm.safeParse(fields) : MethodForm.safeParse(fields);
  if (!parsed.success || Object.keys(form.errors).length) {
    return again(400, { ...form.errors, ...(parsed.success ? {} : fieldErrors(parsed.error)) });
  }
  const { dob, email, language, attempt } = parsed.data;
  // Without issuer and method the service answers with its own choice page as the targetURL.
  const choice = (parsed.data as { choice?: string }).choice;
  const [issuer, method] = choice ? choice.split('|') : [];
  const need = SIGNATURE_NEEDS[signer.need];
  const res = await service().startIdentification(
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
      redirectUrl: `${requiredPublicBaseUrl()}/demo-portal/status`,
    },
    `demo-portal-${attempt}`,
  );
  if (res.status === 201 && res.body.refId && res.body.targetURL) {
    return seeOther(res.body.targetURL, journeyCookie({ signer, refId: res.body.refId }));
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

/**
 * The names the partner recorded, from the status answer's distinguished name; none for a person
 * registered under a pseudonym (whose DN names no one).
 */
function registeredName(distinguishedName: unknown): string | undefined {
  const dn = typeof distinguishedName === 'string' ? parseDnOrUndefined(distinguishedName) : undefined;
  if (!dn) return undefined;
  const [gn, sn] = [dn.get('gn')?.[0], dn.get('sn')?.[0]];
  return gn !== undefined && sn !== undefined ? `${gn} ${sn}` : undefined;
}

async function showStatus(journey: Journey & { refId: string }) {
  const res = await service().status(journey.refId);
  if (res.status !== 200 || !Array.isArray(res.body.statuses)) {
    return portalHtml(
      404,
      messagePage('Identification not found', 'The service knows no identification of this portal for you.', {
        href: portalBase(),
        label: 'Start again',
      }),
    );
  }
  const statuses = res.body.statuses;
  const last = statuses.at(-1)?.status ?? 'created';
  const registration =
    last === 'data-ready' || last === 'terms-accepted' ? await verifyAnswer(journey.signer) : undefined;
  return portalHtml(
    200,
    statusPage({
      base: portalBase(),
      refId: journey.refId,
      signer: journey.signer,
      stage: journeyStage(last, registration !== undefined),
      statuses,
      registration,
      registeredName: registeredName(res.body.distinguishedName),
      smsOutboxUrl: optionalEnv('DEMO_PORTAL_SMS_OUTBOX_URL'),
    }),
    STATUS_CSP,
  );
}

async function showReady(journey: Journey): Promise<HttpResult> {
  const registration = await verifyAnswer(journey.signer);
  if (!registration) return seeOther(`${portalBase()}/methods`);
  return portalHtml(200, readyPage(portalBase(), journey.signer, registration));
}

export const handler = httpHandler(
  'demo-portal',
  async (event) => {
    const post = event.httpMethod === 'POST';
    if (post && isCrossSite(event)) return foreignSite();
    const page = event.resource.slice(event.resource.lastIndexOf('/demo-portal') + '/demo-portal'.length);
    try {
      const journey = await readJourney(event);
      if (page === '') {
        if (post) return await submitSigner(event);
        return portalHtml(200, startPage(journey ? { ...journey.signer } : { need: 'aes-zertes' }));
      }
      // Every later page needs the journey the first one started.
      if (!journey) return seeOther(portalBase());
      if (page === '/methods') return post ? await submitMethod(event, journey) : await showMethods(journey);
      if (page === '/status') {
        const { refId } = journey;
        return refId ? await showStatus({ ...journey, refId }) : seeOther(`${portalBase()}/methods`);
      }
      if (page === '/ready') return await showReady(journey);
      return portalHtml(404, messagePage('Not found', 'This page does not exist.'));
    } catch (err) {
      if (err instanceof PortalNotSetUp) {
        return portalHtml(
          503,
          messagePage(
            'Not set up',
            'The demo portal has no client credentials or no cookie key in this deployment.',
          ),
        );
      }
      if (!(err instanceof ServiceUnavailable)) throw err;
      return portalHtml(
        502,
        messagePage(
          'Service unavailable',
          'The Smart Registration Service could not be reached. Try again shortly.',
          {
            href: portalBase(),
            label: 'Start again',
          },
        ),
      );
    }
  },
  { pageErrors: pageErrorAnswer, unroutedPageRequests: refuseUnroutedRequest },
);
