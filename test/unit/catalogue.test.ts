import { describe, expect, it } from 'vitest';
import {
  catalogueFor,
  decideMethod,
  effectiveLoa,
  matchesFilters,
  methodJurisdictions,
  type Offer,
  offersFor,
  type ProviderFilters,
  toProviderView,
} from '../../lambdas/core/catalogue.js';
import type { IspConfig } from '../../lambdas/core/domain.js';
import { Provider } from '../../lambdas/core/schemas.js';
import {
  autoIsp,
  bankIsp,
  bankSp,
  catalogue,
  courierIsp,
  eidIsp,
  PAPER_TEST_ISP_ENTRY,
  paperSetupSp,
  portalSp,
  posIsp,
  spSetup,
  testIsp,
  videoIsp,
} from './fixtures.js';

/** The issuers (in order) of a catalogue answer. */
const issuers = (views: { issuer: string }[]) => views.map((v) => v.issuer);

describe('catalogueFor', () => {
  describe('the white paper query', () => {
    it('returns exactly the paper’s Test-ISP entry for issuer=Test-ISP&jurisdiction=EIDAS&loa=3&offline=true&realtimeMethod=test&webflow=true', () => {
      // Prepare: a financial intermediary allowed every method of every partner.
      const filters: ProviderFilters = {
        issuer: 'Test-ISP',
        jurisdiction: 'EIDAS',
        loa: 3,
        offline: true,
        realtimeMethod: 'test',
        webflow: true,
      };

      // Act
      const views = catalogueFor(catalogue(), bankSp(), filters);

      // Assess: the very object the paper prints, nothing more.
      expect(views).toStrictEqual([PAPER_TEST_ISP_ENTRY]);
      expect(Object.keys(views[0] ?? {})).toEqual(Object.keys(PAPER_TEST_ISP_ENTRY));
    });

    it('produces entries that satisfy the Provider response schema', () => {
      const views = catalogueFor(catalogue(), bankSp(), {});

      for (const view of views) expect(Provider.safeParse(view).success).toBe(true);
    });

    it('returns copies, so that changing an answer does not change the configuration', () => {
      const isp = testIsp();
      const [view] = catalogueFor([isp], bankSp(), {});

      view?.realtimeMethods.push('tampered');
      view?.identificationData.push('tampered');

      expect(isp.realtimeMethods).toEqual(['video', 'test']);
      expect(isp.identificationData).toEqual([]);
    });
  });

  describe('without filters', () => {
    it('lists every partner for a financial intermediary allowed everything, in catalogue order', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), {}))).toEqual([
        'Test-ISP',
        'Video-ISP',
        'Bank-ISP',
        'eID-ISP',
        'Auto-ISP',
        'Courier-ISP',
        'POS-ISP',
      ]);
    });

    it('returns nothing for an empty catalogue', () => {
      expect(catalogueFor([], bankSp(), {})).toEqual([]);
    });
  });

  describe('filters', () => {
    it.each(['Test-ISP', 'test-isp', 'TEST-ISP', 'tEsT-iSp'])(
      'matches the issuer case-insensitively (%s)',
      (issuer) => {
        expect(issuers(catalogueFor(catalogue(), bankSp(), { issuer }))).toEqual(['Test-ISP']);
      },
    );

    it('returns nothing for an unknown issuer', () => {
      expect(catalogueFor(catalogue(), bankSp(), { issuer: 'Nobody-ISP' })).toEqual([]);
    });

    it('lists only partners valid under ZERTES for jurisdiction=ZERTES', () => {
      const views = catalogueFor(catalogue(), bankSp(), { jurisdiction: 'ZERTES' });

      expect(issuers(views)).toEqual(['Test-ISP', 'Video-ISP', 'Auto-ISP', 'Courier-ISP', 'POS-ISP']);
      for (const v of views) expect(v.jurisdiction.split(',')).toContain('ZERTES');
    });

    it('lists only partners valid under EIDAS for jurisdiction=EIDAS', () => {
      const views = catalogueFor(catalogue(), bankSp(), { jurisdiction: 'EIDAS' });

      expect(issuers(views)).toEqual([
        'Test-ISP',
        'Video-ISP',
        'Bank-ISP',
        'eID-ISP',
        'Auto-ISP',
        'Courier-ISP',
      ]);
    });

    it('lists only LoA 4 methods when the SP announces LoA 4', () => {
      const views = catalogueFor(catalogue(), bankSp(), { loa: 4 });

      expect(issuers(views)).toEqual(['Video-ISP', 'Bank-ISP', 'eID-ISP', 'Courier-ISP', 'POS-ISP']);
      for (const v of views) expect(v.loa).toBe(4);
    });

    it('lists LoA 3 and LoA 4 methods when the SP announces LoA 3 (a QES identification serves an AES)', () => {
      const views = catalogueFor(catalogue(), bankSp(), { loa: 3 });

      expect(views.map((v) => v.loa).sort()).toEqual([3, 3, 4, 4, 4, 4, 4]);
    });

    it('lists only partners with an offline process for offline=true', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), { offline: true }))).toEqual([
        'Test-ISP',
        'Courier-ISP',
        'POS-ISP',
      ]);
    });

    it('lists only partners without an offline process for offline=false', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), { offline: false }))).toEqual([
        'Video-ISP',
        'Bank-ISP',
        'eID-ISP',
        'Auto-ISP',
      ]);
    });

    it('lists no courier or point of sale for webflow=true (no breach of media)', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), { webflow: true }))).toEqual([
        'Test-ISP',
        'Video-ISP',
        'Bank-ISP',
        'eID-ISP',
        'Auto-ISP',
      ]);
    });

    it('lists only courier and point of sale for webflow=false', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), { webflow: false }))).toEqual([
        'Courier-ISP',
        'POS-ISP',
      ]);
    });

    it('lists only partners offering the named realtime method', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), { realtimeMethod: 'video' }))).toEqual([
        'Test-ISP',
        'Video-ISP',
      ]);
      expect(issuers(catalogueFor(catalogue(), bankSp(), { realtimeMethod: 'bank' }))).toEqual(['Bank-ISP']);
    });

    it('does not treat an offline method as a realtime method', () => {
      expect(catalogueFor(catalogue(), bankSp(), { realtimeMethod: 'courier' })).toEqual([]);
    });

    it('combines filters with AND', () => {
      expect(
        issuers(catalogueFor(catalogue(), bankSp(), { jurisdiction: 'ZERTES', loa: 4, webflow: true })),
      ).toEqual(['Video-ISP']);
      expect(
        issuers(catalogueFor(catalogue(), bankSp(), { jurisdiction: 'EIDAS', loa: 4, offline: true })),
      ).toEqual(['Courier-ISP']);
      expect(catalogueFor(catalogue(), bankSp(), { issuer: 'Bank-ISP', jurisdiction: 'ZERTES' })).toEqual([]);
    });

    it('returns nothing when the filters contradict each other', () => {
      expect(catalogueFor(catalogue(), bankSp(), { webflow: false, realtimeMethod: 'video' })).toEqual([]);
      expect(catalogueFor(catalogue(), bankSp(), { issuer: 'Auto-ISP', loa: 4 })).toEqual([]);
    });
  });

  describe('eligibility rules', () => {
    it('caps auto-identification without an operator to LoA 3', () => {
      const [view] = catalogueFor([autoIsp()], bankSp(), {});

      expect(view?.loa).toBe(3);
    });

    it('does not list auto-identification when the SP asks for LoA 4', () => {
      expect(catalogueFor([autoIsp()], bankSp(), { loa: 4 })).toEqual([]);
    });

    it('does not list auto-identification to an SP contracted for LoA 4 only', () => {
      expect(catalogueFor([autoIsp()], spSetup({ loas: [4] }), {})).toEqual([]);
    });

    it('offers video under ZERTES and EIDAS to a financial intermediary', () => {
      expect(catalogueFor([videoIsp()], bankSp(), {})).toEqual([
        expect.objectContaining({
          issuer: 'Video-ISP',
          jurisdiction: 'ZERTES,EIDAS',
          realtimeMethods: ['video'],
        }),
      ]);
    });

    it('offers video under EIDAS only to an SP that is not a financial intermediary', () => {
      expect(catalogueFor([videoIsp()], portalSp(), {})).toEqual([
        expect.objectContaining({ issuer: 'Video-ISP', jurisdiction: 'EIDAS', realtimeMethods: ['video'] }),
      ]);
      expect(catalogueFor([videoIsp()], portalSp(), { jurisdiction: 'ZERTES' })).toEqual([]);
    });

    it('splits a partner into a video offer under EIDAS and a non-video offer under both for a non-intermediary', () => {
      // Act
      const views = catalogueFor([testIsp()], portalSp(), {});

      // Assess: every entry's jurisdiction holds for all of its methods.
      expect(views).toEqual([
        { ...PAPER_TEST_ISP_ENTRY, jurisdiction: 'EIDAS', realtimeMethods: ['video'] },
        { ...PAPER_TEST_ISP_ENTRY, jurisdiction: 'ZERTES,EIDAS', realtimeMethods: ['test'] },
      ]);
    });

    it('gives a non-intermediary only the non-video Test-ISP offer under ZERTES', () => {
      const views = catalogueFor(catalogue(), portalSp(), { issuer: 'Test-ISP', jurisdiction: 'ZERTES' });

      expect(views).toEqual([{ ...PAPER_TEST_ISP_ENTRY, realtimeMethods: ['test'] }]);
    });

    it('marks offline partners webflow false and offline true, and names their offline methods', () => {
      const views = catalogueFor([courierIsp(), posIsp()], bankSp(), {});

      expect(views).toEqual([
        expect.objectContaining({
          issuer: 'Courier-ISP',
          offline: true,
          webflow: false,
          realtimeMethods: [],
          offlineMethods: ['courier'],
        }),
        expect.objectContaining({
          issuer: 'POS-ISP',
          offline: true,
          webflow: false,
          realtimeMethods: [],
          offlineMethods: ['pos'],
        }),
      ]);
    });

    it('adds no offlineMethods field to an entry without offline methods (the paper’s shape stays exact)', () => {
      const views = catalogueFor(catalogue(), bankSp(), { webflow: true });

      expect(views.length).toBeGreaterThan(0);
      for (const view of views) expect(Object.keys(view)).not.toContain('offlineMethods');
    });

    it('names the offline methods beside the realtime ones of a partner that has both', () => {
      const views = catalogueFor([{ ...testIsp(), offlineMethods: ['courier'] }], bankSp(), {});

      expect(views).toEqual([
        { ...PAPER_TEST_ISP_ENTRY, realtimeMethods: ['video', 'test'], offlineMethods: ['courier'] },
      ]);
    });

    it('lists only partners offering the named offline method', () => {
      expect(issuers(catalogueFor(catalogue(), bankSp(), { offlineMethod: 'courier' }))).toEqual([
        'Courier-ISP',
      ]);
      expect(issuers(catalogueFor(catalogue(), bankSp(), { offlineMethod: 'pos' }))).toEqual(['POS-ISP']);
      expect(catalogueFor(catalogue(), bankSp(), { offlineMethod: 'video' })).toEqual([]);
    });

    it('does not restrict offline methods to financial intermediaries', () => {
      expect(issuers(catalogueFor([courierIsp(), posIsp()], portalSp(), { jurisdiction: 'ZERTES' }))).toEqual(
        ['Courier-ISP', 'POS-ISP'],
      );
    });
  });

  describe('SP setup', () => {
    it('lists only the issuers in the SP’s setup', () => {
      const sp = spSetup({ methods: { 'Bank-ISP': '*', 'eID-ISP': '*' } });

      expect(issuers(catalogueFor(catalogue(), sp, {}))).toEqual(['Bank-ISP', 'eID-ISP']);
    });

    it('lists only the allowed methods of an issuer', () => {
      const sp = spSetup({ financialIntermediary: true, methods: { 'Test-ISP': ['test'] } });

      expect(catalogueFor(catalogue(), sp, {})).toEqual([
        { ...PAPER_TEST_ISP_ENTRY, realtimeMethods: ['test'] },
      ]);
    });

    it('lists every method of an issuer set to the * wildcard', () => {
      const sp = spSetup({ financialIntermediary: true, methods: { 'Test-ISP': '*' } });

      expect(catalogueFor(catalogue(), sp, {})).toEqual([PAPER_TEST_ISP_ENTRY]);
    });

    it('does not treat * as an issuer wildcard', () => {
      expect(catalogueFor(catalogue(), spSetup({ methods: { '*': '*' } }), {})).toEqual([]);
    });

    it('drops an issuer whose allowed methods it does not offer', () => {
      expect(catalogueFor(catalogue(), spSetup({ methods: { 'Bank-ISP': ['video'] } }), {})).toEqual([]);
    });

    it('drops an issuer with an empty method list', () => {
      expect(catalogueFor(catalogue(), spSetup({ methods: { 'Bank-ISP': [] } }), {})).toEqual([]);
    });

    it('matches setup issuers exactly (the setup is operator data, not a query)', () => {
      expect(catalogueFor(catalogue(), spSetup({ methods: { 'bank-isp': '*' } }), {})).toEqual([]);
    });

    it('shows the intersection of the partner’s and the SP’s jurisdictions', () => {
      const sp = spSetup({ financialIntermediary: true, jurisdictions: ['ZERTES'] });

      const views = catalogueFor(catalogue(), sp, {});

      expect(issuers(views)).toEqual(['Test-ISP', 'Video-ISP', 'Auto-ISP', 'Courier-ISP', 'POS-ISP']);
      for (const v of views) expect(v.jurisdiction).toBe('ZERTES');
    });

    it('shows nothing to an SP without jurisdictions', () => {
      expect(catalogueFor(catalogue(), spSetup({ jurisdictions: [] }), {})).toEqual([]);
    });

    it('shows no LoA 3 partner to an SP contracted for LoA 4 only', () => {
      const views = catalogueFor(catalogue(), spSetup({ loas: [4] }), {});

      expect(issuers(views)).not.toContain('Test-ISP');
      expect(issuers(views)).not.toContain('Auto-ISP');
      for (const v of views) expect(v.loa).toBe(4);
    });

    it('shows LoA 4 partners to an SP contracted for LoA 3 only', () => {
      const views = catalogueFor(catalogue(), spSetup({ loas: [3] }), {});

      expect(issuers(views)).toContain('Video-ISP');
    });

    it('shows nothing to an SP without levels', () => {
      expect(catalogueFor(catalogue(), spSetup({ loas: [] }), {})).toEqual([]);
    });

    it('implements the paper’s setup example: video and BankIDent, LOA4/eIDAS', () => {
      expect(catalogueFor(catalogue(), paperSetupSp(), {})).toEqual([
        expect.objectContaining({
          issuer: 'Video-ISP',
          loa: 4,
          jurisdiction: 'EIDAS',
          realtimeMethods: ['video'],
        }),
        expect.objectContaining({
          issuer: 'Bank-ISP',
          loa: 4,
          jurisdiction: 'EIDAS',
          realtimeMethods: ['bank'],
        }),
      ]);
    });
  });
});

