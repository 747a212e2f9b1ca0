import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as z from 'zod/mini';
import { Problem } from '../../lambdas/core/problems.js';
import {
  e164,
  IdempotencyKey,
  IdentificationStatus,
  ProviderList,
  ProvidersQuery,
  parseOrThrow,
  RefIdParam,
  StartIdentificationRequest,
  StartIdentificationResponse,
  StatusEntry,
  toFieldErrors,
  VerifyRequest,
  VerifyResponse,
} from '../../lambdas/core/schemas.js';
import {
  PAPER_START_BODY,
  PAPER_START_RESPONSE,
  PAPER_STATUS_RESPONSE,
  PAPER_TEST_ISP_ENTRY,
  PAPER_VERIFY_BODY,
  startBody,
} from './fixtures.js';

/** The distinct fields named by a failed parse, in order (empty when the parse succeeds). */
function fieldsOf(schema: z.ZodMiniType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : [...new Set(toFieldErrors(result.error).map((e) => e.field))];
}

const INJECTIONS = [
  "Robert'); DROP TABLE--",
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell payload is meant literally
  '${jndi:ldap://x}',
  '{{7*7}}',
  '../../etc/passwd',
  'Hans" OR "1"="1',
  '%00Hans',
];

const CONTROL_AND_FORMAT = [
  ['a line feed', 'Hans\nMüller'],
  ['a carriage return', 'Hans\rMüller'],
  ['a tab', 'Hans\tMüller'],
  ['a NUL', 'Hans\u0000'],
  ['an escape', 'Hans\u001b[31m'],
  ['a C1 control', 'Hans\u0085'],
  ['a right-to-left override', 'Hans\u202eregnüM'],
  ['a left-to-right override', 'Hans\u202dX'],
  ['a right-to-left isolate', 'Hans\u2067X'],
  ['a zero-width space', 'Ha\u200bns'],
  ['a zero-width joiner', 'Ha\u200dns'],
  ['a line separator', 'Hans\u2028X'],
];

