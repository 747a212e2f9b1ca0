/** Acting as an identification partner in tests: signed events and evidence over HTTP. */
import type { JWK } from 'jose';
import { expect } from 'vitest';
import { signIspMessage } from '../../lambdas/adapters/isp-message.js';
import type { IspEvidenceClaims } from '../../lambdas/core/evidence.js';
import { IspConfigSchema } from '../../lambdas/core/service-config.js';
import { type ApiResponse, call, type LocalStack, waitFor } from './stack.js';

export function testIspKey(): JWK {
  const raw = process.env.TEST_ISP_PRIVATE_JWK;
  if (!raw) throw new Error('The local stack has not set TEST_ISP_PRIVATE_JWK');
  return JSON.parse(raw) as JWK;
}

export async function postJws(stack: LocalStack, path: '/isp/v1/events' | '/isp/v1/evidence', jws: string) {
  return call(stack, 'POST', path, { body: jws, headers: { 'content-type': 'application/jose' } });
}

export async function sendEvent(
  stack: LocalStack,
  refId: string,
  event: 'waiting-for-doc' | 'done' | 'cancelled',
  options: { kind?: 'user' | 'isp' | 'unsuccessful'; issuer?: string; reason?: string } = {},
): Promise<ApiResponse<{ outcome: string; status: string }>> {
  const jws = await signIspMessage(
    'event',
    {
      iss: options.issuer ?? 'Test-ISP',
      refId,
      event,
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    },
    testIspKey(),
  );
  return postJws(stack, '/isp/v1/events', jws) as Promise<ApiResponse<{ outcome: string; status: string }>>;
}

export function evidenceFor(
  order: { mobile: string; method: string; loa?: 3 | 4; jurisdictions?: ('ZERTES' | 'EIDAS')[] },
  person: {
    givenName?: string;
    familyName?: string;
    birthdate?: string;
    nationality?: string;
    validUntil?: string;
  } = {},
): IspEvidenceClaims['evidence'] {
  const nationality = person.nationality ?? 'CH';
  return {
    method: order.method,
    loa: order.loa ?? 3,
    jurisdictions: order.jurisdictions ?? ['ZERTES', 'EIDAS'],
    mobile: order.mobile,
    vetter: 'Test operator',
    identified_at: new Date().toISOString(),
    verified_claims: {
      verification: {
        trust_framework: 'eidas',
        time: new Date().toISOString(),
        evidence: [
          {
            type: 'document',
            document_details: {
              type: 'idcard',
              document_number: 'C1234567',
              issuer: { country: nationality },
              date_of_expiry: person.validUntil ?? '2031-12-31',
            },
          },
        ],
      },
      claims: {
        given_name: person.givenName ?? 'Hans',
        family_name: person.familyName ?? 'Muster',
        birthdate: person.birthdate ?? '1978-02-28',
        place_of_birth: { locality: 'Bern', country: 'CH' },
        nationalities: [nationality],
      },
    },
  };
}

export async function sendEvidence(
  stack: LocalStack,
  refId: string,
  evidence: IspEvidenceClaims['evidence'],
  issuer = 'Test-ISP',
): Promise<ApiResponse<{ outcome: string; status: string; evidenceId: string }>> {
  const jws = await signIspMessage('evidence', { iss: issuer, refId, evidence }, testIspKey());
  return postJws(stack, '/isp/v1/evidence', jws) as Promise<
    ApiResponse<{ outcome: string; status: string; evidenceId: string }>
  >;
}

/** The link a terms SMS carries. */
export const TERMS_LINK = /https?:\/\/\S+\/terms\/[\w-]+/;

/** The terms links of every SMS sent to this number, newest first. */
export function termsLinksFromOutbox(stack: LocalStack, mobile: string): string[] {
  return stack.outbox
    .list()
    .filter((m) => m.phoneNumber === mobile)
    .flatMap((m) => m.message.match(TERMS_LINK)?.[0] ?? []);
}

/** The terms link of the newest SMS sent to this number. */
export function termsLinkFromOutbox(stack: LocalStack, mobile: string): string | undefined {
  return termsLinksFromOutbox(stack, mobile)[0];
}

/** The person presses "accept" on the terms page (a plain form post). */
export function acceptTerms(link: string): Promise<Response> {
  return fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'accept=yes',
  });
}

/**
 * The Test-ISP simulator identifies the person of an order (its JSON API, `data-ready`), and the
 * person accepts the terms through the link of the SMS that follows.
 */
export async function identifyAndAcceptTerms(
  stack: LocalStack,
  refId: string,
  mobile: string,
): Promise<void> {
  const identified = await call(stack, 'POST', `/test-isp/api/orders/${refId}`, {
    json: { status: 'data-ready' },
  });
  expect(identified.status).toBe(200);
  const link = await waitFor(
    async () => termsLinkFromOutbox(stack, mobile),
    (l) => l !== undefined,
  );
  expect((await acceptTerms(link as string)).status).toBe(200);
}

/** The form's fields and their prefilled values, read from the page as a browser would submit them. */
export function formValues(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"/g)) {
    form.set(
      m[1] as string,
      (m[2] as string)
        .replace(/&amp;/g, '&')
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"'),
    );
  }
  return form;
}

/** A partner behind the generic HTTP adapter (bank ident, eIDAS, LoA 4) with these adapter settings. */
export function httpPartnerIsp(issuer: string, settings: Record<string, unknown>) {
  return IspConfigSchema.parse({
    issuer,
    adapter: 'http',
    loa: 4,
    jurisdictions: ['EIDAS'],
    realtimeMethods: ['bank'],
    offline: false,
    webflow: true,
    timeoutSeconds: 3600,
    orderValiditySeconds: 3600,
    settings,
  });
}
