/**
 * Method choice hosted by the service, over HTTP against the embedded stack: the white paper's
 * six-field start body, the person's choice page (options from the SP's setup, the order's
 * language), the choice opening the partner's order, one choice per order (also when two
 * submissions race), bad input that changes nothing, expiry, and the journey on to verify.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerOrderApi, sendJson } from '../../bench/fake-partner.js';
import type { ServiceConfig } from '../../lambdas/core/service-config.js';
import { loadConfig } from '../../local/config.js';
import { acceptTerms, httpPartnerIsp, termsLinkFromOutbox } from '../support/isp.js';
import { call, tokenFor, useStack, waitFor } from '../support/stack.js';
import { PAPER_START_BODY } from '../support/white-paper.js';

interface Started {
  refId: string;
  error: null;
  targetURL: string;
  expiresAt: string;
}
interface Status {
  issuer: string | null;
  adapter: string | null;
  method: string | null;
  orderId: string;
  evidenceId: string | null;
  statuses: { status: string; kind: string | null }[];
}

/** A partner that answers slowly and counts the orders it was asked to open. */
const partnerOrders: string[] = [];
const partner = new PartnerOrderApi((req, res) => {
  const body = JSON.parse(req.text) as { refId: string };
  partnerOrders.push(body.refId);
  // Slow enough that a second submission arrives while the first is being opened.
  setTimeout(
    () =>
      sendJson(
        res,
        201,
        JSON.stringify({ orderId: `S-${body.refId}`, redirectUrl: `https://slow.example/${body.refId}` }),
      ),
    300,
  );
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let portal: string;
let bank: string;
let mobileCounter = 0;
/** A distinct mobile number per test, so each person's SMS is found by number. */
const nextMobile = () => `+4179${String(5_000_000 + ++mobileCounter).padStart(7, '0')}`;

function testConfig(): ServiceConfig {
  const config = loadConfig();
  config.isps.push(
    httpPartnerIsp('Slow-Partner', {
      ordersUrl: `${partner.url}/orders`,
      auth: { type: 'bearer', tokenEnv: 'METHOD_CHOICE_PARTNER_TOKEN' },
      timeoutMs: 5000,
      retries: 0,
      redirectTokenParameter: null,
    }),
  );
  config.serviceProviders.push({
    ...(config.serviceProviders.find(
      (sp) => sp.clientId === 'demo-portal',
    ) as ServiceConfig['serviceProviders'][number]),
    clientId: 'slow-choice-sp',
    clientSecret: 'slow-choice-sp-secret',
    name: 'SP whose only partner is slow',
    methods: { 'Slow-Partner': '*' },
    claimedIdentities: [],
    methodChoiceSeconds: 1,
  });
  return config;
}

// Registered before the stack, so that it runs once the stack has closed.
afterAll(async () => {
  await partner.stop();
  delete process.env.METHOD_CHOICE_PARTNER_TOKEN;
});
// The slow partner first: the configuration points at it.
const stack = useStack(async () => {
  await partner.start();
  process.env.METHOD_CHOICE_PARTNER_TOKEN = 'slow-partner-token';
  return { config: testConfig() };
});
beforeAll(async () => {
  portal = await tokenFor(stack(), 'demo-portal');
  bank = await tokenFor(stack(), 'demo-bank');
});

async function startWithoutMethod(token: string, overrides: Record<string, unknown> = {}): Promise<Started> {
  const res = await call<Started>(stack(), 'POST', '/api/identifications', {
    token,
    json: { ...PAPER_START_BODY, mobile: nextMobile(), ...overrides },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** The choice page's path and query, from the targetURL. */
const pagePath = (started: Started) => started.targetURL.replace(stack().baseUrl, '');
const optionsOf = (html: string) =>
  [...html.matchAll(/name="method" value="([^"]+)"/g)].map((m) => m[1] as string);
/** The offered options as a set (their order is the table's), and that offline ones come last. */
function expectOptions(html: string, online: string[], offline: string[] = []) {
  const offered = optionsOf(html);
  expect(offered.slice(0, online.length).sort()).toEqual([...online].sort());
  expect(offered.slice(online.length).sort()).toEqual([...offline].sort());
}
const status = async (refId: string, token = portal) =>
  (await call<Status>(stack(), 'GET', `/api/identifications/${refId}`, { token })).body;
const choose = (path: string, value: string) =>
  call<string>(stack(), 'POST', path, {
    body: new URLSearchParams({ method: value }).toString(),
    headers: FORM,
  });

describe('POST /api/identifications with the white paper’s six fields', () => {
  it('answers 201 with a targetURL to the service’s choice page carrying an unguessable token', async () => {
    const started = await startWithoutMethod(portal);

    expect(Object.keys(started).sort()).toEqual(['error', 'expiresAt', 'refId', 'targetURL']);
    expect(started.error).toBeNull();
    expect(started.targetURL).toMatch(
      new RegExp(`^${stack().baseUrl}/method-choice/${started.refId}\\?token=[A-Za-z0-9_-]{43}$`),
    );
    const hours = (Date.parse(started.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it('shows issuer, adapter and method as null and the order as created until the person chooses', async () => {
    const started = await startWithoutMethod(portal);

    const s = await status(started.refId);

    expect(s.issuer).toBeNull();
    expect(s.adapter).toBeNull();
    expect(s.method).toBeNull();
    expect(s.orderId).toBe(started.refId);
    expect(s.statuses.map((e) => e.status)).toEqual(['created']);
  });

  it('refuses issuer without method, and method without issuer, naming the missing field', async () => {
    for (const [given, missing] of [
      [{ issuer: 'Test-ISP' }, 'method'],
      [{ method: 'test' }, 'issuer'],
    ] as const) {
      const res = await call<{ errors: { field: string }[] }>(stack(), 'POST', '/api/identifications', {
        token: portal,
        json: { ...PAPER_START_BODY, ...given },
      });

      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toEqual([missing]);
    }
  });

  it('refuses a request that no method of the SP’s setup can serve (its only partner is EIDAS-only)', async () => {
    const res = await call<{ errors: { field: string }[] }>(stack(), 'POST', '/api/identifications', {
      token: await tokenFor(stack(), 'slow-choice-sp'),
      json: { ...PAPER_START_BODY, jurisdiction: 'ZERTES' },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['(body)']);
  });
});

describe('the choice page', () => {
  it('offers demo-portal every method its setup allows, video under EIDAS only (not a financial intermediary)', async () => {
    const started = await startWithoutMethod(portal);

    const res = await call<string>(stack(), 'GET', pagePath(started));

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('<html lang="en">');
    expectOptions(
      res.text,
      [
        'video@Test-ISP',
        'test@Test-ISP',
        'video@VideoIdent-Demo',
        'bank@BankIdent-Demo',
        'eid@eID-Demo',
        'auto@AutoIdent-Demo',
      ],
      ['courier@Courier-Demo', 'pos@PointOfSale-Demo'],
    );
    expect(res.text).toMatch(/<label for="method-\d+">Video call with an agent<\/label>/);
    expect(res.text).toMatch(/by Test-ISP · advanced signature \(EU\)/);
  });

  it('narrows the options to the start call’s jurisdiction and assurance level', async () => {
    const swiss = await startWithoutMethod(portal, { jurisdiction: 'ZERTES' });
    const qualified = await startWithoutMethod(portal, { assuranceLevel: 4 });

    const swissPage = (await call<string>(stack(), 'GET', pagePath(swiss))).text;
    const qualifiedPage = (await call<string>(stack(), 'GET', pagePath(qualified))).text;

    expectOptions(
      swissPage,
      ['test@Test-ISP', 'auto@AutoIdent-Demo'],
      ['courier@Courier-Demo', 'pos@PointOfSale-Demo'],
    );
    expectOptions(
      qualifiedPage,
      ['video@VideoIdent-Demo', 'bank@BankIdent-Demo', 'eid@eID-Demo'],
      ['courier@Courier-Demo', 'pos@PointOfSale-Demo'],
    );
  });

  it('speaks the order’s language and offers a financial intermediary video under ZertES too', async () => {
    const started = await startWithoutMethod(bank, { language: 'de' });

    const res = await call<string>(stack(), 'GET', pagePath(started));

    expect(res.text).toContain('<html lang="de">');
    expect(res.text).toContain('Wählen Sie, wie Sie sich identifizieren');
    expect(res.text).toMatch(/durch Test-ISP · fortgeschrittene Signatur \(Schweiz, EU\)/);
    expectOptions(res.text, [
      'video@Test-ISP',
      'test@Test-ISP',
      'video@VideoIdent-Demo',
      'bank@BankIdent-Demo',
      'eid@eID-Demo',
    ]);
  });

  it('is a labelled form: every option’s label is tied to its radio button', async () => {
    const started = await startWithoutMethod(portal, { language: 'fr' });

    const html = (await call<string>(stack(), 'GET', pagePath(started))).text;

    const ids = [...html.matchAll(/<input type="radio" id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain('<fieldset><legend>Méthode d&#39;identification</legend>');
  });

  it.each([
    ['a wrong token', (s: Started) => pagePath(s).replace(/token=.{4}/, 'token=AAAA')],
    ['no token', (s: Started) => pagePath(s).replace(/\?token=.*$/, '')],
    [
      'another order’s refId',
      (s: Started) => pagePath(s).replace(s.refId, '6f1c1d5e-8c5b-4a63-9d4c-2f5f3f6e7a10'),
    ],
    ['a refId that is no UUID', (s: Started) => pagePath(s).replace(s.refId, 'not-a-uuid')],
  ])('answers %s with a 404 page that says the link is not valid', async (_name, tamper) => {
    const started = await startWithoutMethod(portal);

    const res = await call<string>(stack(), 'GET', tamper(started));

    expect(res.status).toBe(404);
    expect(res.text).toContain('This link is not valid.');
  });
});

describe('choosing', () => {
  it('opens the partner’s order, redirects the person there (303) and shows issuer and method in the status', async () => {
    const started = await startWithoutMethod(portal);

    const res = await choose(pagePath(started), 'test@Test-ISP');

    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${stack().baseUrl}/test-isp/orders/${started.refId}\\?token=`));
    const s = await status(started.refId);
    expect(s).toMatchObject({ issuer: 'Test-ISP', adapter: 'test-isp', method: 'test' });
    expect(s.statuses.map((e) => e.status)).toEqual(['created', 'initialized']);
    // The partner's page is the Test-ISP simulator's form for this order.
    expect((await call<string>(stack(), 'GET', location.replace(stack().baseUrl, ''))).status).toBe(200);
  });

  it('refuses a second choice on the same order with a 409 page and changes nothing', async () => {
    const started = await startWithoutMethod(portal);
    const first = await choose(pagePath(started), 'test@Test-ISP');
    const before = await status(started.refId);

    const second = await choose(pagePath(started), 'auto@AutoIdent-Demo');
    const page = await call<string>(stack(), 'GET', pagePath(started));

    expect(second.status).toBe(409);
    expect(second.text).toContain('A method was already chosen for this identification.');
    expect(second.text).toContain(first.headers.get('location')?.replaceAll('&', '&amp;'));
    expect(page.status).toBe(409);
    expect(await status(started.refId)).toEqual(before);
  });

  it('opens one partner order only when two submissions race', async () => {
    const slow = await tokenFor(stack(), 'slow-choice-sp');
    const res = await call<Started>(stack(), 'POST', '/api/identifications', {
      token: slow,
      json: { ...PAPER_START_BODY, mobile: nextMobile() },
    });
    const started = res.body;
    const path = pagePath(started);
    const before = partnerOrders.filter((r) => r === started.refId).length;

    // The order's choice window is one second here: both submissions arrive well within it.
    const answers = await Promise.all([choose(path, 'bank@Slow-Partner'), choose(path, 'bank@Slow-Partner')]);

    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    expect(partnerOrders.filter((r) => r === started.refId).length - before).toBe(1);
    const s = await status(started.refId, slow);
    expect(s.statuses.map((e) => e.status)).toEqual(['created', 'initialized']);
    expect(s.orderId).toBe(`S-${started.refId}`);
  });

  it.each([
    ['an unknown method', 'method=fax%40Test-ISP'],
    ['a method the setup does not allow', 'method=video%40Nobody'],
    ['no method at all', ''],
    ['the method twice', 'method=test%40Test-ISP&method=auto%40AutoIdent-Demo'],
    ['an extra field', 'method=test%40Test-ISP&issuer=Test-ISP'],
    ['markup', 'method=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ])(
    'answers %s with the form again, a 400 with the error next to the field, and changes nothing',
    async (_name, body) => {
      const started = await startWithoutMethod(portal);
      const before = await status(started.refId);

      const res = await call<string>(stack(), 'POST', pagePath(started), { body, headers: FORM });

      expect(res.status).toBe(400);
      expect(res.text).toMatch(
        /<fieldset aria-invalid="true"><legend>Identification method<\/legend>\n<p class="error" id="method-error" role="alert">Choose one of the methods.<\/p>/,
      );
      expect(res.text).not.toContain('<script>');
      expect(await status(started.refId)).toEqual(before);
      // The order can still be chosen.
      expect((await choose(pagePath(started), 'test@Test-ISP')).status).toBe(303);
    },
  );

  it('refuses a submission with a wrong token (404), media type (415) or from another site (403) and changes nothing', async () => {
    const started = await startWithoutMethod(portal);
    const before = await status(started.refId);

    const wrongToken = await choose(pagePath(started).replace(/token=.{4}/, 'token=AAAA'), 'test@Test-ISP');
    const wrongType = await call(stack(), 'POST', pagePath(started), {
      json: { method: 'test@Test-ISP' },
    });

    const crossSite = await call(stack(), 'POST', pagePath(started), {
      body: 'method=test%40Test-ISP',
      headers: { ...FORM, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });

    expect(wrongToken.status).toBe(404);
    expect(wrongType.status).toBe(415);
    expect(crossSite.status).toBe(403);
    expect(await status(started.refId)).toEqual(before);
  });
});

describe('the lifecycle of an order whose method the person chooses', () => {
  it('expires like any other order when nobody chooses in time, and the page then says so', async () => {
    const slow = await tokenFor(stack(), 'slow-choice-sp');
    const started = (
      await call<Started>(stack(), 'POST', '/api/identifications', {
        token: slow,
        json: { ...PAPER_START_BODY, mobile: nextMobile() },
      })
    ).body;

    const s = await waitFor(
      () => status(started.refId, slow),
      (x) => x.statuses.at(-1)?.status === 'cancelled',
      { timeoutMs: 20_000 },
    );
    const page = await call<string>(stack(), 'GET', pagePath(started));
    const late = await choose(pagePath(started), 'bank@Slow-Partner');

    expect(s.statuses.map((e) => [e.status, e.kind])).toEqual([
      ['created', null],
      ['cancelled', 'expired'],
    ]);
    expect(page.status).toBe(410);
    expect(late.status).toBe(410);
    expect((await stack().stepFunctions.settled(started.refId)).states).toEqual([
      'MethodChosen',
      'WaitForMethodChoice',
      'ExpireOrder',
      'AcceptedInTime',
      'Expired',
    ]);
    expect(s.issuer).toBeNull();
  });

  it('goes on to the partner’s evidence, the terms SMS and a positive verify', async () => {
    const mobile = nextMobile();
    const started = await startWithoutMethod(portal, { mobile });
    await choose(pagePath(started), 'test@Test-ISP');

    const identified = await call(stack(), 'POST', `/test-isp/api/orders/${started.refId}`, {
      json: { status: 'data-ready', person: { lastName: 'Müller' } },
    });
    const link = await waitFor(
      async () => termsLinkFromOutbox(stack(), mobile),
      (l) => l !== undefined,
    );
    await acceptTerms(link as string);
    const verify = await waitFor(
      () =>
        call(stack(), 'POST', '/api/verify', {
          json: {
            msisdn: mobile.slice(1),
            claimedIdentity: 'test-client',
            assuranceLevel: 3,
            distinguishedName: 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH',
          },
        }),
      (r) => r.status === 200,
    );

    expect(identified.status).toBe(200);
    expect(verify.status).toBe(200);
    // The registration is written before terms-accepted is appended: read the status once the
    // execution has settled.
    expect((await stack().stepFunctions.settled(started.refId)).states).toEqual([
      'MethodChosen',
      'WaitForMethodChoice',
      'WaitForChosenPartner',
      'WaitForEvidence',
      'SendTermsSms',
      'WaitForTerms',
      'RegisterPerson',
      'Registered',
    ]);
    const history = (await status(started.refId)).statuses.map((e) => e.status);
    expect(history.slice(0, 2)).toEqual(['created', 'initialized']);
    expect(history.slice(-2)).toEqual(['data-ready', 'terms-accepted']);
  });
});