describe('StartIdentificationRequest', () => {
  // The dob rule depends on today: fix it.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-15T12:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('accepted input', () => {
    it('accepts the paper’s start body plus issuer and method', () => {
      const result = StartIdentificationRequest.safeParse(startBody());

      expect(result.success).toBe(true);
      expect(result.data).toEqual({ ...PAPER_START_BODY, issuer: 'Test-ISP', method: 'test' });
    });

    it('accepts every optional field', () => {
      const body = startBody({
        jurisdiction: 'EIDAS',
        assuranceLevel: 4,
        redirectUrl: 'https://sp.example/identified?x=1',
        state: 'opaque-state-123',
      });

      expect(StartIdentificationRequest.safeParse(body).success).toBe(true);
    });

    it.each([
      'Hans',
      'Hans-Peter',
      "O'Brien",
      'O’Brien',
      'Jean Luc',
      'St. John',
      'Müller',
      'Mu\u0308ller',
      'Иван',
      '山田',
      'José María',
      'Þórunn',
      'Łukasz',
      'Ἀλέξανδρος',
    ])('accepts the name %j', (name) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ firstName: name, lastName: name }))).toEqual(
        [],
      );
    });

    it('refuses names with surrounding white space or a leading line feed instead of repairing them', () => {
      expect(
        fieldsOf(StartIdentificationRequest, startBody({ firstName: '  Hans ', lastName: '\nMuster' })),
      ).toEqual(['firstName', 'lastName']);
    });

    it.each(['2024-02-29', '2000-02-29', '1900-01-01', '2025-06-15'])(
      'accepts the date of birth %s',
      (dob) => {
        expect(fieldsOf(StartIdentificationRequest, startBody({ dob }))).toEqual([]);
      },
    );

    it.each(['+41783478228', '+4917612345678', '+12025550123', '+41791234', '+123456789012345'])(
      'accepts the mobile number %s',
      (mobile) => {
        expect(fieldsOf(StartIdentificationRequest, startBody({ mobile }))).toEqual([]);
      },
    );

    it.each(['en', 'de', 'fr', 'it'])('accepts the language %s', (language) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ language }))).toEqual([]);
    });

    it.each([
      'https://sp.example/back',
      'https://sp.example:8443/back?state=1#frag',
      'http://localhost:3000/callback',
      'http://localhost/callback',
      'http://127.0.0.1:8080/cb',
    ])('accepts the redirect URL %s', (redirectUrl) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ redirectUrl }))).toEqual([]);
    });
  });

  describe('wrong types and missing fields', () => {
    it.each([null, undefined, 'a string', 42, true, [], [startBody()]])(
      'rejects the body %j as a whole',
      (body) => {
        expect(fieldsOf(StartIdentificationRequest, body)).toEqual(['(body)']);
      },
    );

    it('names every required field of an empty body: the paper’s six', () => {
      expect(fieldsOf(StartIdentificationRequest, {}).sort()).toEqual(
        ['dob', 'email', 'firstName', 'language', 'lastName', 'mobile'].sort(),
      );
    });

    it('accepts the paper’s six fields alone: the person chooses the method', () => {
      const body = startBody();
      delete body.issuer;
      delete body.method;

      expect(StartIdentificationRequest.safeParse(body).success).toBe(true);
    });

    it.each(['dob', 'email', 'firstName', 'language', 'lastName', 'mobile', 'issuer', 'method'])(
      'names the missing field %s',
      (field) => {
        const body = startBody();
        delete body[field];

        expect(fieldsOf(StartIdentificationRequest, body)).toEqual([field]);
      },
    );

    it.each<[string, unknown]>([
      ['dob', 19780228],
      ['dob', { year: 1978 }],
      ['email', ['hans@example.ch']],
      ['firstName', 42],
      ['lastName', null],
      ['language', 1],
      ['mobile', 41783478228],
      ['issuer', true],
      ['method', {}],
      ['jurisdiction', 1],
      ['assuranceLevel', '4'],
      ['redirectUrl', 42],
      ['state', 7],
    ])('rejects a wrong type for %s (%j)', (field, value) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ [field]: value }))).toEqual([field]);
    });

    it('names several invalid fields at once', () => {
      const body = startBody({ dob: '1978-02-30', mobile: '0791234567', language: 'xx' });

      expect(fieldsOf(StartIdentificationRequest, body)).toEqual(['dob', 'language', 'mobile']);
    });
  });

  describe('unknown fields', () => {
    it('reports each unknown field as "Unknown field."', () => {
      const result = StartIdentificationRequest.safeParse(
        startBody({ admin: true, __proto__x: 1, refId: 'x' }),
      );

      expect(result.success).toBe(false);
      expect(toFieldErrors(result.error as z.core.$ZodError)).toEqual([
        { field: 'admin', message: 'Unknown field.' },
        { field: '__proto__x', message: 'Unknown field.' },
        { field: 'refId', message: 'Unknown field.' },
      ]);
    });

    it('rejects a field that differs from a known one in case only', () => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ FirstName: 'Hans' }))).toEqual(['FirstName']);
    });

    it('does not let a __proto__ key through', () => {
      const body = JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(startBody()).slice(1)}`);

      const result = StartIdentificationRequest.safeParse(body);

      expect(result.success).toBe(false);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  });

  describe('names', () => {
    it.each(INJECTIONS)('rejects the injection string %j as a first and as a last name', (name) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ firstName: name, lastName: name }))).toEqual([
        'firstName',
        'lastName',
      ]);
    });

    it.each(CONTROL_AND_FORMAT)('rejects a name containing %s', (_label, name) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ lastName: name }))).toEqual(['lastName']);
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['starting with a hyphen', '-Hans'],
      ['starting with an apostrophe', "'Hans"],
      ['starting with a combining mark', '\u0308Hans'],
      ['with digits', 'Hans2'],
      ['with an @', 'hans@example'],
      ['with an emoji', 'Hans 😀'],
    ])('rejects a name %s', (_label, name) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ firstName: name }))).toEqual(['firstName']);
    });

    it('accepts a name of 100 characters and rejects one of 101', () => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ lastName: 'a'.repeat(100) }))).toEqual([]);
      expect(fieldsOf(StartIdentificationRequest, startBody({ lastName: 'a'.repeat(101) }))).toEqual([
        'lastName',
      ]);
    });

    it('rejects a 1 MB name', () => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ firstName: 'a'.repeat(1024 * 1024) }))).toEqual(
        ['firstName'],
      );
    });
  });

  describe('date of birth', () => {
    it.each([
      ['30 February', '1978-02-30'],
      ['29 February of a common year', '2023-02-29'],
      ['29 February 1900 (not a leap year)', '1900-02-29'],
      ['month 13', '2024-13-01'],
      ['month 00', '2024-00-10'],
      ['day 00', '2024-01-00'],
      ['31 April', '2024-04-31'],
      ['a European date', '28.02.1978'],
      ['a US date', '02/28/1978'],
      ['a timestamp', '1978-02-28T00:00:00Z'],
      ['no zero padding', '1978-2-28'],
      ['trailing text', '1978-02-28x'],
      ['an empty string', ''],
    ])('rejects %s', (_label, dob) => {
      const result = StartIdentificationRequest.safeParse(startBody({ dob }));

      expect(fieldsOf(StartIdentificationRequest, startBody({ dob }))).toEqual(['dob']);
      expect(result.error?.issues).toContainEqual(
        expect.objectContaining({ path: ['dob'], message: 'Must be a real calendar date, YYYY-MM-DD.' }),
      );
    });

    it('rejects a date of birth in the future', () => {
      expect(StartIdentificationRequest.safeParse(startBody({ dob: '2025-06-16' })).error?.issues).toEqual([
        expect.objectContaining({ path: ['dob'], message: 'Must not lie in the future.' }),
      ]);
    });

    it('rejects a date of birth far in the future', () => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ dob: '9999-12-31' }))).toEqual(['dob']);
    });

    it('rejects a date of birth before 1900', () => {
      expect(StartIdentificationRequest.safeParse(startBody({ dob: '1899-12-31' })).error?.issues).toEqual([
        expect.objectContaining({ path: ['dob'], message: 'Must not be before 1900-01-01.' }),
      ]);
    });
  });

  describe('mobile number', () => {
    it.each([
      ['letters', '+4179ABC4567'],
      ['a trailing letter', '+41791234567x'],
      ['no +', '41791234567'],
      ['a national number', '0791234567'],
      ['00 instead of +', '0041791234567'],
      ['spaces', '+41 79 123 45 67'],
      ['dashes', '+41-79-123-45-67'],
      ['a leading zero after +', '+0791234567'],
      ['7 digits (too short)', '+4179123'],
      ['16 digits (too long)', '+4179123456789012'],
      ['only +', '+'],
      ['an empty string', ''],
      ['a line feed', '+41791234567\n'],
      ['full-width digits', '+４１７９１２３４５６７'],
    ])('rejects a number with %s', (_label, mobile) => {
      expect(StartIdentificationRequest.safeParse(startBody({ mobile })).error?.issues).toEqual([
        expect.objectContaining({
          path: ['mobile'],
          message: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.',
        }),
      ]);
    });

    it('is the e164 schema, usable on its own', () => {
      expect(e164.safeParse('+41783478228').success).toBe(true);
      expect(e164.safeParse('41783478228').success).toBe(false);
    });
  });

  describe('email', () => {
    it.each([
      'hans.muster',
      'hans@',
      '@swisscom.com',
      'hans muster@swisscom.com',
      'hans@localhost',
      'hans@swisscom..com',
      'hans@@swisscom.com',
      '<script>@x.com',
      'hans@swisscom.com\n',
      `${'a'.repeat(250)}@x.ch`,
    ])('rejects %j', (email) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ email }))).toEqual(['email']);
    });

    it.each(['hans.muster@swisscom.com', 'h+tag@example.co.uk', 'o_brien@sub.example.ch'])(
      'accepts %j',
      (email) => {
        expect(fieldsOf(StartIdentificationRequest, startBody({ email }))).toEqual([]);
      },
    );
  });

  describe('language', () => {
    it.each(['es', 'EN', 'en-GB', 'english', '', 'rm'])('rejects the language %j', (language) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ language }))).toEqual(['language']);
    });
  });

  describe('issuer and method', () => {
    it.each([...INJECTIONS, '', ' Test-ISP', 'Test\u202eISP', 'x'.repeat(101)])(
      'rejects the issuer %j',
      (issuer) => {
        expect(fieldsOf(StartIdentificationRequest, startBody({ issuer }))).toEqual(['issuer']);
      },
    );

    it.each([...INJECTIONS, '', 'Video', '1video', 'video ident', 'v'.repeat(33)])(
      'rejects the method %j',
      (method) => {
        expect(fieldsOf(StartIdentificationRequest, startBody({ method }))).toEqual(['method']);
      },
    );

    it.each(['ZERTES,EIDAS', 'eidas', 'CH'])('rejects the jurisdiction %j', (jurisdiction) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ jurisdiction }))).toEqual(['jurisdiction']);
    });

    it.each([2, 5, 3.5, '3', null])('rejects the assurance level %j', (assuranceLevel) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ assuranceLevel }))).toEqual(['assuranceLevel']);
    });
  });

  describe('redirect URL', () => {
    it.each([
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://sp.example/x',
      'http://sp.example/back',
      'http://localhost.evil.example/',
      'http://localhost@evil.example/',
      'http://127.0.0.1.evil.example/',
      '//evil.example/back',
      '/relative/path',
      'not a url',
      `https://sp.example/${'a'.repeat(2048)}`,
    ])('rejects %j', (redirectUrl) => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ redirectUrl }))).toEqual(['redirectUrl']);
    });
  });

  describe('state', () => {
    it('rejects a state with control characters, an empty state and one longer than 512', () => {
      expect(fieldsOf(StartIdentificationRequest, startBody({ state: 'a\nb' }))).toEqual(['state']);
      expect(fieldsOf(StartIdentificationRequest, startBody({ state: '' }))).toEqual(['state']);
      expect(fieldsOf(StartIdentificationRequest, startBody({ state: 'a'.repeat(513) }))).toEqual(['state']);
      expect(fieldsOf(StartIdentificationRequest, startBody({ state: 'a'.repeat(512) }))).toEqual([]);
    });
  });
});