describe('effectiveLoa', () => {
  it.each([
    [4, true, 4],
    [3, true, 3],
    [4, false, 3],
    [3, false, 3],
  ] as const)(
    'gives LoA %i with operatorAssisted=%s an effective LoA %i',
    (loa, operatorAssisted, expected) => {
      expect(effectiveLoa({ ...autoIsp(), loa, operatorAssisted })).toBe(expected);
    },
  );
});

describe('methodJurisdictions', () => {
  it('removes ZERTES from video for an SP that is not a financial intermediary', () => {
    expect(methodJurisdictions(videoIsp(), 'video', portalSp())).toEqual(['EIDAS']);
  });

  it('keeps ZERTES for video for a financial intermediary', () => {
    expect(methodJurisdictions(videoIsp(), 'video', bankSp())).toEqual(['ZERTES', 'EIDAS']);
  });

  it('keeps ZERTES for other methods of a non-intermediary', () => {
    expect(methodJurisdictions(testIsp(), 'test', portalSp())).toEqual(['ZERTES', 'EIDAS']);
    expect(methodJurisdictions(courierIsp(), 'courier', portalSp())).toEqual(['ZERTES', 'EIDAS']);
  });

  it('leaves nothing for video under a ZERTES-only non-intermediary', () => {
    expect(methodJurisdictions(videoIsp(), 'video', spSetup({ jurisdictions: ['ZERTES'] }))).toEqual([]);
  });

  it('intersects partner and SP jurisdictions', () => {
    expect(methodJurisdictions(bankIsp(), 'bank', spSetup({ jurisdictions: ['ZERTES'] }))).toEqual([]);
    expect(methodJurisdictions(eidIsp(), 'eid', spSetup({ jurisdictions: ['EIDAS'] }))).toEqual(['EIDAS']);
  });
});

