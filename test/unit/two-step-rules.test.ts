/**
 * The two-step rules (core/parse.ts TwoStepRule): a zod-free `wellFormed` reads the inputs it can
 * vouch for, and the function loads the zod schema only for the others. Each `wellFormed` is held
 * to its schema on generated inputs: whatever it reads, the schema accepts with the same result
 * (so a request is never let through that the schema refuses, nor read differently); for inputs
 * made of strings, as query parameters and form fields are, it reads exactly what the schema
 * accepts (so that good requests never load zod).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wellFormedProvidersQuery } from '../../lambdas/core/catalogue.js';
import { ProvidersQuery } from '../../lambdas/core/catalogue-schemas.js';
import { SIGNATURE_NEED_KEYS, wellFormedJourney } from '../../lambdas/core/demo-portal.js';
import { Journey } from '../../lambdas/core/demo-portal-forms.js';
import {
  CLAIMED_IDENTITY_ID,
  issuerNamePattern,
  MSISDN,
  matchesIssuerName,
  matchesSafeText,
  safeTextPattern,
} from '../../lambdas/core/domain.js';
import { IspEventClaims, IspEvidenceClaims } from '../../lambdas/core/evidence.js';
import {
  wellFormedIdempotencyHeader,
  wellFormedStartRequest,
} from '../../lambdas/core/identification-request.js';
import {
  IdempotencyHeader,
  StartIdentificationRequest,
} from '../../lambdas/core/identification-request-schema.js';
import {
  wellFormedIntrospectionRequest,
  wellFormedOrderTokenClaims,
} from '../../lambdas/core/introspection.js';
import { IntrospectionRequest, OrderTokenClaims } from '../../lambdas/core/introspection-schemas.js';
import {
  ISO_DATETIME_OFFSET,
  wellFormedIspEvent,
  wellFormedIspEvidence,
} from '../../lambdas/core/isp-messages.js';
import { ORDER_TOKEN_SCOPE, orderTokenClaims } from '../../lambdas/core/order-token-format.js';
import {
  parseTwoStepOrThrow,
  safeParseTwoStep,
  type TwoStepRule,
  toFieldErrors,
} from '../../lambdas/core/parse.js';
import { EMAIL, ISO_DATE, matchesPersonName, personNamePattern } from '../../lambdas/core/person-patterns.js';
import { RefIdParam } from '../../lambdas/core/ref-id.js';
import { refIdParamRefusal, wellFormedUuidParam } from '../../lambdas/core/ref-id-format.js';
import { usageQueryRefusal, wellFormedUsageQuery } from '../../lambdas/core/usage-report.js';
import { UsageQuery } from '../../lambdas/core/usage-report-schemas.js';
import {
  type VerifyRequest as VerifyBody,
  wellFormedVerifyRequest,
} from '../../lambdas/core/verify-request.js';
import { DN_PATTERN, VerifyRequest } from '../../lambdas/core/verify-schemas.js';
import { DeliveriesQuery, DeliveryParams, WebhookIdParam } from '../../lambdas/core/webhook-requests.js';
import {
  statusMessageId,
  wellFormedDeliveriesQuery,
  wellFormedDeliveryParams,
  wellFormedWebhookIdParam,
} from '../../lambdas/core/webhooks.js';
import * as z from '../../lambdas/core/zod.js';
import { regexes } from '../../lambdas/core/zod.js';
import { portablePattern } from '../../lambdas/http/portable-pattern.js';
import { PAPER_PROVIDERS_FILTERS, PAPER_VERIFY_BODY } from '../../lambdas/http/white-paper.js';
import { paperStartBody } from '../support/white-paper.js';

const RUNS = { numRuns: 2000 };

type Input = Readonly<Record<string, unknown>>;

/**
 * `wellFormed` against its schema for one input: what it reads, the schema accepts with the same
 * result. What it must read too: for `strings` (queries and forms, whose schemas convert), every input
 * made of strings the schema accepts; for `unchanged` (a JSON body or cookie, read as it is), every
 * input the schema returns unchanged — and what it reads is then the input itself.
 */
function expectHeldToSchema<T, I = Input>(
  wellFormed: (input: I) => T | undefined,
  schema: z.ZodMiniType<T>,
  input: I,
  reads: 'strings' | 'unchanged' = 'strings',
) {
  const read = wellFormed(input);
  const judged = schema.safeParse(input);
  if (read !== undefined) {
    expect(judged.success, `the schema refuses what wellFormed read: ${JSON.stringify(input)}`).toBe(true);
    expect(read).toStrictEqual(judged.data);
    if (reads === 'unchanged') expect(read).toStrictEqual(input);
  } else if (reads === 'strings' && Object.values(input as Input).every((v) => typeof v === 'string')) {
    expect(judged.success, `wellFormed leaves what the schema accepts: ${JSON.stringify(input)}`).toBe(false);
  } else if (reads === 'unchanged' && judged.success) {
    // What it leaves, the schema accepts only by changing it (trimming, reformatting a number).
    expect(
      judged.data,
      `wellFormed leaves what the schema returns unchanged: ${JSON.stringify(input)}`,
    ).not.toStrictEqual(input);
  }
}

/** Strings near each rule's edges, other strings, and values no query parameter has. */
const value = (edges: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...edges) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(3, true, null, undefined, ['3', '4'], {}) },
  );

/** Objects with some of the named parameters and sometimes others, from the given values. */
const params = (names: string[], values: fc.Arbitrary<unknown>) =>
  fc.dictionary(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...names) },
      fc.constantFrom('limit', 'constructor', '__proto__', 'x'),
    ),
    values,
    { maxKeys: 4 },
  );

describe('the usage query', () => {
  const months = [
    '2026-11',
    '2000-01',
    '2099-12',
    '2026-13',
    '2026-1',
    '1999-12',
    '2100-01',
    '2026-11-01',
    '',
  ];

  it('is read by wellFormedUsageQuery exactly as UsageQuery reads it', () => {
    for (const month of months) expectHeldToSchema(wellFormedUsageQuery, UsageQuery, { month });
    fc.assert(
      fc.property(params(['month'], value(months)), (input) =>
        expectHeldToSchema(wellFormedUsageQuery, UsageQuery, input),
      ),
      RUNS,
    );
  });

  it('is refused by usageQueryRefusal with exactly UsageQuery’s field errors, and only where it refuses', () => {
    // Query parameters are strings, each given once (http/request.ts singleQueryParams).
    const heldToRefusal = (input: Readonly<Record<string, string>>) => {
      const judged = UsageQuery.safeParse(input);
      expect(usageQueryRefusal(input), JSON.stringify(input)).toStrictEqual(
        judged.success ? [] : toFieldErrors(judged.error),
      );
    };
    for (const month of months) heldToRefusal({ month });
    const inputs: Record<string, string>[] = [
      {},
      { mon: '2026-11' },
      { month: '2026-11', year: '2026' },
      { x: '1', month: 'x' },
    ];
    for (const input of inputs) heldToRefusal(input);
    heldToRefusal(JSON.parse('{"__proto__": "x", "constructor": "y"}'));
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(
            { weight: 8, arbitrary: fc.constant('month') },
            fc.constantFrom('limit', '__proto__', 'x'),
          ),
          fc.oneof(fc.constantFrom(...months), fc.string({ maxLength: 12 })),
          { maxKeys: 3 },
        ),
        heldToRefusal,
      ),
      RUNS,
    );
  });

  it('is read without the schema for every month from 2000-01 to 2099-12', () => {
    for (let year = 2000; year <= 2099; year++)
      for (let m = 1; m <= 12; m++) {
        const month = `${year}-${String(m).padStart(2, '0')}`;
        expect(wellFormedUsageQuery({ month })).toEqual({ month });
      }
  });
});