describe('VerifyRequest', () => {
  it('accepts the paper’s verify body verbatim', () => {
    expect(VerifyRequest.parse(PAPER_VERIFY_BODY)).toEqual(PAPER_VERIFY_BODY);
  });

  it('accepts an msisdn with a leading +', () => {
    expect(fieldsOf(VerifyRequest, { ...PAPER_VERIFY_BODY, msisdn: '+41791234567' })).toEqual([]);
  });

  it('accepts LoA 3', () => {
    expect(fieldsOf(VerifyRequest, { ...PAPER_VERIFY_BODY, assuranceLevel: 3 })).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['the string "4"', '4'],
    ['5', 5],
    ['2', 2],
    ['0', 0],
    ['4.0000001', 4.0000001],
    ['null', null],
    ['"QES"', 'QES'],
  ])('rejects assuranceLevel %s', (_label, assuranceLevel) => {
    expect(fieldsOf(VerifyRequest, { ...PAPER_VERIFY_BODY, assuranceLevel })).toEqual(['assuranceLevel']);
  });

  it.each([
    ['letters', '4179ABC4567'],
    ['spaces', '41 79 123 45 67'],
    ['a leading zero', '0791234567'],
    ['too few digits', '4179123'],
    ['too many digits', '4179123456789012'],
    ['a number type', 41791234567],
  ])('rejects an msisdn with %s', (_label, msisdn) => {
    expect(fieldsOf(VerifyRequest, { ...PAPER_VERIFY_BODY, msisdn })).toEqual(['msisdn']);
  });

  it.each([
    ['empty', ''],
    ['not a DN', 'Hans Müller'],
    ['an empty RDN', 'gn=Hans,, sn=Müller'],
    ['an unterminated quote', 'gn=Hans, cn="Hans Müller'],
    ['a bad attribute type', '1gn=Hans, sn=Müller'],
    ['a dangling escape', 'gn=Hans, sn=Müller\\'],
    ['a control character', 'gn=Hans\n, sn=Müller'],
    ['a bidi override', 'gn=Hans, sn=\u202eMüller'],
    ['more than 1024 characters', `gn=Hans, sn=${'a'.repeat(1020)}`],
  ])('rejects a distinguishedName that is %s', (_label, distinguishedName) => {
    expect(fieldsOf(VerifyRequest, { ...PAPER_VERIFY_BODY, distinguishedName })).toEqual([
      'distinguishedName',
    ]);
  });

  it('explains what a distinguished name looks like', () => {
    const result = VerifyRequest.safeParse({ ...PAPER_VERIFY_BODY, distinguishedName: 'Hans Müller' });

    expect(toFieldErrors(result.error as z.core.$ZodError)).toEqual([
      {
        field: 'distinguishedName',
        message: 'Must be a distinguished name such as "gn=Hans, sn=Müller, cn=Hans Müller, c=CH".',
      },
    ]);
  });

  it.each([
    'test-client',
    'demo-portal-eu',
    'ais-90days-trial:OnDemand-Qualified',
    'a',
    `a${'x'.repeat(127)}`,
  ])('accepts the claimedIdentity %j', (claimedIdentity) => {
    expect(VerifyRequest.safeParse({ ...PAPER_VERIFY_BODY, claimedIdentity }).success).toBe(true);
  });

  // The id becomes part of a DynamoDB key (CLAIMED#<id>): no separators, no spaces, bounded.
  it.each([
    '',
    `a${'x'.repeat(128)}`,
    'test\u0000client',
    'test\u200bclient',
    'test#client',
    'CLAIMED#test-client',
    'test client',
    '-test-client',
    'tést-client',
    '<script>',
  ])('rejects the claimedIdentity %j', (claimedIdentity) => {
    expect(fieldsOf(VerifyRequest, { ...PAPER_VERIFY_BODY, claimedIdentity })).toEqual(['claimedIdentity']);
  });

  it('names each missing field and each unknown field', () => {
    const result = VerifyRequest.safeParse({ msisdn: '41791234567', refId: 'x', evidenceId: 'y' });

    expect(toFieldErrors(result.error as z.core.$ZodError)).toEqual([
      { field: 'claimedIdentity', message: expect.any(String) },
      { field: 'assuranceLevel', message: expect.any(String) },
      { field: 'distinguishedName', message: expect.any(String) },
      { field: 'refId', message: 'Unknown field.' },
      { field: 'evidenceId', message: 'Unknown field.' },
    ]);
  });
});

