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
import { CLAIMED_IDENTITY_ID, MSISDN } from '../../lambdas/core/domain.js';
import {
  wellFormedIntrospectionRequest,
  wellFormedOrderTokenClaims,
} from '../../lambdas/core/introspection.js';
import { IntrospectionRequest, OrderTokenClaims } from '../../lambdas/core/introspection-schemas.js';
import { ORDER_TOKEN_SCOPE, orderTokenClaims } from '../../lambdas/core/order-token-format.js';
import {
  parseTwoStepOrThrow,
  safeParseTwoStep,
  type TwoStepRule,
  toFieldErrors,
} from '../../lambdas/core/parse.js';
import { RefIdParam } from '../../lambdas/core/ref-id.js';
import { wellFormedUuidParam } from '../../lambdas/core/ref-id-format.js';
import { wellFormedUsageQuery } from '../../lambdas/core/usage-report.js';
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
import type * as z from '../../lambdas/core/zod.js';
import { portablePattern } from '../../lambdas/http/portable-pattern.js';
import { PAPER_PROVIDERS_FILTERS, PAPER_VERIFY_BODY } from '../../lambdas/http/white-paper.js';

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
  const names = ['Anna', 'Hans-Peter', "O'Brien", 'Zoë', 'Jean-Luc.', '李', 'A'.repeat(100), 'A'.repeat(101)];
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
      { field: 'assuranceLevel', message: expect.stringMatching(/^Invalid input/) },
    ]);
    expect(rule.loads).toBe(1);
    // parseTwoStepOrThrow throws the 400 problem with the same field errors.
    await expect(parseTwoStepOrThrow(rule, asText)).rejects.toMatchObject({
      status: 400,
      errors: refused.success ? [] : toFieldErrors(refused.error),
    });
  });
});
