/**
 * Shared fixtures for the unit tests: a realistic ISP catalogue, SP setups, orders and
 * registrations, plus the request and response bodies exactly as the white paper prints them.
 * Builders return fresh objects, so a test may change what it gets without affecting others.
 */
import { randomUUID } from 'node:crypto';
import type { IspConfig, SpSetup } from '../../lambdas/core/domain.js';
import type { Order, StatusEntry } from '../../lambdas/core/order.js';
import type { Registration } from '../../lambdas/core/registration.js';
import type { StoredDelivery } from '../../lambdas/usecases/ports/webhooks.js';

// ---------------------------------------------------------------- ISP catalogue

/** Defaults of an online, operator-assisted partner; every fixture overrides what makes it itself. */
export function ispConfig(overrides: Partial<IspConfig> & Pick<IspConfig, 'issuer'>): IspConfig {
  return {
    adapter: overrides.issuer.toLowerCase(),
    loa: 4,
    jurisdictions: ['ZERTES', 'EIDAS'],
    realtimeMethods: [],
    offlineMethods: [],
    offline: false,
    webflow: true,
    operatorAssisted: true,
    identificationData: [],
    additionalData: [],
    defaultLocale: 'en',
    timeoutSeconds: 3600,
    orderValiditySeconds: 86_400,
    keys: [],
    settings: {},
    ...overrides,
  };
}

/** The paper's simulator partner, shaped so that its catalogue entry is the paper's entry verbatim. */
export const testIsp = (): IspConfig =>
  ispConfig({
    issuer: 'Test-ISP',
    adapter: 'test-isp',
    loa: 3,
    jurisdictions: ['ZERTES', 'EIDAS'],
    realtimeMethods: ['video', 'test'],
    offlineMethods: [],
    offline: true,
    webflow: true,
    identificationData: [],
    additionalData: [],
    defaultLocale: 'en',
  });

/** A video identification partner with live operators: QES under both laws. */
export const videoIsp = (): IspConfig =>
  ispConfig({
    issuer: 'Video-ISP',
    adapter: 'video-isp',
    loa: 4,
    jurisdictions: ['ZERTES', 'EIDAS'],
    realtimeMethods: ['video'],
    identificationData: ['firstName', 'lastName', 'dob'],
    defaultLocale: 'de',
  });

/** Bank identification (login to a German online bank): QES under eIDAS only. */
export const bankIsp = (): IspConfig =>
  ispConfig({
    issuer: 'Bank-ISP',
    adapter: 'bank-isp',
    loa: 4,
    jurisdictions: ['EIDAS'],
    realtimeMethods: ['bank'],
    defaultLocale: 'de',
  });

/** German identity card with eID function (NFC + PIN): QES under eIDAS only. */
export const eidIsp = (): IspConfig =>
  ispConfig({
    issuer: 'eID-ISP',
    adapter: 'eid-isp',
    loa: 4,
    jurisdictions: ['EIDAS'],
    realtimeMethods: ['eid'],
    defaultLocale: 'de',
  });

/**
 * Auto-identification without a human operator. The partner itself claims LoA 4; the eligibility
 * rule caps it to LoA 3 (AES), which is what the catalogue must show.
 */
export const autoIsp = (): IspConfig =>
  ispConfig({
    issuer: 'Auto-ISP',
    adapter: 'auto-isp',
    loa: 4,
    operatorAssisted: false,
    jurisdictions: ['ZERTES', 'EIDAS'],
    realtimeMethods: ['auto'],
  });

/** Courier: rings up to 3x at the front door. Offline, breach of media. */
export const courierIsp = (): IspConfig =>
  ispConfig({
    issuer: 'Courier-ISP',
    adapter: 'courier-isp',
    loa: 4,
    jurisdictions: ['ZERTES', 'EIDAS'],
    realtimeMethods: [],
    offlineMethods: ['courier'],
    offline: true,
    webflow: false,
    defaultLocale: 'de',
  });

/** Point of sale in the neighbourhood. Offline, breach of media. */
export const posIsp = (): IspConfig =>
  ispConfig({
    issuer: 'POS-ISP',
    adapter: 'pos-isp',
    loa: 4,
    jurisdictions: ['ZERTES'],
    realtimeMethods: [],
    offlineMethods: ['pos'],
    offline: true,
    webflow: false,
    defaultLocale: 'fr',
  });

/** The whole operator catalogue, in a stable order. */
export const catalogue = (): IspConfig[] => [
  testIsp(),
  videoIsp(),
  bankIsp(),
  eidIsp(),
  autoIsp(),
  courierIsp(),
  posIsp(),
];

// ---------------------------------------------------------------- SP setups

/** Every issuer of the given catalogue with all of its methods (`*`). */
export function allMethods(isps: IspConfig[] = catalogue()): SpSetup['methods'] {
  return Object.fromEntries(isps.map((isp) => [isp.issuer, '*' as const]));
}