describe('ProvidersQuery', () => {
  it('accepts and coerces the paper’s query', () => {
    const query = {
      issuer: 'Test-ISP',
      jurisdiction: 'EIDAS',
      loa: '3',
      offline: 'true',
      realtimeMethod: 'test',
      webflow: 'true',
    };

    expect(ProvidersQuery.parse(query)).toEqual({
      issuer: 'Test-ISP',
      jurisdiction: 'EIDAS',
      loa: 3,
      offline: true,
      realtimeMethod: 'test',
      webflow: true,
    });
  });

  it('accepts no parameters at all', () => {
    expect(ProvidersQuery.parse({})).toEqual({});
  });

  it.each([
    ['3', 3],
    ['4', 4],
  ])('coerces loa %j to the number %i', (loa, expected) => {
    expect(ProvidersQuery.parse({ loa }).loa).toBe(expected);
  });

  it.each([
    ['true', true],
    ['false', false],
  ])('coerces offline and webflow %j to %s', (value, expected) => {
    expect(ProvidersQuery.parse({ offline: value, webflow: value })).toEqual({
      offline: expected,
      webflow: expected,
    });
  });

  it.each(['5', '2', '0', '3.0', ' 3', 'four', '', '03'])('rejects loa %j', (loa) => {
    expect(fieldsOf(ProvidersQuery, { loa })).toEqual(['loa']);
  });

  it('rejects loa as a number (query parameters are strings)', () => {
    expect(fieldsOf(ProvidersQuery, { loa: 3 })).toEqual(['loa']);
  });

  it.each(['yes', 'no', '1', '0', 'TRUE', 'True', ''])('rejects the boolean %j', (value) => {
    expect(fieldsOf(ProvidersQuery, { offline: value, webflow: value })).toEqual(['offline', 'webflow']);
  });

  it.each(['eidas', 'EU', 'CH', 'ZERTES,EIDAS'])('rejects the jurisdiction %j', (jurisdiction) => {
    expect(fieldsOf(ProvidersQuery, { jurisdiction })).toEqual(['jurisdiction']);
  });

  it.each(INJECTIONS)('rejects the injection %j as issuer and as realtimeMethod', (value) => {
    expect(fieldsOf(ProvidersQuery, { issuer: value, realtimeMethod: value })).toEqual([
      'issuer',
      'realtimeMethod',
    ]);
  });

  it('reports an unknown parameter as "Unknown field."', () => {
    const result = ProvidersQuery.safeParse({ loa: '3', realtimeMethods: 'video', limit: '10' });

    expect(toFieldErrors(result.error as z.core.$ZodError)).toEqual([
      { field: 'realtimeMethods', message: 'Unknown field.' },
      { field: 'limit', message: 'Unknown field.' },
    ]);
  });

  it('rejects a repeated parameter delivered as an array', () => {
    expect(fieldsOf(ProvidersQuery, { issuer: ['Test-ISP', 'Video-ISP'] })).toEqual(['issuer']);
  });
});