describe('the providers query', () => {
  const NAMES = ['issuer', 'jurisdiction', 'loa', 'offline', 'realtimeMethod', 'offlineMethod', 'webflow'];
  const EDGES = [
    ...['Test-ISP', 'Video ISP', 'BankIdent_Demo.ch', 'Zürich-ID', 'a'.repeat(100), 'a'.repeat(101)],
    ...['-ISP', ' ISP', 'ISP\u202e', 'ISP\u200b', 'ISP\n', 'ISP;DROP', '*'],
    ...['ZERTES', 'EIDAS', 'eidas', 'ZERTES,EIDAS'],
    ...['3', '4', '5', '03', ' 3', '3.0'],
    ...['true', 'false', 'TRUE', 'yes', '1'],
    ...['video', 'courier', 'eid-plus', 'x'.repeat(32), 'x'.repeat(33), 'Video', '9video', 'vi deo'],
    '',
  ];

  it('is read by wellFormedProvidersQuery exactly as ProvidersQuery reads it', () => {
    for (const name of NAMES)
      for (const edge of EDGES)
        expectHeldToSchema(wellFormedProvidersQuery, ProvidersQuery, { [name]: edge });
    fc.assert(
      fc.property(params(NAMES, value(EDGES)), (input) =>
        expectHeldToSchema(wellFormedProvidersQuery, ProvidersQuery, input),
      ),
      RUNS,
    );
  });

  it('reads the paper’s query and no query at all without the schema', () => {
    expect(wellFormedProvidersQuery(PAPER_PROVIDERS_FILTERS)).toStrictEqual(
      ProvidersQuery.parse(PAPER_PROVIDERS_FILTERS),
    );
    expect(wellFormedProvidersQuery(PAPER_PROVIDERS_FILTERS)).toMatchObject({
      loa: 3,
      offline: true,
      webflow: true,
    });
    expect(wellFormedProvidersQuery({ loa: '4', offlineMethod: 'courier', webflow: 'false' })).toStrictEqual({
      loa: 4,
      offlineMethod: 'courier',
      webflow: false,
    });
    expect(wellFormedProvidersQuery({})).toStrictEqual({});
  });
});

describe('the refId path parameter', () => {
  const wellFormedRefIdParam = wellFormedUuidParam('refId');
  const EDGES = [
    ...['3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60', '3F1C2A9E-8B7D-4C6E-9F0A-1B2C3D4E5F60'],
    ...['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ...['FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '00000000-0000-1000-8000-000000000000'],
    // versions 1-8 and none else, variant 8-b, the length and the hyphens
    ...['3f1c2a9e-8b7d-0c6e-9f0a-1b2c3d4e5f60', '3f1c2a9e-8b7d-8c6e-9f0a-1b2c3d4e5f60'],
    ...['3f1c2a9e-8b7d-9c6e-9f0a-1b2c3d4e5f60', '3f1c2a9e-8b7d-4c6e-7f0a-1b2c3d4e5f60'],
    ...['3f1c2a9e-8b7d-4c6e-cf0a-1b2c3d4e5f60', '3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60'],
    ...['3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f6', '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f600'],
    ...[' 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60', '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60\n'],
    ...['{3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60}', 'g f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60', ''],
  ];

  it('is read by wellFormedUuidParam exactly as RefIdParam reads it', () => {
    for (const refId of EDGES) expectHeldToSchema(wellFormedRefIdParam, RefIdParam, { refId });
    for (const extra of [{ refId: EDGES[0], id: EDGES[0] }, { id: EDGES[0] }, {}])
      expectHeldToSchema(wellFormedRefIdParam, RefIdParam, extra);
    fc.assert(
      fc.property(
        params(['refId'], fc.oneof(value(EDGES), fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }))),
        (input) => expectHeldToSchema(wellFormedRefIdParam, RefIdParam, input),
      ),
      RUNS,
    );
  });

  it('is refused by refIdParamRefusal with exactly RefIdParam’s field errors, and only where it refuses', () => {
    const heldToRefusal = (input: Input) => {
      const judged = RefIdParam.safeParse(input);
      expect(refIdParamRefusal(input), JSON.stringify(input)).toStrictEqual(
        judged.success ? [] : toFieldErrors(judged.error),
      );
    };
    for (const refId of EDGES) heldToRefusal({ refId });
    for (const input of [
      {},
      { refId: EDGES[0], id: EDGES[0] },
      { id: EDGES[0] },
      { id: 'x', refId: 'x', other: EDGES[0] },
      { refId: 3 },
      { refId: null, '': 'x', 'a.b': 'y' },
      JSON.parse('{"__proto__": "x", "refId": "x"}'),
      Object.assign(Object.create(null), { refId: 'x', constructor: 'y' }),
    ])
      heldToRefusal(input);
    fc.assert(
      fc.property(
        params(['refId'], fc.oneof(value(EDGES), fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }))),
        heldToRefusal,
      ),
      RUNS,
    );
  });

  it('reads a good refId without the schema and leaves everything else to it', () => {
    expect(wellFormedRefIdParam({ refId: EDGES[0] })).toStrictEqual({ refId: EDGES[0] });
    expect(wellFormedRefIdParam({ refId: 'not-a-uuid' })).toBeUndefined();
    expect(wellFormedRefIdParam({ refId: EDGES[0], extra: 'x' })).toBeUndefined();
    expect(wellFormedRefIdParam({})).toBeUndefined();
  });
});

describe('the webhook routes’ parameters', () => {
  const UUIDS = [
    '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60',
    '3F1C2A9E-8B7D-4C6E-9F0A-1B2C3D4E5F60',
    '3f1c2a9e-8b7d-9c6e-9f0a-1b2c3d4e5f60',
    'not-a-uuid',
    '',
  ];
  const MESSAGE_IDS = [
    statusMessageId(UUIDS[0] as string, 1),
    statusMessageId(UUIDS[0] as string, 999),
    'msg_3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60_1000',
    'msg_3F1C2A9E8B7D4C6E9F0A1B2C3D4E5F60_1',
    'msg_3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f6_1',
    'msg_3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60_',
    `msg_${'0'.repeat(600)}`,
    'PK#x',
    '',
  ];
  const LIMITS = ['1', '9', '10', '50', '99', '100', '0', '101', '01', '1.0', ' 5', '5\n', '-1', 'abc', ''];

  it('{id} is read by wellFormedWebhookIdParam exactly as WebhookIdParam reads it', () => {
    for (const id of UUIDS) expectHeldToSchema(wellFormedWebhookIdParam, WebhookIdParam, { id });
    fc.assert(
      fc.property(params(['id'], fc.oneof(value(UUIDS), fc.uuid())), (input) =>
        expectHeldToSchema(wellFormedWebhookIdParam, WebhookIdParam, input),
      ),
      RUNS,
    );
  });

  it('{id} and {messageId} are read by wellFormedDeliveryParams exactly as DeliveryParams reads them', () => {
    for (const id of UUIDS)
      for (const messageId of MESSAGE_IDS)
        expectHeldToSchema(wellFormedDeliveryParams, DeliveryParams, { id, messageId });
    expectHeldToSchema(wellFormedDeliveryParams, DeliveryParams, { id: UUIDS[0] });
    expectHeldToSchema(wellFormedDeliveryParams, DeliveryParams, { messageId: MESSAGE_IDS[0] });
    fc.assert(
      fc.property(
        params(['id', 'messageId'], fc.oneof(value([...UUIDS, ...MESSAGE_IDS]), fc.uuid())),
        (input) => expectHeldToSchema(wellFormedDeliveryParams, DeliveryParams, input),
      ),
      RUNS,
    );
  });

  it('the deliveries query is read by wellFormedDeliveriesQuery exactly as DeliveriesQuery reads it', () => {
    for (const limit of LIMITS) expectHeldToSchema(wellFormedDeliveriesQuery, DeliveriesQuery, { limit });
    expectHeldToSchema(wellFormedDeliveriesQuery, DeliveriesQuery, {});
    fc.assert(
      fc.property(params(['limit'], value(LIMITS)), (input) =>
        expectHeldToSchema(wellFormedDeliveriesQuery, DeliveriesQuery, input),
      ),
      RUNS,
    );
  });

  it('reads the parameters the service makes without the schema', () => {
    const id = UUIDS[0] as string;
    expect(wellFormedWebhookIdParam({ id })).toStrictEqual({ id });
    const messageId = statusMessageId(id, 3);
    expect(wellFormedDeliveryParams({ id, messageId })).toStrictEqual({ id, messageId });
    expect(wellFormedDeliveriesQuery({})).toStrictEqual({});
    expect(wellFormedDeliveriesQuery({ limit: '100' })).toStrictEqual({ limit: '100' });
    expect(wellFormedDeliveriesQuery({ limit: '101' })).toBeUndefined();
  });
});

