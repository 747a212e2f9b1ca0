/** The SP API: verify, the catalogue, identifications and their status, AML data, terms SMS, usage. */
import { IdentificationData } from '../../core/evidence.js';
import * as S from '../../core/schemas.js';
import { UsageQuery, UsageReport } from '../../core/usage-report-schemas.js';
import * as z from '../../core/zod.js';
import {
  PAPER_PROVIDERS_FILTERS,
  PAPER_START_BODY,
  PAPER_START_RESPONSE,
  PAPER_STATUS_RESPONSE,
  PAPER_TEST_ISP_ENTRY,
  PAPER_VERIFY_BODY,
  PAPER_VERIFY_RESPONSE,
} from '../white-paper.js';
import { type LinkSpec, type Operation, problem, RETRY_AFTER } from './spec.js';

const TermsSmsResent = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({ refId: z.string(), sentAt: z.optional(z.string()), expiresAt: z.optional(z.string()) })
    .register(z.globalRegistry, { id: 'TermsSmsResent' }),
);

const NOT_YOURS = problem('No identification with this refId was started by the caller.');
/** Where a refId in an answer leads: the SP's calls about the order, and the test stage's simulator. */
const refIdFromBody = { refId: '$response.body#/refId' };
export const ORDER_LINKS: Record<string, LinkSpec> = {
  status: {
    to: 'GET /api/identifications/{refId}',
    parameters: refIdFromBody,
    description: 'The identification’s status.',
  },
  identificationData: {
    to: 'GET /api/identifications/{refId}/identification-data',
    parameters: refIdFromBody,
    description: 'The verified person data, once the evidence is imported (AML contract needed).',
  },
  termsSms: {
    to: 'POST /api/identifications/{refId}/terms-sms',
    parameters: refIdFromBody,
    description: 'The terms SMS again, once the identification waits for the acceptance.',
  },
  simulate: {
    to: 'POST /test-isp/api/orders/{refId}',
    parameters: refIdFromBody,
    description: 'Test stages: the Test-ISP simulator identifies the person (or not) for an order it has.',
  },
  simulatorForm: {
    to: 'GET /test-isp/orders/{refId}',
    parameters: refIdFromBody,
    description: 'Test stages: the simulator’s "Define Identity" form for the order.',
  },
};

export const SP_API_OPERATIONS: Record<string, Operation> = {
  'POST /api/verify': {
    request: S.VerifyRequest,
    requestExamples: { paper: { summary: 'The white paper’s verify call', value: PAPER_VERIFY_BODY } },
    responses: {
      '200': {
        description: 'The person may sign as asked.',
        schema: S.VerifyResponse,
        examples: { paper: { summary: 'The white paper’s positive answer', value: PAPER_VERIFY_RESPONSE } },
      },
      '404': problem('Negative: no registration matches (the reason is never revealed).'),
      '429': problem('Too many requests from this address.', RETRY_AFTER),
    },
  },
  'GET /api/providers': {
    query: S.ProvidersQuery,
    queryExamples: PAPER_PROVIDERS_FILTERS,
    responses: {
      '200': {
        description: 'The methods available to the calling SP.',
        schema: S.ProviderList,
        mediaTypes: ['application/vnd.sc.miss.provider.v1+json', 'application/json'],
        examples: {
          paper: {
            summary: 'The white paper’s answer to its example filters',
            value: [PAPER_TEST_ISP_ENTRY],
          },
        },
      },
      '406': problem('The Accept header allows none of the offered media types.'),
    },
  },
  'POST /api/identifications': {
    request: S.StartIdentificationRequest,
    requestExamples: {
      paper: {
        summary: 'The white paper’s body: the person chooses the method on the service’s page',
        value: PAPER_START_BODY,
      },
      chosen: {
        summary: 'The paper’s body with the method chosen from the catalogue',
        value: { ...PAPER_START_BODY, issuer: 'Test-ISP', method: 'test' },
      },
    },
    responses: {
      '201': {
        description: 'The order is open; redirect the person to targetURL.',
        schema: S.StartIdentificationResponse,
        examples: { paper: { summary: 'The white paper’s answer', value: PAPER_START_RESPONSE } },
        links: ORDER_LINKS,
        headers: {
          Location: { description: 'The status of the new identification.', schema: { type: 'string' } },
          'Idempotent-Replayed': {
            description: '`true` when the answer is replayed for a repeated Idempotency-Key.',
            schema: { type: 'string', enum: ['true'] },
          },
        },
      },
      '403': problem('The caller has no service provider setup.'),
      '409': problem('A request with the same Idempotency-Key is still in progress.'),
      '422': problem('The Idempotency-Key was used with a different body.'),
      '502': problem('The identification partner refused the order.'),
      '503': problem('The identification partner is unavailable.', RETRY_AFTER),
    },
  },
  'GET /api/identifications/{refId}': {
    responses: {
      '200': {
        description: 'The identification and its status history.',
        schema: S.IdentificationStatus,
        examples: { paper: { summary: 'The white paper’s status answer', value: PAPER_STATUS_RESPONSE } },
      },
      '404': NOT_YOURS,
    },
  },
  'GET /api/identifications/{refId}/identification-data': {
    responses: {
      '200': {
        description: 'The verified person data (OIDC4IDA verified_claims) with its evidence.',
        schema: IdentificationData,
      },
      '403': problem('The caller has no AML contract with the partner of this identification.'),
      '404': NOT_YOURS,
      '409': problem('The identification has no evidence yet.'),
    },
  },
  'GET /api/usage': {
    query: UsageQuery,
    responses: {
      '200': { description: 'The calling SP’s usage and statement for the month.', schema: UsageReport },
      '403': problem('The calling client has no SP setup.'),
    },
  },
  'POST /api/identifications/{refId}/terms-sms': {
    responses: {
      '202': { description: 'A new terms link is on its way; the old one is void.', schema: TermsSmsResent },
      '404': NOT_YOURS,
      '409': problem('The identification is not waiting for the person’s acceptance.'),
      '429': problem('The SMS was resent 3 times within the hour.', RETRY_AFTER),
    },
  },
};
