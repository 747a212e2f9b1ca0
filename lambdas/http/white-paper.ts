/**
 * The white paper's example requests and responses, verbatim: the API contract. The OpenAPI
 * document shows them as `examples`, and the tests hold the service to them.
 */
import type { ProviderView } from '../core/domain.js';

/** "List the available methods": the response entry for Test-ISP, verbatim. */
export const PAPER_TEST_ISP_ENTRY: ProviderView = {
  loa: 3,
  issuer: 'Test-ISP',
  webflow: true,
  jurisdiction: 'ZERTES,EIDAS',
  realtimeMethods: ['video', 'test'],
  offline: true,
  identificationData: [],
  additionalData: [],
  defaultLocale: 'en',
};

/** "List the available methods": the paper's example query (answered by PAPER_TEST_ISP_ENTRY). */
export const PAPER_PROVIDERS_FILTERS = {
  issuer: 'Test-ISP',
  jurisdiction: 'EIDAS',
  loa: '3',
  offline: 'true',
  realtimeMethod: 'test',
  webflow: 'true',
} as const;

/** "Verify Call": the request body, verbatim. */
export const PAPER_VERIFY_BODY = {
  msisdn: '41791234567',
  claimedIdentity: 'test-client',
  assuranceLevel: 4,
  distinguishedName: 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH',
} as const;

/** "Verify Call": the positive response, as the paper shows it (the values are placeholders). */
export const PAPER_VERIFY_RESPONSE = {
  evidenceId: 'string',
  vetterMsisdn: 'string',
  serialNumber: 'string',
} as const;

/** "Start of the identification process": the request body, verbatim. */
export const PAPER_START_BODY = {
  dob: '1978-02-28',
  email: 'hans.muster@swisscom.com',
  firstName: 'Hans',
  language: 'en',
  lastName: 'Muster',
  mobile: '+41783478228',
} as const;

/** "Start of the identification process": the response, verbatim. */
export const PAPER_START_RESPONSE = {
  refId: '5c327977-a154-4747-b99d-c0733f7007c5',
  error: null,
  targetURL: 'https://www.identity.tm/status_neu/1ABF5C05DBEA405B20AEB91424485700',
} as const;

/** "Determine the identification status": the response body, verbatim. */
export const PAPER_STATUS_RESPONSE = {
  refId: '62c3ee9d79-0250-4d1b-805b-e72d591b9f23',
  orderId: '2019-11-25T09:19:20.165Z',
  issuer: 'test',
  adapter: 'fake',
  method: 'video',
  mobile: '+41775383140',
  evidenceId: null,
  statuses: [
    { status: 'created', date: '2019-11-25T09:19:20.165Z', reason: null, kind: null },
    { status: 'created', date: '2019-11-25T09:25:28.779991Z', reason: null, kind: null },
    { status: 'initialized', date: '2019-11-25T09:19:20.192Z', reason: null, kind: null },
  ],
} as const;