describe('the introspection form', () => {
  const EDGES = [
    'eyJh.eyJz.c2ln',
    'x',
    '',
    'a'.repeat(8192),
    'a'.repeat(8193),
    'access_token',
    'h'.repeat(64),
    'h'.repeat(65),
    // Two UTF-16 units each: zod counts code points.
    '😀'.repeat(64),
    '😀'.repeat(65),
    '😀'.repeat(8192),
    '😀'.repeat(8193),
  ];

  it('is read by wellFormedIntrospectionRequest exactly as IntrospectionRequest reads it', () => {
    for (const name of ['token', 'token_type_hint', 'scope'])
      for (const edge of EDGES) {
        expectHeldToSchema(wellFormedIntrospectionRequest, IntrospectionRequest, { [name]: edge });
        expectHeldToSchema(wellFormedIntrospectionRequest, IntrospectionRequest, {
          token: 't',
          [name]: edge,
        });
      }
    fc.assert(
      fc.property(params(['token', 'token_type_hint', 'resource'], value(EDGES)), (input) =>
        expectHeldToSchema(wellFormedIntrospectionRequest, IntrospectionRequest, input),
      ),
      RUNS,
    );
  });

  it('reads a token with a hint and other parameters without the schema, keeping them', () => {
    const form = { token: 'eyJh.eyJz.c2ln', token_type_hint: 'access_token', resource: 'x' };

    expect(wellFormedIntrospectionRequest(form)).toStrictEqual(IntrospectionRequest.parse(form));
    expect(wellFormedIntrospectionRequest({ token: 'eyJh.eyJz.c2ln' })).toStrictEqual({
      token: 'eyJh.eyJz.c2ln',
    });
  });
});

describe('the verify request', () => {
  const EDGES: Record<keyof typeof PAPER_VERIFY_BODY, unknown[]> = {
    msisdn: [
      ...['41791234567', '+41791234567', '12345678', '+123456789012345', '123456789012345'],
      ...['1234567', '1234567890123456', '01234567', '+0123456789', '++41791234567', '+', ''],
      ...['41 79 123 45 67', '41791234567 ', '41791234567\n', '４１７９１２３４５６７', '٤١٧٩١٢٣٤٥٦٧'],
      41791234567,
    ],
    claimedIdentity: [
      ...['test-client', 'a', '0', 'x:y_z.1-2', 'a'.repeat(128), 'a'.repeat(129), ''],
      ...['-x', '.x', 'x y', 'Zürich', 'CLAIMED#x', 'x\n', 'x\u200b'],
    ],
    assuranceLevel: [3, 4, 2, 5, 3.5, -3, '3', '4', 'AES', true, [3]],
    distinguishedName: [
      ...['gn=Hans, sn=Müller, cn=Hans Müller, c=CH', 'cn=a', 'CN = a ; SN = b', 'cn=a+sn=b', '2.5.4.3=a'],
      ...['cn="Müller, Hans"', 'cn=Hans\\, Müller', 'cn=M\\C3\\BCller', 'GivenName=Zoë', 'serialNumber=1'],
      `cn=${'a'.repeat(1021)}`,
      `cn=${'a'.repeat(1022)}`,
      ...['', ' ', 'cn', '=a', 'cn=', 'cn= ', 'cn=a,', ',cn=a', 'cn=a,,sn=b', '1a=x', 'c n=a'],
      ...['cn="a', 'cn=a\\', 'cn=\\00', 'cn=\\C3', 'cn=a\u200b', 'cn=a\u202e', 'cn=a\u2028', 'cn=a\n'],
    ],
  };
  const NAMES = Object.keys(EDGES) as (keyof typeof PAPER_VERIFY_BODY)[];
  const allEdges = Object.values(EDGES).flat();
  /** A value for a field: its own edges mostly, sometimes another field's, text, or another JSON value. */
  const fieldValue = (name: keyof typeof PAPER_VERIFY_BODY) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...EDGES[name]) },
      { weight: 2, arbitrary: fc.constantFrom(...allEdges) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 0, false, {}, ['x']) },
    );
  /** Bodies as JSON.parse makes them: some fields left out, sometimes another (an own __proto__ too). */
  const body = fc
    .tuple(
      fc.record(Object.fromEntries(NAMES.map((n) => [n, fieldValue(n)])), { requiredKeys: [] }),
      fc.option(fc.constantFrom('x', 'constructor', '__proto__', 'MSISDN')),
    )
    .map(([known, extra]) => {
      const json = JSON.stringify(known);
      return JSON.parse(extra ? `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"${extra}":1}` : json);
    });
  const held = (input: Input) =>
    expectHeldToSchema(wellFormedVerifyRequest, VerifyRequest, input, 'unchanged');

  it('is read by wellFormedVerifyRequest exactly as VerifyRequest reads it, every field near its edges', () => {
    for (const name of NAMES) {
      for (const edge of EDGES[name]) held({ ...PAPER_VERIFY_BODY, [name]: edge });
      const { [name]: _left, ...without } = PAPER_VERIFY_BODY;
      held(without);
    }
    for (const extra of ['x', 'constructor', '__proto__'])
      held(JSON.parse(`${JSON.stringify(PAPER_VERIFY_BODY).slice(0, -1)},"${extra}":1}`));
    fc.assert(
      fc.property(body, (input) => held(input)),
      RUNS,
    );
  });

  it('reads without the schema every body of the published form (the DN by the OpenAPI document’s pattern)', () => {
    const dn = fc.stringMatching(new RegExp(portablePattern(DN_PATTERN))).filter((d) => d.length <= 1024);
    fc.assert(
      fc.property(
        fc.stringMatching(MSISDN),
        fc.stringMatching(CLAIMED_IDENTITY_ID),
        fc.constantFrom(3, 4),
        dn,
        (msisdn, claimedIdentity, assuranceLevel, distinguishedName) => {
          const input = { msisdn, claimedIdentity, assuranceLevel, distinguishedName };
          expect(wellFormedVerifyRequest(input)).toStrictEqual(VerifyRequest.parse(input));
        },
      ),
      RUNS,
    );
  });

  it('reads the paper’s body as it is, and leaves the schema a body with another field or a level as text', () => {
    expect(wellFormedVerifyRequest(PAPER_VERIFY_BODY)).toStrictEqual(PAPER_VERIFY_BODY);
    expect(wellFormedVerifyRequest({ ...PAPER_VERIFY_BODY, assuranceLevel: '3' })).toBeUndefined();
    expect(wellFormedVerifyRequest({ ...PAPER_VERIFY_BODY, signature: 'x' })).toBeUndefined();
  });
});

describe('the order token claims', () => {
  const REF_ID = '0b5a3c9e-6f1d-4c2a-9e8b-7d6c5b4a3f21';
  const signed = () =>
    orderTokenClaims({
      issuer: 'https://srs.example.com',
      audience: 'Test-ISP',
      refId: REF_ID,
      method: 'video',
      loa: 3,
      now: new Date('2026-11-30T10:00:00Z'),
      expiresAt: new Date('2026-11-30T10:30:00Z'),
      jti: '5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b',
    });
  /** Values near the edges of each claim's rule, and values of the wrong type. */
  const CLAIM_EDGES: Record<string, unknown[]> = {
    iss: [
      'https://srs.example.com',
      'http://127.0.0.1:3000',
      ' https://srs.example.com',
      'https://srs.\nexample.com',
      'srs.example.com',
      'urn:x',
      '',
    ],
    aud: ['Test-ISP', '', 'x'],
    sub: [
      REF_ID,
      REF_ID.toUpperCase(),
      '00000000-0000-0000-0000-000000000000',
      '0b5a3c9e-6f1d-9c2a-9e8b-7d6c5b4a3f21',
      'x',
    ],
    refId: [REF_ID, REF_ID.toUpperCase(), 'ffffffff-ffff-ffff-ffff-ffffffffffff', `${REF_ID}0`],
    method: ['video', 'Video', 'x'.repeat(32), 'x'.repeat(33), ''],
    loa: [3, 4, 5, '3', 3.5],
    scope: [ORDER_TOKEN_SCOPE, 'identification ', 'other'],
    iat: [
      0,
      1_700_000_000,
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 1,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      '1700000000',
    ],
    exp: [1_800_000_000, -0, 2 ** 53],
    jti: ['5e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b', '5e2d1c0b9a8f4e7d8c6b5a4f3e2d1c0b', null],
  };
  const held = (claims: Record<string, unknown>) =>
    expectHeldToSchema(wellFormedOrderTokenClaims, OrderTokenClaims, claims);

  it('are read by wellFormedOrderTokenClaims as OrderTokenClaims reads them, every claim near its edges', () => {
    for (const [claim, values] of Object.entries(CLAIM_EDGES)) {
      for (const v of values) held({ ...signed(), [claim]: v });
      const without: Record<string, unknown> = { ...signed() };
      delete without[claim];
      held(without);
    }
    held({ ...signed(), nbf: 1, extra: { nested: true } });
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(Object.entries(CLAIM_EDGES).map(([k, v]) => [k, fc.constantFrom(...v)])),
        ),
        (claims) => held(claims),
      ),
      RUNS,
    );
  });

  it('are read without the schema for every token the service signs, other claims left out as the schema does', () => {
    fc.assert(
      fc.property(
        fc.uuid({ version: 4 }),
        fc.uuid({ version: 4 }),
        fc.constantFrom<3 | 4>(3, 4),
        (refId, jti, loa) => {
          const claims = { ...signed(), sub: refId, refId, jti, loa };
          expect(wellFormedOrderTokenClaims({ ...claims, nbf: 1 })).toStrictEqual(claims);
        },
      ),
      RUNS,
    );
  });
});

