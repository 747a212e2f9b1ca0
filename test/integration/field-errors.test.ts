/**
 * What a caller reads when an API route refuses a request, over real HTTP against the embedded
 * stack: on every API route that takes a body or query, a field left out, null, of another type,
 * empty, too long, unknown or not one of the allowed values is a 400 problem+json whose `errors`
 * name the field and say what it must be in plain words — never zod's own ("Invalid input:
 * expected string, received undefined") — and nothing is written. A body of another media type,
 * malformed JSON and an oversize body are 4xx problems too.
 */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME } from '../../local/stack.js';
import { expectProblem, type Problem } from '../support/problems.js';
import {
  type ApiResponse,
  call,
  paperStartBody,
  startOrder,
  tokenFor,
  useStack,
  waitFor,
} from '../support/stack.js';

/** zod's own English, which names its internals: no answer may read like this. */
const ZOD_WORDING =
  /Invalid input|Invalid option|Too (big|small):|Unrecognized key|expected \w+, received|>=|<=/;

const stack = useStack({ rateLimits: false });
let dynamo: DynamoDBClient;
let portal: string;
/** An order of the portal's, for the Test-ISP simulator's JSON route. */
let refId: string;

beforeAll(async () => {
  dynamo = new DynamoDBClient({
    endpoint: stack().dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  portal = await tokenFor(stack(), 'demo-portal');
  refId = (await startOrder(stack(), portal)).refId;
  // The order's last write of its own (the state machine waits for the partner): none comes after.
  await waitFor(
    async () => (await stack().repository.getOrder(refId))?.waitTokens?.evidence,
    (token) => token !== undefined,
  );
});

afterAll(() => dynamo?.destroy());

/** Every item in the table, whole (a Scan is fine in a test, never on a request path). */
async function tableItems(): Promise<string[]> {
  const items: string[] = [];
  for await (const page of paginateScan({ client: dynamo }, { TableName: TABLE_NAME }))
    for (const item of page.Items ?? []) items.push(JSON.stringify(item));
  return items.sort();
}

const VERIFY = {
  msisdn: '41791234567',
  claimedIdentity: 'test-client',
  assuranceLevel: 3,
  distinguishedName: 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH',
};
const without = (body: Record<string, unknown>, field: string) =>
  Object.fromEntries(Object.entries(body).filter(([name]) => name !== field));

interface Refusal {
  method: 'GET' | 'POST';
  path: string;
  /** A JSON body (or, for a string, a form body). */
  body?: Record<string, unknown> | string;
  /** The field errors the answer lists, exactly. */
  errors: { field: string; message: string }[];
  /** The problem's type (its last part) and title where the route has its own (RFC 7662's invalid_request). */
  problem?: [slug: string, title: string];
}

const refusals = (): [string, Refusal][] => [
  // The verify call (the white paper's four fields)
  [
    'verify without distinguishedName',
    {
      method: 'POST',
      path: '/api/verify',
      body: without(VERIFY, 'distinguishedName'),
      errors: [
        {
          field: 'distinguishedName',
          message:
            'Required: a string of 1 to 1024 characters. Must be a distinguished name such as "gn=Hans, sn=Müller, cn=Hans Müller, c=CH".',
        },
      ],
    },
  ],
  [
    'verify without msisdn',
    {
      method: 'POST',
      path: '/api/verify',
      body: without(VERIFY, 'msisdn'),
      errors: [
        {
          field: 'msisdn',
          message: 'Required: a string. Must be an international number of 8 to 15 digits, e.g. 41791234567.',
        },
      ],
    },
  ],
  [
    'verify without assuranceLevel',
    {
      method: 'POST',
      path: '/api/verify',
      body: without(VERIFY, 'assuranceLevel'),
      errors: [{ field: 'assuranceLevel', message: 'Required: the number 3 (advanced) or 4 (qualified).' }],
    },
  ],
  [
    'verify with msisdn null',
    {
      method: 'POST',
      path: '/api/verify',
      body: { ...VERIFY, msisdn: null },
      errors: [{ field: 'msisdn', message: 'Must be a string, not null.' }],
    },
  ],
  [
    'verify with msisdn as a number',
    {
      method: 'POST',
      path: '/api/verify',
      body: { ...VERIFY, msisdn: 41791234567 },
      errors: [{ field: 'msisdn', message: 'Must be a string, not the number 41791234567.' }],
    },
  ],
  [
    'verify with an empty distinguishedName',
    {
      method: 'POST',
      path: '/api/verify',
      body: { ...VERIFY, distinguishedName: '' },
      errors: [{ field: 'distinguishedName', message: 'Must not be empty.' }],
    },
  ],
  [
    'verify with a distinguishedName too long',
    {
      method: 'POST',
      path: '/api/verify',
      body: { ...VERIFY, distinguishedName: `gn=Hans, sn=Müller, cn=${'x'.repeat(1100)}, c=CH` },
      errors: [{ field: 'distinguishedName', message: 'Must be at most 1024 characters long.' }],
    },
  ],
  [
    'verify with an unknown field',
    {
      method: 'POST',
      path: '/api/verify',
      body: { ...VERIFY, isAdmin: true },
      errors: [{ field: 'isAdmin', message: 'Unknown field.' }],
    },
  ],
  // The start call
  [
    'a start without firstName',
    {
      method: 'POST',
      path: '/api/identifications',
      body: without(paperStartBody(), 'firstName'),
      errors: [{ field: 'firstName', message: 'Required: a string of 1 to 100 characters.' }],
    },
  ],
  [
    'a start without dob and email',
    {
      method: 'POST',
      path: '/api/identifications',
      body: without(without(paperStartBody(), 'dob'), 'email'),
      errors: [
        { field: 'dob', message: 'Required: a real calendar date, YYYY-MM-DD.' },
        { field: 'email', message: 'Required: an email address.' },
      ],
    },
  ],
  [
    'a start without language',
    {
      method: 'POST',
      path: '/api/identifications',
      body: without(paperStartBody(), 'language'),
      errors: [{ field: 'language', message: 'Required: one of "en", "de", "fr" or "it".' }],
    },
  ],
  [
    'a start with an unknown language',
    {
      method: 'POST',
      path: '/api/identifications',
      body: paperStartBody({ language: 'xx' }),
      errors: [{ field: 'language', message: 'Must be one of "en", "de", "fr" or "it".' }],
    },
  ],
  [
    'a start with lastName as an array',
    {
      method: 'POST',
      path: '/api/identifications',
      body: paperStartBody({ lastName: ['Muster'] }),
      errors: [{ field: 'lastName', message: 'Must be a string of 1 to 100 characters, not an array.' }],
    },
  ],
  [
    'a start with an empty state',
    {
      method: 'POST',
      path: '/api/identifications',
      body: paperStartBody({ state: '' }),
      errors: [{ field: 'state', message: 'Must not be empty.' }],
    },
  ],
  // The catalogue's and the usage's queries
  [
    'a catalogue query with loa=5',
    {
      method: 'GET',
      path: '/api/providers?loa=5',
      errors: [{ field: 'loa', message: 'Must be one of "3" or "4".' }],
    },
  ],
  [
    'a catalogue query with offline=maybe and a parameter it does not know',
    {
      method: 'GET',
      path: '/api/providers?offline=maybe&colour=red',
      errors: [
        { field: 'offline', message: 'Must be one of "true" or "false".' },
        { field: 'colour', message: 'Unknown field.' },
      ],
    },
  ],
  [
    'a start with an unknown jurisdiction',
    {
      method: 'POST',
      path: '/api/identifications',
      body: paperStartBody({ issuer: 'Test-ISP', method: 'test', jurisdiction: 'USA' }),
      errors: [{ field: 'jurisdiction', message: 'Must be one of "ZERTES" or "EIDAS".' }],
    },
  ],
  [
    'a usage query without month',
    {
      method: 'GET',
      path: '/api/usage',
      errors: [
        {
          field: 'month',
          message: 'Required: a string. Must be a month YYYY-MM between 2000-01 and 2099-12.',
        },
      ],
    },
  ],
  // Webhooks
  [
    'a webhook without url',
    {
      method: 'POST',
      path: '/api/webhooks',
      body: { events: ['identification.status-changed'] },
      errors: [{ field: 'url', message: 'Required: a string of 1 to 2048 characters.' }],
    },
  ],
  [
    'a webhook with no events',
    {
      method: 'POST',
      path: '/api/webhooks',
      body: { url: 'https://sp.example/hooks', events: [] },
      errors: [{ field: 'events', message: 'Must hold at least one item.' }],
    },
  ],
  // Token introspection (a form)
  [
    'an introspection without token',
    {
      method: 'POST',
      path: '/oauth2/introspect',
      body: 'token_type_hint=access_token',
      errors: [{ field: 'token', message: 'Required: a string of 1 to 8192 characters.' }],
      problem: ['invalid-request', 'Invalid introspection request'],
    },
  ],
  // The Test-ISP simulator's JSON route
  [
    'a simulated partner event without status',
    {
      method: 'POST',
      path: '/test-isp/api/orders/{refId}',
      body: {},
      errors: [
        {
          field: 'status',
          message:
            'Required: one of "waiting-for-doc", "done", "data-ready", "cancelled-user", "cancelled-isp" or "unsuccessful".',
        },
      ],
    },
  ],
];

describe('a refused request names each field and says what it must be, and writes nothing', () => {
  it.each(refusals())('%s', async (_label, refusal) => {
    // Prepare
    const before = await tableItems();
    const form = typeof refusal.body === 'string';

    // Act
    const res = await call<Problem>(stack(), refusal.method, refusal.path.replace('{refId}', refId), {
      token: portal,
      ...(form
        ? { body: refusal.body as string, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
        : refusal.body === undefined
          ? {}
          : { json: refusal.body }),
    });

    // Assess
    expectProblem(res, 400, ...(refusal.problem ?? ['validation', 'Invalid request']));
    expect(res.body.errors).toEqual(refusal.errors);
    expect(res.text).not.toMatch(ZOD_WORDING);
    expect(await tableItems()).toEqual(before);
  });
});

describe('a body that cannot be read is a 4xx problem, and nothing is written', () => {
  const bodies: [string, string, Record<string, string>, number, string][] = [
    ['malformed JSON', '{"msisdn": ', { 'content-type': 'application/json' }, 400, 'malformed-json'],
    ['a body that is no JSON object', 'null', { 'content-type': 'application/json' }, 400, 'validation'],
    [
      'another media type',
      JSON.stringify(VERIFY),
      { 'content-type': 'text/plain' },
      415,
      'unsupported-media-type',
    ],
    [
      'a body over the limit',
      JSON.stringify({ ...VERIFY, distinguishedName: 'x'.repeat(64 * 1024) }),
      { 'content-type': 'application/json' },
      413,
      'payload-too-large',
    ],
  ];

  it.each(bodies)(
    '%s sent to each API route that takes a JSON body',
    async (_label, body, headers, status, slug) => {
      for (const path of [
        '/api/verify',
        '/api/identifications',
        '/api/webhooks',
        `/test-isp/api/orders/${refId}`,
      ]) {
        const before = await tableItems();

        const res: ApiResponse<Problem> = await call<Problem>(stack(), 'POST', path, {
          token: portal,
          body,
          headers,
        });

        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.body.type).toBe(`https://smart-registration.example/problems/${slug}`);
        expect(res.text).not.toMatch(ZOD_WORDING);
        expect(await tableItems()).toEqual(before);
      }
    },
  );
});
