/**
 * GET /api/providers over real HTTP: the white paper's request and answer, the eligibility rules
 * per SP setup, media type negotiation, and hostile query strings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProviderView } from '../../lambdas/core/domain.js';
import { expectInvalidField, expectProblem } from '../support/problems.js';
import { call, paperStartBody, tokenFor, useStack } from '../support/stack.js';
import { PAPER_PROVIDERS_QUERY, PAPER_TEST_ISP_ENTRY } from '../support/white-paper.js';

const VENDOR = 'application/vnd.sc.miss.provider.v1+json';
const PAPER_QUERY = PAPER_PROVIDERS_QUERY;
/** The white paper's answer to PAPER_QUERY, verbatim. */
const PAPER_ANSWER = [PAPER_TEST_ISP_ENTRY];
const PAPER_FIELDS = Object.keys(PAPER_ANSWER[0] as object).sort();

type Provider = ProviderView;

const tokens: Record<string, string> = {};

const stack = useStack();
beforeAll(async () => {
  for (const sp of ['demo-portal', 'demo-bank']) tokens[sp] = await tokenFor(stack(), sp);
});

const providers = (clientId: string, path = '/api/providers', accept = VENDOR) =>
  call<Provider[]>(stack(), 'GET', path, { token: tokens[clientId], headers: { accept } });

describe("the white paper's catalogue request", () => {
  it("answers objects with exactly the paper's fields (offline partners add offlineMethods), in the vendor media type", async () => {
    for (const clientId of ['demo-portal', 'demo-bank']) {
      const res = await providers(clientId, '/api/providers');

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(VENDOR);
      expect(res.body.length).toBeGreaterThan(0);
      for (const provider of res.body) {
        const offlinePartner = ['Courier-Demo', 'PointOfSale-Demo'].includes(provider.issuer);
        expect(Object.keys(provider).sort()).toEqual(
          offlinePartner ? [...PAPER_FIELDS, 'offlineMethods'].sort() : PAPER_FIELDS,
        );
      }
    }
  });

  it("answers demo-bank, a financial intermediary signing at LoA 3 and 4, exactly the paper's array", async () => {
    const res = await providers('demo-bank', PAPER_QUERY);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(VENDOR);
    expect(res.headers.get('vary')).toMatch(/Accept/i);
    expect(res.body).toEqual(PAPER_ANSWER);
  });

  it('does not offer video under ZERTES to demo-portal, because video identification under ZertES is reserved for financial intermediaries', async () => {
    // Act
    const paper = await providers('demo-portal', PAPER_QUERY);
    const all = await providers('demo-portal');

    // Assess: the paper's query finds Test-ISP under ZERTES,EIDAS with the test method only
    expect(paper.status).toBe(200);
    expect(paper.body).toEqual([{ ...PAPER_ANSWER[0], realtimeMethods: ['test'] }]);
    const video = all.body.filter((p) => p.realtimeMethods.includes('video'));
    expect(video.length).toBeGreaterThan(0);
    for (const offer of video) expect(offer.jurisdiction).toBe('EIDAS');
  });

  it('offers demo-bank, a financial intermediary, video under ZERTES', async () => {
    const res = await providers('demo-bank', '/api/providers?realtimeMethod=video&jurisdiction=ZERTES');

    expect(res.status).toBe(200);
    expect(res.body.map((p) => [p.issuer, p.jurisdiction])).toEqual([
      ['Test-ISP', 'ZERTES,EIDAS'],
      ['VideoIdent-Demo', 'ZERTES,EIDAS'],
    ]);
  });
});

describe('media types', () => {
  it('answers application/json when the client asks for it', async () => {
    const res = await providers('demo-portal', PAPER_QUERY, 'application/json');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual([{ ...PAPER_ANSWER[0], realtimeMethods: ['test'] }]);
  });

  it('answers the vendor media type to */*', async () => {
    const res = await providers('demo-portal', PAPER_QUERY, '*/*');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(VENDOR);
  });

  it('refuses Accept: text/html with 406', async () => {
    const res = await providers('demo-portal', PAPER_QUERY, 'text/html');

    expectProblem(res, 406, 'not-acceptable', 'Not acceptable');
  });
});