describe('the demo portal’s journey cookie', () => {
  const names = [
    'Anna',
    'Hans-Peter',
    "O'Brien",
    'Zoë',
    'Jean-Luc.',
    '李',
    'A'.repeat(100),
    'A'.repeat(101),
    '𝒜'.repeat(100),
    '𝒜'.repeat(101),
  ];
  const nameEdges = [...names, ' Anna', 'Anna ', '', 'Hans-', 'Anna\u200b', '1Anna', 'Anna\n'];
  const mobiles = ['+41791234567', '+4179123456', '+123456789012345', '+1234567890123456', '+1234567'];
  const mobileEdges = [
    ...mobiles,
    '0041791234567',
    '+41 79 123 45 67',
    '+0791234567',
    ' +41791234567',
    '41791234567',
  ];
  const refIds = ['6213d8b0-173b-4889-a194-dd5db02c67d9', '00000000-0000-0000-0000-000000000000'];
  const refIdEdges = [
    ...refIds,
    '6213d8b0-173b-0889-a194-dd5db02c67d9',
    '6213D8B0-173B-4889-A194-DD5DB02C67D9',
    '',
  ];
  const needEdges = [...SIGNATURE_NEED_KEYS, 'QES', 'constructor', 'toString', ''];
  const other = fc.constantFrom<unknown>(3, true, null, ['Anna'], {});
  const field = (edges: string[]) =>
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...edges) }, fc.string({ maxLength: 8 }), other);
  /** Objects with the named fields (some left out), sometimes another field. */
  const withFields = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc
      .tuple(
        fc.record(fields, { requiredKeys: [] }),
        fc.option(fc.dictionary(fc.constantFrom('x', 'constructor', 'signature'), other, { maxKeys: 1 })),
      )
      .map(([known, extra]) => ({ ...known, ...(extra ?? {}) }));
  const signer = withFields({
    firstName: field(nameEdges),
    lastName: field(nameEdges),
    mobile: field(mobileEdges),
    need: field(needEdges),
  });
  const journey = withFields({
    signer: fc.oneof({ weight: 8, arbitrary: signer }, other),
    refId: field(refIdEdges),
  });

  it('reads only journeys the schema returns unchanged, and each of those (so a cookie the portal wrote loads no zod)', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: journey }, other), (value) =>
        expectHeldToSchema<Journey, unknown>(wellFormedJourney, Journey, value, 'unchanged'),
      ),
      RUNS,
    );
  });

  it('reads the journey the signer form returns, with and without the order', () => {
    const signerOut = { firstName: 'Zoë', lastName: "O'Brien", mobile: '+41791234567', need: 'qes-eidas' };
    expect(wellFormedJourney({ signer: signerOut })).toStrictEqual({ signer: signerOut });
    expect(wellFormedJourney({ signer: signerOut, refId: refIds[0] })).toStrictEqual({
      signer: signerOut,
      refId: refIds[0],
    });
    expect(wellFormedJourney({ signer: { ...signerOut, firstName: ' Zoë' } })).toBeUndefined();
  });
});

describe('a two-step rule read without throwing (safeParseTwoStep)', () => {
  /** The verify request's rule, counting the loads of its schema. */
  function verifyRule() {
    const rule = {
      loads: 0,
      wellFormed: wellFormedVerifyRequest,
      schema: async () => {
        rule.loads += 1;
        return VerifyRequest;
      },
    } satisfies TwoStepRule<VerifyBody> & { loads: number };
    return rule;
  }

  it('answers what wellFormed read without loading the schema', async () => {
    const rule = verifyRule();

    expect(await safeParseTwoStep(rule, PAPER_VERIFY_BODY)).toStrictEqual({
      success: true,
      data: PAPER_VERIFY_BODY,
    });
    expect(rule.loads).toBe(0);
  });

  it('answers the schema’s verdict on what wellFormed leaves: its value, or its refusal without a throw', async () => {
    const rule = verifyRule();
    const asText = { ...PAPER_VERIFY_BODY, assuranceLevel: '4' };

    const refused = await safeParseTwoStep(rule, asText);
    expect(refused.success).toBe(false);
    expect(refused.success ? [] : toFieldErrors(refused.error)).toEqual([
      { field: 'assuranceLevel', message: 'Must be the number 3 (advanced) or 4 (qualified).' },
    ]);
    expect(rule.loads).toBe(1);
    // parseTwoStepOrThrow throws the 400 problem with these field errors.
    await expect(parseTwoStepOrThrow(rule, asText)).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'assuranceLevel', message: 'Must be the number 3 (advanced) or 4 (qualified).' }],
    });
  });

  it('answers the schema’s value for what wellFormed declined but the schema accepts (by changing it)', async () => {
    let loads = 0;
    const rule: TwoStepRule<StartIdentificationRequest> = {
      wellFormed: wellFormedStartRequest,
      schema: async () => {
        loads += 1;
        return StartIdentificationRequest;
      },
    };
    // z.url trims the redirect URL; the reader reads only what the schema returns unchanged.
    const padded = paperStartBody({ redirectUrl: ' https://sp.example.com/back ' });

    expect(await safeParseTwoStep(rule, padded)).toStrictEqual({
      success: true,
      data: paperStartBody({ redirectUrl: 'https://sp.example.com/back' }),
    });
    expect(loads).toBe(1);
  });
});