export function spSetup(overrides: Partial<SpSetup> = {}): SpSetup {
  return {
    clientId: 'sp-client',
    name: 'Some SP',
    methods: allMethods(),
    jurisdictions: ['ZERTES', 'EIDAS'],
    loas: [3, 4],
    financialIntermediary: false,
    amlContracts: [],
    claimedIdentities: [{ id: 'test-client', jurisdictions: ['ZERTES', 'EIDAS'] }],
    ...overrides,
  };
}

/** A bank: financial intermediary, every method, both laws, both levels. */
export const bankSp = (): SpSetup =>
  spSetup({
    clientId: 'bank-client',
    name: 'Example Bank',
    financialIntermediary: true,
    amlContracts: ['Video-ISP', 'Bank-ISP'],
    claimedIdentities: [{ id: 'bank-signing', jurisdictions: ['ZERTES', 'EIDAS'] }],
  });

/** A signing portal that is not a financial intermediary, every method, both laws, both levels. */
export const portalSp = (): SpSetup =>
  spSetup({ clientId: 'portal-client', name: 'Signing Portal', financialIntermediary: false });

/** The paper's "Setup Filter and Parameter" example: ISP 1 video LOA4/eIDAS, ISP 2 BankIDent LOA4/eIDAS. */
export const paperSetupSp = (): SpSetup =>
  spSetup({
    clientId: 'paper-client',
    name: 'Paper Example SP',
    methods: { 'Video-ISP': ['video'], 'Bank-ISP': ['bank'] },
    jurisdictions: ['EIDAS'],
    loas: [4],
    financialIntermediary: false,
  });

// ---------------------------------------------------------------- white paper bodies

export {
  PAPER_START_BODY,
  PAPER_START_RESPONSE,
  PAPER_STATUS_RESPONSE,
  PAPER_TEST_ISP_ENTRY,
  PAPER_VERIFY_BODY,
  paperStartBody as startBody,
} from '../support/white-paper.js';

// ---------------------------------------------------------------- orders

export const REF_ID = '5c327977-a154-4747-b99d-c0733f7007c5';
export const T0 = new Date('2025-03-01T10:00:00.000Z');

/** A status entry `minutes` after T0. */
export function statusEntry(
  status: StatusEntry['status'],
  minutes: number,
  extra: Partial<Pick<StatusEntry, 'reason' | 'kind'>> = {},
): StatusEntry {
  return {
    status,
    date: new Date(T0.getTime() + minutes * 60_000).toISOString(),
    reason: extra.reason ?? null,
    kind: extra.kind ?? null,
  };
}

/** An order with the given history (default: just created); `version` = number of writes so far. */
export function order(overrides: Partial<Order> = {}): Order {
  const statuses = overrides.statuses ?? [statusEntry('created', 0)];
  return {
    refId: REF_ID,
    clientId: 'bank-client',
    issuer: 'Test-ISP',
    adapter: 'test-isp',
    method: 'test',
    loa: 3,
    jurisdictions: ['ZERTES', 'EIDAS'],
    offline: false,
    person: {
      firstName: 'Hans',
      lastName: 'Muster',
      dob: '1978-02-28',
      email: 'hans.muster@swisscom.com',
      mobile: '+41783478228',
      language: 'en',
    },
    redirectUrl: 'https://sp.example/back',
    state: 'opaque-sp-state',
    ispOrderId: null,
    targetURL: 'https://isp.example/start/1ABF5C05DBEA405B20AEB91424485700',
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 86_400_000).toISOString(),
    timeoutSeconds: 3600,
    evidenceId: null,
    version: statuses.length,
    ...overrides,
    statuses,
  };
}

// ---------------------------------------------------------------- registrations

export function registration(overrides: Partial<Registration> = {}): Registration {
  return {
    msisdn: '41791234567',
    serialNumber: 'SRS-7f3a9c01',
    evidenceId: 'ev-0001',
    loa: 4,
    jurisdictions: ['ZERTES', 'EIDAS'],
    givenName: 'Hans',
    familyName: 'Müller',
    nationalities: ['CH'],
    termsAcceptedAt: '2025-01-10T08:00:00.000Z',
    validUntil: '2030-01-10T08:00:00.000Z',
    refId: REF_ID,
    issuer: 'Video-ISP',
    ...overrides,
  };
}

/** A webhook delivery as it is first stored: pending, not yet attempted, due at T0. */
export function pendingDelivery(overrides: Partial<StoredDelivery> = {}): StoredDelivery {
  return {
    messageId: `msg_${randomUUID().replaceAll('-', '')}_1`,
    endpointId: randomUUID(),
    clientId: 'sp',
    refId: randomUUID(),
    sequence: 1,
    type: 'identification.status-changed',
    payload: '{}',
    createdAt: T0.toISOString(),
    state: 'pending',
    attempts: 0,
    nextAttemptAt: T0.toISOString(),
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    deliveredAt: null,
    version: 1,
    ...overrides,
  };
}