describe('filters and eligibility', () => {
  it('lists only LoA 4 methods for loa=4', async () => {
    const res = await providers('demo-portal', '/api/providers?loa=4');

    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const p of res.body) expect(p.loa).toBe(4);
  });

  it('lists the offline methods (courier, point of sale) for webflow=false', async () => {
    const res = await providers('demo-portal', '/api/providers?webflow=false');

    expect(res.status).toBe(200);
    expect(res.body.map((p) => p.issuer).sort()).toEqual(['Courier-Demo', 'PointOfSale-Demo']);
    for (const p of res.body) {
      expect(p.webflow).toBe(false);
      expect(p.offline).toBe(true);
    }
    expect(res.body.map((p) => [p.issuer, p.offlineMethods])).toEqual(
      expect.arrayContaining([
        ['Courier-Demo', ['courier']],
        ['PointOfSale-Demo', ['pos']],
      ]),
    );
  });

  it('finds the point of sale by offlineMethod=pos, and refuses an offlineMethod that is no method name', async () => {
    const res = await providers('demo-portal', '/api/providers?offlineMethod=pos');

    expect(res.status).toBe(200);
    expect(res.body.map((p) => p.issuer)).toEqual(['PointOfSale-Demo']);
    expectInvalidField(
      await providers('demo-portal', '/api/providers?offlineMethod=%3Cb%3E'),
      'offlineMethod',
    );
  });

  it('never shows demo-bank the auto-identification, which its setup does not include', async () => {
    for (const path of [
      '/api/providers',
      '/api/providers?loa=3',
      '/api/providers?issuer=AutoIdent-Demo',
      '/api/providers?realtimeMethod=auto',
    ]) {
      const res = await providers('demo-bank', path);

      expect(res.status).toBe(200);
      expect(res.body.some((p) => p.issuer === 'AutoIdent-Demo' || p.realtimeMethods.includes('auto'))).toBe(
        false,
      );
    }
  });

  it('shows demo-portal the auto-identification at LoA 3 at most (no operator)', async () => {
    const res = await providers('demo-portal', '/api/providers?realtimeMethod=auto');

    expect(res.status).toBe(200);
    expect(res.body.map((p) => [p.issuer, p.loa])).toEqual([['AutoIdent-Demo', 3]]);
  });
});

describe('hostile query strings', () => {
  it('refuses an unknown parameter with 400 naming it', async () => {
    const res = await providers('demo-portal', '/api/providers?loa=3&colour=blue');

    expectInvalidField(res, 'colour');
  });

  it('refuses loa=5 with 400 naming loa', async () => {
    expectInvalidField(await providers('demo-portal', '/api/providers?loa=5'), 'loa');
  });

  it('refuses offline=yes with 400 naming offline', async () => {
    expectInvalidField(await providers('demo-portal', '/api/providers?offline=yes'), 'offline');
  });

  it('refuses an unknown jurisdiction with 400 naming jurisdiction', async () => {
    expectInvalidField(await providers('demo-portal', '/api/providers?jurisdiction=USA'), 'jurisdiction');
  });

  it('refuses a repeated parameter with 400 naming it', async () => {
    const res = await providers('demo-portal', '/api/providers?issuer=Test-ISP&issuer=VideoIdent-Demo');

    expectInvalidField(res, 'issuer');
  });

  it.each([
    ["Test-ISP' OR '1'='1"],
    ['Test-ISP"; DROP TABLE providers; --'],
    ['<script>alert(1)</script>'],
    ['{"$ne":null}'],
    ['Test-ISP\u202E'],
    ['Test-ISP\u0000'],
    ['../../etc/passwd'],
    ['x'.repeat(5000)],
  ])('answers an injection attempt in issuer (%s) with 400 or an empty list, never 500', async (issuer) => {
    const res = await providers('demo-portal', `/api/providers?issuer=${encodeURIComponent(issuer)}`);

    expect(res.status).not.toBeGreaterThanOrEqual(500);
    if (res.status === 400) expectInvalidField(res, 'issuer');
    else {
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
  });
});

describe('an SP builds every start call from the catalogue alone', () => {
  it.each(['demo-portal', 'demo-bank'])(
    'starts an identification for every method, jurisdiction and LoA of every entry %s sees',
    async (clientId) => {
      // Prepare: the catalogue, and from each entry the start calls it describes
      const catalogue = await providers(clientId, '/api/providers', 'application/json');
      const calls = catalogue.body.flatMap((entry) =>
        [...entry.realtimeMethods, ...(entry.offlineMethods ?? [])].flatMap((method) =>
          entry.jurisdiction.split(',').map((jurisdiction) => ({
            issuer: entry.issuer,
            method,
            jurisdiction,
            assuranceLevel: entry.loa,
          })),
        ),
      );

      // Act
      const answers = [];
      for (const choice of calls) {
        const res = await call<{ refId: string }>(stack(), 'POST', '/api/identifications', {
          token: tokens[clientId],
          json: { ...paperStartBody(), ...choice },
        });
        answers.push({ ...choice, status: res.status, detail: res.status === 201 ? '' : res.text });
      }

      // Assess: every method of the catalogue is reachable, the offline ones included
      expect(answers.filter((a) => a.status !== 201)).toEqual([]);
      const methods = new Set(answers.map((a) => `${a.issuer}/${a.method}`));
      if (clientId === 'demo-portal') {
        expect(methods).toContain('Courier-Demo/courier');
        expect(methods).toContain('PointOfSale-Demo/pos');
        expect(methods.size).toBe(8);
      } else {
        expect(methods).toEqual(
          new Set([
            'Test-ISP/video',
            'Test-ISP/test',
            'VideoIdent-Demo/video',
            'BankIdent-Demo/bank',
            'eID-Demo/eid',
          ]),
        );
      }
    },
  );
});