describe('offersFor', () => {
  it('groups the methods of a partner valid in the same jurisdictions into one offer', () => {
    const isp = { ...testIsp(), offlineMethods: ['test-offline'] };

    expect(offersFor(isp, bankSp())).toEqual([
      {
        isp,
        loa: 3,
        jurisdictions: ['ZERTES', 'EIDAS'],
        realtimeMethods: ['video', 'test'],
        offlineMethods: ['test-offline'],
      },
    ]);
  });

  it('splits methods valid in different jurisdictions into separate offers', () => {
    const isp = { ...testIsp(), offlineMethods: ['test-offline'] };

    expect(offersFor(isp, portalSp())).toEqual([
      { isp, loa: 3, jurisdictions: ['EIDAS'], realtimeMethods: ['video'], offlineMethods: [] },
      {
        isp,
        loa: 3,
        jurisdictions: ['ZERTES', 'EIDAS'],
        realtimeMethods: ['test'],
        offlineMethods: ['test-offline'],
      },
    ]);
  });

  it('lists offline methods apart from realtime methods', () => {
    const isp = courierIsp();

    expect(offersFor(isp, portalSp())).toEqual([
      { isp, loa: 4, jurisdictions: ['ZERTES', 'EIDAS'], realtimeMethods: [], offlineMethods: ['courier'] },
    ]);
  });

  it('offers nothing for a partner outside the setup', () => {
    expect(offersFor(bankIsp(), paperSetupSp())).toHaveLength(1);
    expect(offersFor(eidIsp(), paperSetupSp())).toEqual([]);
  });
});