describe('the start call’s request', () => {
  // Computed at each use, so that a run crossing midnight (UTC) compares with the day it reads on.
  const today = () => new Date().toISOString().slice(0, 10);
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  /** A body the schema accepts, each field with its values near the edges of its rule. */
  const VALID: Record<string, unknown[]> = {
    get dob() {
      return ['1978-02-28', '1900-01-01', '2000-02-29', today()];
    },
    email: [
      'hans.muster@example.ch',
      "o'brien+sig@mail.example.co",
      'a@b.cd',
      `${'a'.repeat(64)}@${'b'.repeat(186)}.ch`,
    ],
    // Astral letters are two UTF-16 units each; zod counts the length in code points.
    firstName: ['Hans', 'Zoë', 'Jean-Luc.', '李', "O'Brien", 'A'.repeat(100), '𝒜'.repeat(100)],
    language: ['en', 'de', 'fr', 'it'],
    lastName: ['Muster', 'van der Berg', 'Ó Súilleabháin', 'B'.repeat(100), `𝒜${'b'.repeat(99)}`],
    mobile: ['+41791234567', '+4179123456', '+123456789012345'],
    issuer: ['Test-ISP', 'BankIdent_Demo.ch', 'Zürich ID', 'a'.repeat(100), '𝒜'.repeat(100)],
    method: ['test', 'video', 'eid-plus', 'x'.repeat(32)],
    jurisdiction: ['ZERTES', 'EIDAS'],
    assuranceLevel: [3, 4],
    redirectUrl: [
      'https://sp.example.com/done?x=1#y',
      'http://localhost:3000/back',
      'http://127.0.0.1/back',
      'http://localhost',
      'http://127.0.0.1:8080',
      'http://[::1]:8080/back',
      'HTTPS://SP.EXAMPLE.COM/',
      `https://sp.example.com/${'a'.repeat(2025)}`,
      `https://sp.example.com/${'😀'.repeat(1012)}`,
      'https://[::1]/x',
      'https://sp.example.com/ä',
    ],
    state: ['x', 'order 42 ✓', 'a'.repeat(512), '😀'.repeat(512), `😀${'a'.repeat(511)}`],
  };
  /** Values the schema refuses or changes, per field. */
  const INVALID: Record<string, unknown[]> = {
    get dob() {
      return [
        tomorrow(),
        '1899-12-31',
        '1900-02-29',
        '2023-02-29',
        '1980-13-01',
        '1980-1-01',
        ' 1980-01-01',
        '19800101',
      ];
    },
    email: [
      'a@b',
      'a..b@x.ch',
      '.a@x.ch',
      'a.@x.ch',
      'a@-x.ch',
      'ä@x.ch',
      'a @x.ch',
      'a@x.c',
      ` a@x.ch`,
      `${'a'.repeat(64)}@${'b'.repeat(187)}.ch`,
    ],
    firstName: [
      '',
      ' Hans',
      'Hans ',
      'Hans-',
      '1Hans',
      'Hans\u200b',
      'Hans\n',
      'A'.repeat(101),
      '𝒜'.repeat(101),
    ],
    language: ['EN', 'es', '', 'de-CH'],
    lastName: ['', '-', 'B'.repeat(101)],
    mobile: [
      '0041791234567',
      '+41 79 123 45 67',
      '+0791234567',
      '+1234567',
      '+1234567890123456',
      ' +41791234567',
    ],
    issuer: ['', '-ISP', ' ISP', 'ISP\u202e', 'ISP;x', 'a'.repeat(101), '𝒜'.repeat(101)],
    method: ['', 'Video', '9video', 'vi deo', 'x'.repeat(33)],
    jurisdiction: ['eidas', '', 'ZERTES,EIDAS'],
    assuranceLevel: [5, 3.5, 0, -3],
    redirectUrl: [
      'http://example.com/x',
      // The loopback host as the user name or password, the real host after the `@`.
      'http://localhost:x@evil.example/',
      'http://127.0.0.1:@evil.example/',
      'http://localhost@evil.example/',
      'http://user@localhost/',
      'https://user:secret@sp.example.com/',
      'https://user@sp.example.com/',
      'http://localhostx.com/',
      'http://localhost.example.com/',
      'http://localhost.evil.com/',
      'http://127.0.0.1.nip.io/',
      'http://[::2]/',
      'https:/sp.example.com',
      'https:sp.example.com',
      'ftp://sp.example.com/',
      'https://',
      'https://exa mple.com/',
      ' https://sp.example.com/',
      'https://sp.example.com/ ',
      'https://sp.example.com/\t',
      'https://sp.exa\nmple.com/',
      `https://sp.example.com/${'a'.repeat(2026)}`,
      'https://sp.example.com:99999/',
      'sp.example.com',
    ],
    state: ['', 'a\u202e', 'a\n', 'a'.repeat(513), '😀'.repeat(513)],
  };
  const OTHER: unknown[] = [3, '3', true, null, [], {}, ['Hans']];
  const OPTIONAL = ['issuer', 'method', 'jurisdiction', 'assuranceLevel', 'redirectUrl', 'state'];
  const first = (field: string) => (VALID[field] as unknown[])[0];
  const full = () => Object.fromEntries(Object.keys(VALID).map((f) => [f, first(f)]));

  /** Held to the schema, and what it reads is the schema's answer key for key, in the schema's order. */
  function held(body: Input) {
    const read = wellFormedStartRequest(body);
    const judged = StartIdentificationRequest.safeParse(body);
    if (read !== undefined) {
      expect(judged.success, `the schema refuses what wellFormed read: ${JSON.stringify(body)}`).toBe(true);
      expect(read).toStrictEqual(judged.data);
      expect(JSON.stringify(read)).toBe(JSON.stringify(judged.data));
    } else if (judged.success) {
      // What it leaves, the schema accepts only by changing it (z.url trims the redirect URL).
      expect(
        judged.data,
        `wellFormed leaves what the schema accepts unchanged: ${JSON.stringify(body)}`,
      ).not.toStrictEqual(body);
    }
    return read;
  }

  it('reads the paper’s body and one naming its partner without the schema, as the schema returns them', () => {
    const paper = paperStartBody();
    expect(held(paper)).toStrictEqual(StartIdentificationRequest.parse(paper));
    const { issuer: _, method: __, ...choosing } = paper;
    expect(held(choosing)).toStrictEqual(StartIdentificationRequest.parse(choosing));
    expect(held(full())).toStrictEqual(full());
  });

  it('is held to StartIdentificationRequest on every field near its edges, present and absent', () => {
    for (const field of Object.keys(VALID)) {
      for (const v of VALID[field] as unknown[])
        expect(held({ ...full(), [field]: v }), `${field}: ${JSON.stringify(v)}`).toBeDefined();
      for (const v of INVALID[field] as unknown[])
        expect(held({ ...full(), [field]: v }), `${field}: ${JSON.stringify(v)}`).toBeUndefined();
      for (const v of OTHER) held({ ...full(), [field]: v });
      const without: Record<string, unknown> = full();
      delete without[field];
      // Without a required field the schema refuses; without issuer or method the pair is broken.
      expect(held(without) !== undefined, field).toBe(
        OPTIONAL.includes(field) && field !== 'issuer' && field !== 'method',
      );
    }
    for (const extra of ['x', 'constructor', '__proto__', 'Issuer'])
      expect(held({ ...full(), ...JSON.parse(`{"${extra}":1}`) }), extra).toBeUndefined();
    // No JSON body has an undefined value; an object with one is left to the schema.
    expect(wellFormedStartRequest({ ...full(), state: undefined })).toBeUndefined();
  });

  it('reads issuer and method only together, as the schema pairs them', () => {
    const { issuer, method, ...choosing } = full();
    expect(held(choosing)).toBeDefined();
    expect(held({ ...choosing, issuer })).toBeUndefined();
    expect(held({ ...choosing, method })).toBeUndefined();
    expect(held({ ...choosing, issuer, method })).toBeDefined();
  });

  it('is held to StartIdentificationRequest on generated bodies', () => {
    const field = (name: string) =>
      fc.oneof(
        { weight: 24, arbitrary: fc.constantFrom(...(VALID[name] as unknown[])) },
        { weight: 2, arbitrary: fc.constantFrom(...(INVALID[name] as unknown[])) },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER) },
      );
    const body = fc
      .tuple(
        fc.record(Object.fromEntries(Object.keys(VALID).map((name) => [name, field(name)])), {
          requiredKeys: Object.keys(VALID).filter((name) => !OPTIONAL.includes(name)),
        }),
        fc.option(
          fc.dictionary(fc.constantFrom('x', 'constructor', '__proto__'), fc.constant(1), { maxKeys: 1 }),
          { freq: 10 },
        ),
        fc.boolean(),
      )
      .map(([known, extra, paired]) => {
        const b: Record<string, unknown> = { ...known, ...(extra ?? {}) };
        // Mostly both or neither of issuer and method, so that the other rules are reached.
        if (paired && (b.issuer === undefined) !== (b.method === undefined)) {
          delete b.issuer;
          delete b.method;
        }
        return b;
      });
    let read = 0;
    fc.assert(
      fc.property(body, (b) => {
        if (held(b) !== undefined) read += 1;
      }),
      { numRuns: 4000 },
    );
    // The generated bodies are well-formed often enough that the reading direction is exercised.
    expect(read).toBeGreaterThan(200);
  });

  it('refuses a redirect URL whose text names the loopback host but whose host is another, or with credentials', () => {
    const errorsFor = (redirectUrl: string) => {
      const judged = StartIdentificationRequest.safeParse({ ...full(), redirectUrl });
      return judged.success ? [] : toFieldErrors(judged.error);
    };
    for (const url of [
      'http://localhost:x@evil.example/',
      'http://127.0.0.1:@evil.example/',
      'http://evil.example/',
    ])
      expect(errorsFor(url), url).toStrictEqual([
        {
          field: 'redirectUrl',
          message: 'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).',
        },
      ]);
    for (const url of ['https://user:secret@sp.example.com/', 'http://user@localhost/'])
      expect(errorsFor(url), url).toStrictEqual([
        { field: 'redirectUrl', message: 'Must not contain a user name or password.' },
      ]);
  });

  it('reads the Idempotency-Key header as IdempotencyHeader does', () => {
    const keys = [
      'k',
      'a'.repeat(255),
      '7c1f6b1e-key',
      '!~',
      'a'.repeat(256),
      '',
      ' a',
      'a b',
      'ä',
      '\x7f',
      undefined,
      3,
    ];
    for (const key of keys)
      expectHeldToSchema(wellFormedIdempotencyHeader, IdempotencyHeader, { 'Idempotency-Key': key });
    expectHeldToSchema(wellFormedIdempotencyHeader, IdempotencyHeader, {});
    // The handler passes the one header; another field (which the schema would strip) goes to the schema.
    expect(wellFormedIdempotencyHeader({ 'idempotency-key': 'k' })).toBeUndefined();
    expect(wellFormedIdempotencyHeader({ 'Idempotency-Key': 'k', x: 'k' })).toBeUndefined();
    expect(wellFormedIdempotencyHeader({ 'Idempotency-Key': 'k' })).toStrictEqual({ 'Idempotency-Key': 'k' });
    expect(wellFormedIdempotencyHeader({ 'Idempotency-Key': undefined })).toStrictEqual({
      'Idempotency-Key': undefined,
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 8 })),
        (key) =>
          expectHeldToSchema(wellFormedIdempotencyHeader, IdempotencyHeader, { 'Idempotency-Key': key }),
      ),
      RUNS,
    );
  });

  it('decides names, free text and issuer names as their Unicode patterns do, Latin and ASCII ones without building them', () => {
    const rules = [
      ['person name', matchesPersonName, personNamePattern()],
      ['free text', matchesSafeText, safeTextPattern()],
      ['issuer name', matchesIssuerName, issuerNamePattern()],
    ] as const;
    // Every code point of the BMP (and a few astral ones) alone, inside, at the end and doubled.
    const codePoints = [...Array(0x10000).keys(), 0x1d400, 0x1f600, 0x20000, 0xe0001];
    const texts = codePoints.flatMap((p) => {
      const c = String.fromCodePoint(p);
      return [c, `A${c}a`, `Jo${c}`, `${c}${c}`];
    });
    for (const [rule, test, pattern] of rules)
      expect(
        texts.filter((text) => test(text) !== pattern.test(text)),
        rule,
      ).toEqual([]);
    expect(['Hans', 'Zoë', "O'Brien", 'Łukasz', '李', 'Hans×'].map(matchesPersonName)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(['Test-ISP', 'Bank 1.0', 'Zürich_ID', '-ISP', 'ISP\u00AD'].map(matchesIssuerName)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(['state 1', 'é', '\u00AD', '\u200B', '\u2028', '\t'].map(matchesSafeText)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'a',
            'Z',
            '7',
            'é',
            'ß',
            'ÿ',
            '×',
            '÷',
            'Ł',
            '李',
            '\u0301',
            '\u00AD',
            "'",
            '’',
            ' ',
            '.',
            '_',
            '-',
            '\t',
          ),
          maxLength: 12,
        }),
        (text) => rules.every(([, test, pattern]) => test(text) === pattern.test(text)),
      ),
      RUNS,
    );
  });

  it('checks email addresses and dates with the patterns z.email() and z.iso.date() check', () => {
    expect([EMAIL.source, EMAIL.flags]).toEqual([regexes.email.source, regexes.email.flags]);
    expect([ISO_DATE.source, ISO_DATE.flags]).toEqual([regexes.date.source, regexes.date.flags]);
  });
});

