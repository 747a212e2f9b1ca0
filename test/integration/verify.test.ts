/**
 * POST /api/verify over real HTTP: the white paper's request verbatim, positive answers from a
 * seeded registration, negatives that never say why, hostile input, and the per-address rate limit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registration } from '../../lambdas/core/registration.js';
import { ROUTES } from '../../lambdas/routes.js';
import type { Problem } from '../support/problems.js';
import { expectProblem, expectUniformNegative } from '../support/problems.js';
import { call, type LocalStack, startStack, waitFor } from '../support/stack.js';

const VERIFY = '/api/verify';
/** The white paper's verify request, verbatim. */
const PAPER_REQUEST = {
  msisdn: '41791234567',
  claimedIdentity: 'test-client',
  assuranceLevel: 4,
  distinguishedName: 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH',
};

const YEAR_MS = 365 * 24 * 3600 * 1000;

function registration(overrides: Partial<Registration> = {}): Registration {
  return {
    msisdn: '41791234567',
    serialNumber: `SRS-${randomUUID()}`,
    evidenceId: `ev-${randomUUID()}`,
    loa: 4,
    jurisdictions: ['ZERTES', 'EIDAS'],
    givenName: 'Hans',
    familyName: 'Müller',
    nationalities: ['CH'],
    termsAcceptedAt: new Date(Date.now() - 24 * 3600 * 1000).toISOString(),
    validUntil: new Date(Date.now() + YEAR_MS).toISOString(),
    refId: randomUUID(),
    issuer: 'VideoIdent-Demo',
    ...overrides,
  };
}

let stack: LocalStack;
/** The main stack's DynamoDB port: the rate-limited stack below reuses it (see there). */
let dynamoPort: number;

const verify = (body: unknown, headers: Record<string, string> = {}) =>
  call<Record<string, unknown>>(stack, 'POST', VERIFY, { json: body, headers });