describe('matchesFilters', () => {
  const offer = (): Offer => ({
    isp: testIsp(),
    loa: 3,
    jurisdictions: ['ZERTES', 'EIDAS'],
    realtimeMethods: ['video', 'test'],
    offlineMethods: [],
  });

  it('matches with no filter at all', () => {
    expect(matchesFilters(offer(), {})).toBe(true);
  });

  it('treats undefined filters as absent', () => {
    expect(
      matchesFilters(offer(), {
        issuer: undefined,
        jurisdiction: undefined,
        loa: undefined,
        offline: undefined,
        realtimeMethod: undefined,
        webflow: undefined,
      }),
    ).toBe(true);
  });

  it.each<[string, ProviderFilters, boolean]>([
    ['issuer equal ignoring case', { issuer: 'TEST-isp' }, true],
    ['another issuer', { issuer: 'Video-ISP' }, false],
    ['an issuer prefix', { issuer: 'Test' }, false],
    ['a jurisdiction of the offer', { jurisdiction: 'ZERTES' }, true],
    ['LoA 3 on a LoA 3 offer', { loa: 3 }, true],
    ['LoA 4 on a LoA 3 offer', { loa: 4 }, false],
    ['offline true on an offline partner', { offline: true }, true],
    ['offline false on an offline partner', { offline: false }, false],
    ['webflow true on a webflow partner', { webflow: true }, true],
    ['webflow false on a webflow partner', { webflow: false }, false],
    ['a realtime method of the offer', { realtimeMethod: 'test' }, true],
    ['a realtime method not in the offer', { realtimeMethod: 'bank' }, false],
    ['a realtime method differing in case', { realtimeMethod: 'VIDEO' }, false],
  ])('decides %s', (_label, filters, expected) => {
    expect(matchesFilters(offer(), filters)).toBe(expected);
  });

  it('refuses a jurisdiction the offer is not valid in', () => {
    expect(matchesFilters({ ...offer(), jurisdictions: ['EIDAS'] }, { jurisdiction: 'ZERTES' })).toBe(false);
  });
});