describe('RefIdParam', () => {
  it('accepts a UUID', () => {
    expect(RefIdParam.parse({ refId: PAPER_START_RESPONSE.refId })).toEqual({
      refId: PAPER_START_RESPONSE.refId,
    });
  });

  it.each([
    'c3ee9d79-0250-4d1b-805b-e72d591b9f2',
    '62c3ee9d79-0250-4d1b-805b-e72d591b9f23',
    '../../etc/passwd',
    "5c327977' OR '1'='1",
    '',
  ])('rejects %j', (refId) => {
    expect(RefIdParam.safeParse({ refId }).error?.issues).toEqual([
      expect.objectContaining({ path: ['refId'], message: 'Must be a UUID.' }),
    ]);
  });

  it('rejects unknown path parameters', () => {
    expect(fieldsOf(RefIdParam, { refId: PAPER_START_RESPONSE.refId, other: 'x' })).toEqual(['other']);
  });
});

describe('response schemas', () => {
  it('accept the paper’s verify response shape', () => {
    expect(
      VerifyResponse.safeParse({ evidenceId: 'e', vetterMsisdn: '41791234567', serialNumber: 's' }).success,
    ).toBe(true);
  });

  it('reject a verify response that would leak more than the paper shows', () => {
    expect(
      fieldsOf(VerifyResponse, { evidenceId: 'e', vetterMsisdn: 'm', serialNumber: 's', givenName: 'Hans' }),
    ).toEqual(['givenName']);
  });

  it('accept the paper’s catalogue response', () => {
    expect(ProviderList.parse([PAPER_TEST_ISP_ENTRY])).toEqual([PAPER_TEST_ISP_ENTRY]);
  });

  it('accept the paper’s start response with our added expiry', () => {
    expect(
      StartIdentificationResponse.safeParse({
        ...PAPER_START_RESPONSE,
        expiresAt: '2025-03-02T10:00:00.000Z',
      }).success,
    ).toBe(true);
  });

  it('accept the paper’s status response verbatim, including its microsecond date', () => {
    expect(IdentificationStatus.parse(PAPER_STATUS_RESPONSE)).toEqual(PAPER_STATUS_RESPONSE);
  });

  it('reject a status entry without kind or with an invalid date', () => {
    expect(
      fieldsOf(StatusEntry, { status: 'created', date: '2019-11-25T09:19:20.165Z', reason: null }),
    ).toEqual(['kind']);
    expect(fieldsOf(StatusEntry, { status: 'created', date: 'yesterday', reason: null, kind: null })).toEqual(
      ['date'],
    );
  });
});