describe('the verify call', () => {
  const HANS = registration();
  /** LoA 3 only (an auto-identification). */
  const LOA3 = registration({ msisdn: '41791234568', loa: 3, issuer: 'AutoIdent-Demo' });
  const EXPIRED = registration({
    msisdn: '41791234569',
    validUntil: new Date(Date.now() - 60_000).toISOString(),
  });
  /** Registered for EIDAS only, while test-client signs under ZERTES and EIDAS. */
  const EU_ONLY = registration({ msisdn: '41791234570', jurisdictions: ['EIDAS'] });

  beforeAll(async () => {
    // The rate limit has its own stack below; here it would throttle the tests themselves.
    stack = await startStack({ rateLimits: false });
    dynamoPort = Number(new URL(stack.dynamoEndpoint).port);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("answers the paper's request verbatim with a plain 404 while Hans is unregistered, and with exactly evidenceId, vetterMsisdn and serialNumber once he is registered at LoA 4", async () => {
    // Act
    const before = await verify(PAPER_REQUEST);
    await stack.repository.putRegistration(HANS);
    const after = await verify(PAPER_REQUEST);

    // Assess
    expectProblem(before, 404, 'not-found', 'Not found');
    expect(before.text).not.toMatch(/expired|loa|level|jurisdiction|distinguished|claimed/i);
    expect(after.status).toBe(200);
    expect(after.headers.get('content-type')).toBe('application/json');
    expect(after.body).toEqual({
      evidenceId: HANS.evidenceId,
      vetterMsisdn: '41791234567',
      serialNumber: HANS.serialNumber,
    });
  });

  describe('with registrations in place', () => {
    beforeAll(async () => {
      for (const reg of [HANS, LOA3, EXPIRED, EU_ONLY]) await stack.repository.putRegistration(reg);
    });

    it('needs no Authorization header, and ignores a bogus one', async () => {
      const res = await verify(PAPER_REQUEST, { authorization: 'Bearer not-a-token' });

      expect(res.status).toBe(200);
    });

    it('answers a LoA 3 question positively from a LoA 4 registration', async () => {
      const res = await verify({ ...PAPER_REQUEST, assuranceLevel: 3 });

      expect(res.status).toBe(200);
      expect(res.body.evidenceId).toBe(HANS.evidenceId);
    });

    it('answers a LoA 3 question positively and a LoA 4 question negatively from a LoA 3 registration', async () => {
      const loa3 = await verify({ ...PAPER_REQUEST, msisdn: LOA3.msisdn, assuranceLevel: 3 });
      const loa4 = await verify({ ...PAPER_REQUEST, msisdn: LOA3.msisdn, assuranceLevel: 4 });

      expect(loa3.status).toBe(200);
      expect(loa3.body.evidenceId).toBe(LOA3.evidenceId);
      expectProblem(loa4, 404, 'not-found', 'Not found');
    });

    it('accepts the mobile number with a leading +', async () => {
      const res = await verify({ ...PAPER_REQUEST, msisdn: '+41791234567' });

      expect(res.status).toBe(200);
      expect(res.body.vetterMsisdn).toBe('41791234567');
    });

    it.each([
      ['without spaces', 'gn=Hans,sn=Müller,cn=Hans Müller,c=CH'],
      ['with extra spaces', '  gn = Hans ,  sn=Müller ,cn=Hans   Müller , c = CH '],
      ['in other case', 'GN=hans, SN=MÜLLER, CN=HANS MÜLLER, C=ch'],
      ['in another order', 'c=CH, cn=Hans Müller, sn=Müller, gn=Hans'],
      ['with long attribute names', 'givenName=Hans, surname=Müller, commonName=Hans Müller, countryName=CH'],
      ['with OIDs', '2.5.4.42=Hans, 2.5.4.4=Müller, 2.5.4.3=Hans Müller, 2.5.4.6=CH'],
      ['with semicolons', 'gn=Hans; sn=Müller; cn=Hans Müller; c=CH'],
      ['with a quoted value', 'gn=Hans, sn=Müller, cn="Hans Müller", c=CH'],
      ['with UTF-8 hex escapes', 'gn=Hans, sn=M\\C3\\BCller, cn=Hans M\\C3\\BCller, c=CH'],
      ['with an escaped space', 'gn=Hans, sn=Müller, cn=Hans\\ Müller, c=CH'],
      ['with ü decomposed (NFD)', 'gn=Hans, sn=Mu\u0308ller, cn=Hans Mu\u0308ller, c=CH'],
      ['with names only', 'gn=Hans, sn=Müller'],
    ])('matches the distinguished name %s', async (_label, distinguishedName) => {
      const res = await verify({ ...PAPER_REQUEST, distinguishedName });

      expect(res.status).toBe(200);
      expect(res.body.serialNumber).toBe(HANS.serialNumber);
    });

    it.each([
      ['an unknown number', { msisdn: '41799999999' }],
      ['a LoA too low', { msisdn: LOA3.msisdn }],
      ['another given name', { distinguishedName: 'gn=Fritz, sn=Müller, cn=Fritz Müller, c=CH' }],
      [
        'the family name without its accent',
        { distinguishedName: 'gn=Hans, sn=Muller, cn=Hans Muller, c=CH' },
      ],
      ['a common name of someone else', { distinguishedName: 'gn=Hans, sn=Müller, cn=Eve Mallory, c=CH' }],
      ['another country', { distinguishedName: 'gn=Hans, sn=Müller, cn=Hans Müller, c=DE' }],
      ['an attribute nobody vouched for', { distinguishedName: 'gn=Hans, sn=Müller, o=Evil Corp, c=CH' }],
      ['a given name twice', { distinguishedName: 'gn=Hans, gn=Fritz, sn=Müller, c=CH' }],
      ['an unknown claimedIdentity', { claimedIdentity: 'no-such-client' }],
      ['an expired registration', { msisdn: EXPIRED.msisdn }],
      ['a registration lacking a jurisdiction of the claimed identity', { msisdn: EU_ONLY.msisdn }],
    ])(
      'answers %s with the same 404 status, body and headers as an unregistered number',
      async (_label, change) => {
        const unregistered = await verify({ ...PAPER_REQUEST, msisdn: '41790000001' });
        const res = await verify({ ...PAPER_REQUEST, ...change });

        expectProblem(res, 404, 'not-found', 'Not found');
        expectUniformNegative(res, unregistered);
        expect(res.text).not.toContain(HANS.evidenceId);
        expect(res.text).not.toContain(HANS.serialNumber);
      },
    );
  });

  describe('hostile input is refused with 400', () => {
    const { msisdn: _m, ...withoutMsisdn } = PAPER_REQUEST;
    const { claimedIdentity: _c, ...withoutClaimedIdentity } = PAPER_REQUEST;
    const { assuranceLevel: _a, ...withoutAssuranceLevel } = PAPER_REQUEST;
    const { distinguishedName: _d, ...withoutDistinguishedName } = PAPER_REQUEST;

    it.each([
      ['a missing msisdn', withoutMsisdn, 'msisdn'],
      ['a missing claimedIdentity', withoutClaimedIdentity, 'claimedIdentity'],
      ['a missing assuranceLevel', withoutAssuranceLevel, 'assuranceLevel'],
      ['a missing distinguishedName', withoutDistinguishedName, 'distinguishedName'],
      ['assuranceLevel "4" as a string', { ...PAPER_REQUEST, assuranceLevel: '4' }, 'assuranceLevel'],
      ['assuranceLevel 5', { ...PAPER_REQUEST, assuranceLevel: 5 }, 'assuranceLevel'],
      ['assuranceLevel 3.5', { ...PAPER_REQUEST, assuranceLevel: 3.5 }, 'assuranceLevel'],
      ['an msisdn with letters', { ...PAPER_REQUEST, msisdn: '4179123456a' }, 'msisdn'],
      ['an msisdn as a number', { ...PAPER_REQUEST, msisdn: 41791234567 }, 'msisdn'],
      ['an msisdn that is too long', { ...PAPER_REQUEST, msisdn: '4179123456789012' }, 'msisdn'],
      ['a DN that is not a DN', { ...PAPER_REQUEST, distinguishedName: 'Hans Müller' }, 'distinguishedName'],
      [
        'a DN with an empty value',
        { ...PAPER_REQUEST, distinguishedName: 'gn=, sn=Müller' },
        'distinguishedName',
      ],
      [
        'a DN without attribute type',
        { ...PAPER_REQUEST, distinguishedName: '=Hans, sn=Müller' },
        'distinguishedName',
      ],
      [
        'a DN with an unterminated quote',
        { ...PAPER_REQUEST, distinguishedName: 'gn="Hans, sn=Müller' },
        'distinguishedName',
      ],
      [
        'a DN with a control character',
        { ...PAPER_REQUEST, distinguishedName: 'gn=Hans\u0000, sn=Müller' },
        'distinguishedName',
      ],
      [
        'a DN smuggling a control character in a hex escape',
        { ...PAPER_REQUEST, distinguishedName: 'gn=Hans\\00, sn=Müller' },
        'distinguishedName',
      ],
      [
        'a DN with an escape RFC 4514 does not know (\\z)',
        { ...PAPER_REQUEST, distinguishedName: 'gn=Hans, sn=Müller, cn=\\zz' },
        'distinguishedName',
      ],
      [
        'a DN with a malformed hexstring',
        { ...PAPER_REQUEST, distinguishedName: 'gn=Hans, sn=Müller, 2.5.4.3=#zz' },
        'distinguishedName',
      ],
      [
        'a DN with a well-formed hexstring (not supported)',
        { ...PAPER_REQUEST, distinguishedName: 'gn=Hans, sn=Müller, cn=#0C0B48616E73204DC3BC6C6C6572' },
        'distinguishedName',
      ],
      [
        'a DN with a bidi override',
        { ...PAPER_REQUEST, distinguishedName: 'gn=Hans\u202E, sn=Müller' },
        'distinguishedName',
      ],
      [
        'a claimedIdentity with a control character',
        { ...PAPER_REQUEST, claimedIdentity: 'test-client\n' },
        'claimedIdentity',
      ],
      ['an unknown field', { ...PAPER_REQUEST, debug: true }, 'debug'],
    ])('refuses %s naming the field', async (_label, body, field) => {
      const res = await verify(body);

      expectProblem(res, 400, 'validation', 'Invalid request');
      expect(((res.body as unknown as Problem).errors ?? []).map((e) => e.field)).toContain(field);
    });

    it.each([
      ['"4"', '4'],
      ['5', 5],
      ['"LoA3"', 'LoA3'],
    ])('says what an assuranceLevel of %s should be: the number 3 or 4', async (_label, assuranceLevel) => {
      const res = await verify({ ...PAPER_REQUEST, assuranceLevel });

      expectProblem(res, 400, 'validation', 'Invalid request');
      expect((res.body as unknown as Problem).errors).toEqual([
        { field: 'assuranceLevel', message: 'Must be the number 3 (advanced) or 4 (qualified).' },
      ]);
    });

    it('refuses malformed JSON', async () => {
      const res = await call(stack, 'POST', VERIFY, {
        body: '{"msisdn": "41791234567",',
        headers: { 'content-type': 'application/json' },
      });

      expectProblem(res, 400, 'malformed-json', 'Malformed JSON');
    });

    it('refuses a JSON array', async () => {
      const res = await verify([PAPER_REQUEST]);

      expectProblem(res, 400, 'validation', 'Invalid request');
    });

    it('refuses a 1 MB body with 413', async () => {
      const res = await verify({ ...PAPER_REQUEST, distinguishedName: `gn=${'x'.repeat(1024 * 1024)}` });

      expectProblem(res, 413, 'payload-too-large', 'Payload too large');
    });

    it('refuses a body that is not JSON with 415', async () => {
      const res = await call(stack, 'POST', VERIFY, {
        body: new URLSearchParams({ msisdn: '41791234567' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

      expectProblem(res, 415, 'unsupported-media-type', 'Unsupported media type');
    });
  });
});

describe('the verify call is rate limited per client address', () => {
  const limit = ROUTES.find((r) => r.method === 'POST' && r.path === VERIFY)?.clientRateLimit;

  beforeAll(async () => {
    // A fresh stack with rate limits on. Handler modules (and their DynamoDB clients) live once per
    // process, so the new stack takes over the previous stack's DynamoDB port, as a restart would.
    stack = await startStack({ dynamoPort });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 with Retry-After once more requests than the burst arrive at once, then recovers', async () => {
    // Prepare
    expect(limit).toBeDefined();
    const { burst, perSecond } = limit as { burst: number; perSecond: number };
    const started = Date.now();

    // Act: waves of three bursts at once until the limit answers (on a loaded machine a wave can
    // take long enough for the bucket to refill, so one wave alone may pass untouched)
    const answers: Awaited<ReturnType<typeof verify>>[] = [];
    for (let wave = 0; wave < 10 && !answers.some((a) => a.status === 429); wave++) {
      answers.push(...(await Promise.all(Array.from({ length: burst * 3 }, () => verify(PAPER_REQUEST)))));
    }
    const elapsedSeconds = (Date.now() - started) / 1000;

    // Assess: nothing registered here, so everything let through is a plain negative
    const throttled = answers.filter((a) => a.status === 429);
    const passed = answers.filter((a) => a.status !== 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(burst + Math.ceil(elapsedSeconds * perSecond) + 1);
    for (const res of passed) expectProblem(res, 404, 'not-found', 'Not found');
    for (const res of throttled) {
      expectProblem(res, 429, 'too-many-requests', 'Too many requests');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const recovered = await waitFor(
      () => verify(PAPER_REQUEST),
      (res) => res.status !== 429,
      { timeoutMs: 5_000, intervalMs: 100 },
    );
    expectProblem(recovered, 404, 'not-found', 'Not found');
  });
});