describe('a partner’s message', () => {
  const REF_ID = '0b5a3c9e-6f1d-4c2a-9e8b-7d6c5b4a3f21';
  /**
   * Held exactly: the reader reads a message if and only if the schema accepts it, and reads it as
   * the schema returns it, claims in the schema's order (no rule of these schemas changes a value:
   * the schema only leaves out claims it does not know, as the reader does).
   */
  function heldExactly<T>(wellFormed: (c: Input) => T | undefined, schema: z.ZodMiniType<T>, claims: Input) {
    const read = wellFormed(claims);
    const judged = schema.safeParse(claims);
    expect(read !== undefined, `read ${JSON.stringify(claims)}`).toBe(judged.success);
    if (read !== undefined) expect(JSON.stringify(read)).toBe(JSON.stringify(judged.data));
    if (read !== undefined) expect(read).toStrictEqual(judged.data);
    return read;
  }
  /** A copy of `claims` with `value` at `path` (a dotted path; absent when `value` is ABSENT). */
  const ABSENT = Symbol('absent');
  function withAt(claims: Input, path: string, value: unknown): Record<string, unknown> {
    const copy = structuredClone(claims) as Record<string, unknown>;
    const names = path.split('.');
    let at: Record<string, unknown> = copy;
    for (const name of names.slice(0, -1)) at = at[name] as Record<string, unknown>;
    const last = names.at(-1) as string;
    if (value === ABSENT) delete at[last];
    else at[last] = value;
    return copy;
  }
  /** Values no claim of these schemas takes (a JSON payload's other types). */
  const OTHER: unknown[] = [3, '3', true, null, [], {}, ['x'], ABSENT];
  const TEXT_EDGES = (max: number) => [
    'x',
    'a'.repeat(max),
    '😀'.repeat(max),
    'a'.repeat(max + 1),
    `😀${'a'.repeat(max - 1)}`,
    '😀'.repeat(max + 1),
    '',
    ' ',
    'a\u0000b',
    'a\u202eb',
    'a\u2028b',
    'a\tb',
    'Zürich',
  ];
  const UUIDS = [REF_ID, REF_ID.toUpperCase(), '00000000-0000-0000-0000-000000000000', `${REF_ID}0`, 'x'];
  const DATES = [
    '1978-02-28',
    '2000-02-29',
    '1900-02-29',
    '2031-13-01',
    '2031-1-01',
    '20310101',
    ' 2031-01-01',
  ];
  const DATE_TIMES = [
    '2026-11-30T10:00:00Z',
    '2026-11-30T10:00:00.123456Z',
    '2026-11-30T10:00:00+01:00',
    '2026-11-30T23:59:59-12:30',
    '2026-11-30T10:00Z',
    '2026-11-30T10:00:00',
    '2026-11-30 10:00:00Z',
    '2026-11-30T24:00:00Z',
    '2026-11-30T10:00:00+24:00',
    '2026-11-30T10:00:00z',
    '2026-11-30',
  ];
  const COUNTRIES = ['CH', 'DE', 'ch', 'CHE', 'C', ''];
  /** A day `days` from today (UTC), YYYY-MM-DD. */
  const dayFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  /** A date of birth (the start call's `dob` rule): from 1900-01-01 to today, not in the future. */
  const BIRTH_DATES = [
    ...DATES,
    '1900-01-01',
    '1899-12-31',
    '0000-01-01',
    dayFromToday(-1),
    dayFromToday(2),
    '2999-01-01',
  ];
  /** `minutes` from now, as a partner writes a date-time. */
  const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  /** When the partner identified the person: past, or at most IAT_WINDOW_SECONDS ahead (its clock may run ahead). */
  const IDENTIFIED_ATS = [
    ...DATE_TIMES,
    minutesFromNow(-60),
    minutesFromNow(3),
    minutesFromNow(7),
    minutesFromNow(10 * 24 * 60),
    minutesFromNow(10 * 24 * 60).replace('Z', '+14:00'),
    minutesFromNow(10 * 24 * 60).replace('Z', '-12:00'),
    '2999-01-01T00:00:00Z',
  ];

  const event = (): Record<string, unknown> => ({
    refId: REF_ID,
    event: 'cancelled',
    kind: 'user',
    reason: 'Person left',
  });
  const EVENT_EDGES: Record<string, unknown[]> = {
    refId: UUIDS,
    event: ['waiting-for-doc', 'done', 'cancelled', 'Done', 'expired', ''],
    kind: ['user', 'isp', 'unsuccessful', 'expired', ''],
    reason: [...TEXT_EDGES(500), null],
  };

  const evidence = (): Record<string, unknown> => ({
    refId: REF_ID,
    evidence: {
      method: 'video',
      loa: 3,
      jurisdictions: ['ZERTES', 'EIDAS'],
      mobile: '+41791234567',
      vetter: 'Agent 7',
      identified_at: '2026-11-30T10:00:00Z',
      verified_claims: {
        verification: {
          trust_framework: 'ch_zertes',
          time: '2026-11-30T09:59:00.5+01:00',
          evidence: [
            {
              type: 'document',
              method: 'pipp',
              document_details: {
                type: 'idcard',
                document_number: 'C1234567',
                issuer: { country: 'CH' },
                date_of_expiry: '2031-01-01',
              },
            },
          ],
        },
        claims: {
          given_name: 'Hans',
          family_name: 'Muster',
          birthdate: '1978-02-28',
          place_of_birth: { country: 'CH', locality: 'Bern' },
          nationalities: ['CH'],
        },
      },
    },
  });
  const DOCUMENT = 'evidence.verified_claims.verification.evidence.0';
  const documentOf = () =>
    (evidence().evidence as { verified_claims: { verification: { evidence: unknown[] } } }).verified_claims
      .verification.evidence[0];
  const CLAIMS = 'evidence.verified_claims.claims';
  const EVIDENCE_EDGES: Record<string, unknown[]> = {
    refId: UUIDS,
    evidence: [],
    'evidence.method': ['video', 'eid-plus', 'x'.repeat(32), 'x'.repeat(33), 'Video', '1x', ''],
    'evidence.loa': [3, 4, 2, 5, 3.5, '3'],
    'evidence.jurisdictions': [
      ['ZERTES'],
      ['EIDAS'],
      ['EIDAS', 'ZERTES'],
      ['ZERTES', 'ZERTES'],
      ['ZERTES', 'EIDAS', 'ZERTES'],
      Array(1001).fill('EIDAS'),
      [],
      ['zertes'],
      ['ZERTES', 'X'],
      ['X', 'X'],
    ],
    'evidence.mobile': [
      '+41791234567',
      '+4179123456',
      '+123456789012345',
      '41791234567',
      '+0791234567',
      '+1234567890123456',
    ],
    'evidence.vetter': TEXT_EDGES(200),
    'evidence.identified_at': IDENTIFIED_ATS,
    'evidence.verified_claims': [],
    'evidence.verified_claims.verification': [],
    'evidence.verified_claims.verification.trust_framework': [
      'x',
      'a'.repeat(100),
      '😀'.repeat(100),
      'a'.repeat(101),
      '',
      'a\u0000b',
    ],
    'evidence.verified_claims.verification.time': IDENTIFIED_ATS,
    'evidence.verified_claims.verification.evidence': [
      [],
      Array(5).fill(documentOf()),
      Array(6).fill(documentOf()),
      'x',
    ],
    [DOCUMENT]: [],
    [`${DOCUMENT}.type`]: ['document', 'Document', 'electronic_record'],
    [`${DOCUMENT}.method`]: ['', 'a'.repeat(50), '😀'.repeat(50), 'a'.repeat(51), 'a\u0000b'],
    [`${DOCUMENT}.document_details`]: [],
    [`${DOCUMENT}.document_details.type`]: [
      'idcard',
      'passport',
      'residence_permit',
      'driving_permit',
      'visa',
    ],
    [`${DOCUMENT}.document_details.document_number`]: TEXT_EDGES(50),
    [`${DOCUMENT}.document_details.issuer`]: [{}, { country: 'DE', x: 1 }],
    [`${DOCUMENT}.document_details.issuer.country`]: COUNTRIES,
    [`${DOCUMENT}.document_details.date_of_expiry`]: DATES,
    [CLAIMS]: [],
    [`${CLAIMS}.given_name`]: TEXT_EDGES(100),
    [`${CLAIMS}.family_name`]: TEXT_EDGES(100),
    [`${CLAIMS}.birthdate`]: BIRTH_DATES,
    [`${CLAIMS}.place_of_birth`]: [{}, { locality: 'Bern' }, { country: 'DE' }, { x: 1 }],
    [`${CLAIMS}.place_of_birth.country`]: COUNTRIES,
    [`${CLAIMS}.place_of_birth.locality`]: TEXT_EDGES(100),
    [`${CLAIMS}.nationalities`]: [['CH', 'DE'], Array(5).fill('CH'), Array(6).fill('CH'), [], ['ch'], 'CH'],
  };
  /** Claims beside the message's own: the registered ones (the handler passes them on but iss, iat, jti, exp) and others. */
  const EXTRA: Record<string, unknown>[] = [
    { nbf: 1 },
    { aud: 'srs' },
    { x: { y: 1 } },
    JSON.parse('{"__proto__":{"a":1}}'),
    { constructor: 1 },
  ];

  it('checks date-times with the pattern z.iso.datetime({ offset: true }) checks', () => {
    const pattern = regexes.datetime({ offset: true });
    expect([ISO_DATETIME_OFFSET.source, ISO_DATETIME_OFFSET.flags]).toEqual([pattern.source, pattern.flags]);
    expect(z.iso.datetime({ offset: true })._zod.def.pattern?.source).toBe(ISO_DATETIME_OFFSET.source);
  });

  it('reads the events the partners send without the schema, as the schema returns them', () => {
    expect(heldExactly(wellFormedIspEvent, IspEventClaims, event())).toStrictEqual(event());
    for (const e of ['waiting-for-doc', 'done'])
      expect(heldExactly(wellFormedIspEvent, IspEventClaims, { refId: REF_ID, event: e })).toStrictEqual({
        refId: REF_ID,
        event: e,
      });
    expect(
      heldExactly(wellFormedIspEvent, IspEventClaims, { ...event(), reason: null, nbf: 1 }),
    ).toStrictEqual({ ...event(), reason: null });
  });

  it('an event is read by wellFormedIspEvent exactly as IspEventClaims reads it, every claim near its edges, present and absent', () => {
    for (const [claim, values] of Object.entries(EVENT_EDGES))
      for (const v of [...values, ...OTHER])
        for (const base of [event(), { refId: REF_ID, event: 'done' }])
          heldExactly(wellFormedIspEvent, IspEventClaims, withAt(base, claim, v));
    for (const extra of EXTRA) heldExactly(wellFormedIspEvent, IspEventClaims, { ...event(), ...extra });
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(
            Object.entries(EVENT_EDGES).map(([k, v]) => [
              k,
              fc.constantFrom(...v, ...OTHER.filter((o) => o !== ABSENT)),
            ]),
          ),
          { requiredKeys: [] },
        ),
        (claims) => {
          heldExactly(wellFormedIspEvent, IspEventClaims, claims);
        },
      ),
      RUNS,
    );
  });

  it('reads the evidence the partners send without the schema, as the schema returns it', () => {
    expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, evidence())).toStrictEqual(evidence());
    const minimal = withAt(
      withAt(withAt(evidence(), `${CLAIMS}.place_of_birth`, ABSENT), `${DOCUMENT}.method`, ABSENT),
      'evidence.loa',
      4,
    );
    expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, minimal)).toStrictEqual(minimal);
  });

  it('refuses a birth date in the future or before 1900 and an identification time more than 5 minutes ahead, reader and schema alike', () => {
    const refused = (path: string, value: string) => {
      const message = withAt(evidence(), path, value);
      expect(wellFormedIspEvidence(message), `${path} ${value}`).toBeUndefined();
      expect(IspEvidenceClaims.safeParse(message).success, `${path} ${value}`).toBe(false);
    };
    for (const birthdate of ['2999-01-01', dayFromToday(2), '1899-12-31', '0000-01-01'])
      refused(`${CLAIMS}.birthdate`, birthdate);
    for (const at of [minutesFromNow(7), minutesFromNow(10 * 24 * 60), '2999-01-01T00:00:00Z'])
      refused('evidence.identified_at', at);
    // A partner's clock a little ahead of ours (within the ±5 minutes its iat may be off), and the earliest birth date.
    const ahead = withAt(
      withAt(evidence(), 'evidence.identified_at', minutesFromNow(3)),
      `${CLAIMS}.birthdate`,
      '1900-01-01',
    );
    expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, ahead)).toStrictEqual(ahead);
  });

  it('refuses a verification time more than 5 minutes ahead, as the identification time, reader and schema alike', () => {
    const TIME = 'evidence.verified_claims.verification.time';
    for (const at of [minutesFromNow(7), minutesFromNow(10 * 24 * 60), '2999-01-01T00:00:00Z']) {
      const message = withAt(evidence(), TIME, at);
      expect(wellFormedIspEvidence(message), at).toBeUndefined();
      expect(IspEvidenceClaims.safeParse(message).error?.issues, at).toEqual([
        expect.objectContaining({
          path: TIME.split('.'),
          message: 'Must not lie in the future (more than 300 seconds ahead of our clock).',
        }),
      ]);
    }
    // The identification, which the verification does not follow (below), as far ahead.
    const ahead = withAt(
      withAt(evidence(), TIME, minutesFromNow(3)),
      'evidence.identified_at',
      minutesFromNow(3),
    );
    expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, ahead)).toStrictEqual(ahead);
  });

  // Found in the partner-integration review: 1,001 entries, all one jurisdiction, were stored.
  it('refuses jurisdictions named twice or more than there are, reader and schema alike', () => {
    const JURISDICTIONS = 'evidence.jurisdictions';
    const cases: [unknown[], string][] = [
      [['ZERTES', 'ZERTES'], 'Must not name a jurisdiction twice.'],
      [['EIDAS', 'ZERTES', 'EIDAS'], 'Must hold at most 2 items.'],
      [Array(1001).fill('ZERTES'), 'Must hold at most 2 items.'],
    ];
    for (const [jurisdictions, error] of cases) {
      const message = withAt(evidence(), JURISDICTIONS, jurisdictions);
      expect(wellFormedIspEvidence(message), error).toBeUndefined();
      expect(IspEvidenceClaims.safeParse(message).error?.issues).toEqual([
        expect.objectContaining({ path: JURISDICTIONS.split('.'), message: error }),
      ]);
    }
    // An unknown one is refused by its own rule alone.
    expect(
      IspEvidenceClaims.safeParse(withAt(evidence(), JURISDICTIONS, ['X', 'X'])).error?.issues.map((i) =>
        i.path.join('.'),
      ),
    ).toEqual([`${JURISDICTIONS}.0`, `${JURISDICTIONS}.1`]);
    for (const jurisdictions of [['EIDAS'], ['EIDAS', 'ZERTES']]) {
      const message = withAt(evidence(), JURISDICTIONS, jurisdictions);
      expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, message)).toStrictEqual(message);
    }
  });

  it('refuses a verification time more than 5 minutes after the identification time (as instants), reader and schema alike', () => {
    const TIME = 'evidence.verified_claims.verification.time';
    // identified_at is 2026-11-30T10:00:00Z.
    for (const time of ['2026-11-30T10:05:01Z', '2026-11-30T10:04:00-01:00', '2026-11-30T12:00:00Z']) {
      const message = withAt(evidence(), TIME, time);
      expect(wellFormedIspEvidence(message), time).toBeUndefined();
      expect(IspEvidenceClaims.safeParse(message).error?.issues, time).toEqual([
        expect.objectContaining({
          path: TIME.split('.'),
          message: 'Must not lie after the identification (evidence.identified_at) by more than 300 seconds.',
        }),
      ]);
    }
    // Verified before the identification, or after it within the partner's clock allowance.
    for (const time of ['2026-11-30T10:05:00Z', '2026-11-30T11:04:59+01:00', '2026-11-29T09:00:00Z']) {
      const message = withAt(evidence(), TIME, time);
      expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, message), time).toStrictEqual(message);
    }
    // Either time invalid on its own: only its own rule answers.
    const future = IspEvidenceClaims.safeParse(withAt(evidence(), TIME, '2999-01-01T00:00:00Z'));
    expect(future.error?.issues.map((i) => i.path.join('.'))).toEqual([TIME]);
  });

  it('refuses a birth date after the day of the identification (in the offset the partner gave), reader and schema alike', () => {
    // 2020-06-15 23:30 at -02:00 is 2020-06-16 01:30 UTC: the partner's calendar day is the 15th.
    const identifiedAt = '2020-06-15T23:30:00-02:00';
    const bornOn = (birthdate: string) =>
      withAt(
        withAt(
          withAt(evidence(), 'evidence.identified_at', identifiedAt),
          'evidence.verified_claims.verification.time',
          identifiedAt,
        ),
        `${CLAIMS}.birthdate`,
        birthdate,
      );
    for (const birthdate of ['2020-06-16', '2021-01-01', dayFromToday(-1)]) {
      expect(wellFormedIspEvidence(bornOn(birthdate)), birthdate).toBeUndefined();
      expect(IspEvidenceClaims.safeParse(bornOn(birthdate)).error?.issues, birthdate).toEqual([
        expect.objectContaining({
          path: ['evidence', 'verified_claims', 'claims', 'birthdate'],
          message: 'Must not lie after the day of the identification (evidence.identified_at).',
        }),
      ]);
    }
    for (const birthdate of ['2020-06-15', '2020-06-14', '1900-01-01'])
      expect(heldExactly(wellFormedIspEvidence, IspEvidenceClaims, bornOn(birthdate))).toStrictEqual(
        bornOn(birthdate),
      );
    // Either date invalid on its own: only its own rule answers, not this one as well.
    const future = IspEvidenceClaims.safeParse(
      withAt(bornOn('2020-06-16'), 'evidence.identified_at', '2999-01-01T00:00:00Z'),
    );
    expect(future.error?.issues.map((i) => i.path.join('.'))).toEqual(['evidence.identified_at']);
    const badDate = IspEvidenceClaims.safeParse(bornOn('2999-01-01'));
    expect(badDate.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [`${CLAIMS}.birthdate`, 'Must not lie in the future.'],
    ]);
    // Whatever else is wrong, the dates are still compared.
    const withOthers = IspEvidenceClaims.safeParse(withAt(bornOn('2020-06-16'), 'evidence.loa', '3'));
    expect(withOthers.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'evidence.loa',
      `${CLAIMS}.birthdate`,
    ]);
  });

  it('evidence is read by wellFormedIspEvidence exactly as IspEvidenceClaims reads it, every claim near its edges, present and absent', () => {
    for (const [path, values] of Object.entries(EVIDENCE_EDGES))
      for (const v of [...values, ...OTHER])
        heldExactly(wellFormedIspEvidence, IspEvidenceClaims, withAt(evidence(), path, v));
    for (const extra of EXTRA)
      for (const path of [
        '',
        'evidence',
        'evidence.verified_claims',
        'evidence.verified_claims.verification',
        DOCUMENT,
        `${DOCUMENT}.document_details`,
        CLAIMS,
        `${CLAIMS}.place_of_birth`,
      ]) {
        const message = evidence();
        const at =
          path === ''
            ? message
            : (path
                .split('.')
                .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], message) as Record<
                string,
                unknown
              >);
        Object.assign(at, extra);
        heldExactly(wellFormedIspEvidence, IspEvidenceClaims, message);
      }
    // Several documents, each read on its own.
    const second = {
      type: 'document',
      document_details: {
        type: 'passport',
        document_number: 'X1',
        issuer: { country: 'DE' },
        date_of_expiry: '2030-02-28',
      },
    };
    heldExactly(
      wellFormedIspEvidence,
      IspEvidenceClaims,
      withAt(evidence(), 'evidence.verified_claims.verification.evidence', [documentOf(), second]),
    );
    heldExactly(
      wellFormedIspEvidence,
      IspEvidenceClaims,
      withAt(evidence(), 'evidence.verified_claims.verification.evidence', [
        second,
        { ...second, type: 'x' },
      ]),
    );
  });

  it('evidence is held to IspEvidenceClaims on generated messages (several claims near their edges at once)', () => {
    const paths = Object.keys(EVIDENCE_EDGES);
    const edit = fc
      .constantFrom(...paths)
      .chain((path) =>
        fc.tuple(
          fc.constant(path),
          fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...(EVIDENCE_EDGES[path] as unknown[]), ...OTHER) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
          ),
        ),
      );
    let read = 0;
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 4 }), (edits) => {
        let message: Input = evidence();
        for (const [path, v] of edits) {
          try {
            message = withAt(message, path, v);
          } catch {
            // An earlier edit replaced a parent of this path: skip it.
          }
        }
        if (heldExactly(wellFormedIspEvidence, IspEvidenceClaims, message) !== undefined) read += 1;
      }),
      RUNS,
    );
    expect(read).toBeGreaterThan(100);
  });

  it('a claim present as undefined (which no JSON payload has) is left to the schema', () => {
    expect(wellFormedIspEvent({ refId: REF_ID, event: 'done', kind: undefined })).toBeUndefined();
    expect(wellFormedIspEvidence(withAt(evidence(), `${CLAIMS}.place_of_birth`, undefined))).toBeUndefined();
  });
});