describe('toProviderView', () => {
  it('orders jurisdictions ZERTES first whatever the configuration order', () => {
    const isp: IspConfig = { ...testIsp(), jurisdictions: ['EIDAS', 'ZERTES'] };

    const view = toProviderView({
      isp,
      loa: 3,
      jurisdictions: ['EIDAS', 'ZERTES'],
      realtimeMethods: ['video', 'test'],
      offlineMethods: [],
    });

    expect(view).toStrictEqual(PAPER_TEST_ISP_ENTRY);
  });

  it('shows the offer’s LoA, not the partner’s configured LoA', () => {
    const view = toProviderView({
      isp: autoIsp(),
      loa: 3,
      jurisdictions: ['ZERTES'],
      realtimeMethods: ['auto'],
      offlineMethods: [],
    });

    expect(view.loa).toBe(3);
  });
});

describe('decideMethod', () => {
  it('refuses an unknown issuer', () => {
    expect(decideMethod(catalogue(), bankSp(), { issuer: 'Nobody-ISP', method: 'video' })).toEqual({
      ok: false,
      field: 'issuer',
      message: expect.any(String),
    });
  });

  it('refuses a known issuer that is not in the SP’s setup', () => {
    expect(decideMethod(catalogue(), paperSetupSp(), { issuer: 'eID-ISP', method: 'eid' })).toMatchObject({
      ok: false,
      field: 'issuer',
    });
  });

  it('refuses a method the issuer does not offer', () => {
    expect(decideMethod(catalogue(), bankSp(), { issuer: 'Bank-ISP', method: 'video' })).toMatchObject({
      ok: false,
      field: 'method',
    });
  });

  it('refuses a method of the issuer that is not in the SP’s setup', () => {
    const sp = spSetup({ financialIntermediary: true, methods: { 'Test-ISP': ['test'] } });

    expect(decideMethod(catalogue(), sp, { issuer: 'Test-ISP', method: 'video' })).toMatchObject({
      ok: false,
      field: 'method',
    });
  });

  it('refuses a method whose only jurisdictions the SP does not have', () => {
    const sp = spSetup({ jurisdictions: ['ZERTES'] });

    expect(decideMethod(catalogue(), sp, { issuer: 'Bank-ISP', method: 'bank' })).toMatchObject({
      ok: false,
      field: 'method',
    });
  });

  it('refuses video under ZERTES to an SP that is not a financial intermediary', () => {
    const decision = decideMethod(catalogue(), portalSp(), {
      issuer: 'Video-ISP',
      method: 'video',
      jurisdiction: 'ZERTES',
    });

    expect(decision).toEqual({
      ok: false,
      field: 'jurisdiction',
      message: 'Method video is available to you under EIDAS only.',
    });
  });

  it('refuses a jurisdiction the partner is not authorised for', () => {
    expect(
      decideMethod(catalogue(), bankSp(), { issuer: 'Bank-ISP', method: 'bank', jurisdiction: 'ZERTES' }),
    ).toMatchObject({ ok: false, field: 'jurisdiction' });
  });

  it('refuses LoA 4 with a LoA 3 partner', () => {
    expect(
      decideMethod(catalogue(), bankSp(), { issuer: 'Test-ISP', method: 'test', assuranceLevel: 4 }),
    ).toEqual({ ok: false, field: 'assuranceLevel', message: 'Method test reaches LoA 3 only.' });
  });

  it('refuses LoA 4 with auto-identification without an operator', () => {
    expect(
      decideMethod(catalogue(), bankSp(), { issuer: 'Auto-ISP', method: 'auto', assuranceLevel: 4 }),
    ).toMatchObject({ ok: false, field: 'assuranceLevel' });
  });

  it('accepts a valid choice and returns the LoA, jurisdictions and offline flag', () => {
    const isps = catalogue();

    const decision = decideMethod(isps, bankSp(), { issuer: 'Video-ISP', method: 'video' });

    expect(decision).toEqual({
      ok: true,
      isp: isps[1],
      loa: 4,
      jurisdictions: ['ZERTES', 'EIDAS'],
      offline: false,
    });
  });

  it('narrows the jurisdictions to the one asked for', () => {
    expect(
      decideMethod(catalogue(), bankSp(), { issuer: 'Video-ISP', method: 'video', jurisdiction: 'ZERTES' }),
    ).toMatchObject({ ok: true, jurisdictions: ['ZERTES'] });
  });

  it('offers video under EIDAS to a non-intermediary', () => {
    expect(
      decideMethod(catalogue(), portalSp(), { issuer: 'Video-ISP', method: 'video', jurisdiction: 'EIDAS' }),
    ).toMatchObject({ ok: true, loa: 4, jurisdictions: ['EIDAS'] });
    expect(decideMethod(catalogue(), portalSp(), { issuer: 'Video-ISP', method: 'video' })).toMatchObject({
      ok: true,
      jurisdictions: ['EIDAS'],
    });
  });

  it('accepts LoA 3 with a LoA 4 partner and keeps the partner’s LoA 4', () => {
    expect(
      decideMethod(catalogue(), bankSp(), { issuer: 'eID-ISP', method: 'eid', assuranceLevel: 3 }),
    ).toMatchObject({ ok: true, loa: 4, jurisdictions: ['EIDAS'] });
  });

  it('accepts LoA 3 with auto-identification and reports LoA 3', () => {
    expect(
      decideMethod(catalogue(), bankSp(), { issuer: 'Auto-ISP', method: 'auto', assuranceLevel: 3 }),
    ).toMatchObject({ ok: true, loa: 3 });
  });

  it('reports an offline method as offline', () => {
    expect(decideMethod(catalogue(), portalSp(), { issuer: 'Courier-ISP', method: 'courier' })).toMatchObject(
      {
        ok: true,
        offline: true,
        loa: 4,
      },
    );
    const withOffline = [{ ...testIsp(), offlineMethods: ['test-offline'] }];
    expect(
      decideMethod(withOffline, portalSp(), { issuer: 'Test-ISP', method: 'test-offline' }),
    ).toMatchObject({
      ok: true,
      offline: true,
    });
  });

  it('finds the issuer case-insensitively and returns its configuration', () => {
    const decision = decideMethod(catalogue(), bankSp(), { issuer: 'bank-isp', method: 'bank' });

    expect(decision).toMatchObject({ ok: true, isp: expect.objectContaining({ issuer: 'Bank-ISP' }) });
  });
});