describe('IdempotencyKey', () => {
  it.each(['a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', '!~', 'x'.repeat(255)])('accepts %j', (key) => {
    expect(IdempotencyKey.safeParse(key).success).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'x'.repeat(256)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['a line feed', 'a\nb'],
    ['a DEL', 'a\u007f'],
    ['non-ASCII', 'schlüssel'],
    ['a number', 42],
  ])('rejects a key that is %s', (_label, key) => {
    expect(IdempotencyKey.safeParse(key).success).toBe(false);
  });
});

describe('toFieldErrors and parseOrThrow', () => {
  it('returns the parsed data when the input is valid', () => {
    expect(parseOrThrow(ProvidersQuery, { loa: '4' })).toEqual({ loa: 4 });
  });

  it('throws a 400 Problem naming each invalid field', () => {
    // Prepare
    const body = { ...PAPER_VERIFY_BODY, assuranceLevel: '4', msisdn: 'abc', extra: 1 };

    // Act
    const act = () => parseOrThrow(VerifyRequest, body);

    // Assess
    expect(act).toThrow(Problem);
    expect(act).toThrow(
      expect.objectContaining({
        status: 400,
        type: 'https://smart-registration.example/problems/validation',
        title: 'Invalid request',
        errors: [
          {
            field: 'msisdn',
            message: 'Must be an international number of 8 to 15 digits, e.g. 41791234567.',
          },
          { field: 'assuranceLevel', message: expect.any(String) },
          { field: 'extra', message: 'Unknown field.' },
        ],
      }),
    );
  });

  it('serialises to an RFC 9457 body with the errors list', () => {
    let problem: unknown;
    try {
      parseOrThrow(ProvidersQuery, { loa: '5', foo: 'bar' });
    } catch (e) {
      problem = e;
    }

    expect(problem).toBeInstanceOf(Problem);
    expect((problem as Problem).toBody('/api/providers')).toEqual({
      type: 'https://smart-registration.example/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: 'The request is not valid; see errors for each field.',
      instance: '/api/providers',
      errors: [
        { field: 'loa', message: expect.any(String) },
        { field: 'foo', message: 'Unknown field.' },
      ],
    });
  });

  it('names the body itself when the input is not an object', () => {
    expect(() => parseOrThrow(VerifyRequest, 'not json')).toThrow(
      expect.objectContaining({ status: 400, errors: [{ field: '(body)', message: expect.any(String) }] }),
    );
  });

  it('joins nested paths with dots', () => {
    const result = IdentificationStatus.safeParse({
      ...PAPER_STATUS_RESPONSE,
      statuses: [{ status: 'created', date: 'never', reason: null, kind: null, extra: 1 }],
    });

    expect(toFieldErrors(result.error as z.core.$ZodError)).toEqual([
      { field: 'statuses.0.date', message: expect.any(String) },
      { field: 'statuses.0.extra', message: 'Unknown field.' },
    ]);
  });

  it('never echoes the rejected value in a message', () => {
    const secret = '<script>alert(1)</script>';

    const errors = toFieldErrors(
      StartIdentificationRequest.safeParse(startBody({ firstName: secret, email: secret, issuer: secret }))
        .error as z.core.$ZodError,
    );

    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.message).not.toContain(secret);
  });
});
