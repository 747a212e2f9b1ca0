/**
 * The SP's dated methods (`enabledMethods`, ADR 0028): a month's monthly fees are for the methods
 * enabled on any day of it, whatever the setup offers now; the configuration refuses malformed,
 * reversed and overlapping entries; seeding keeps an ended month's fees and holds the open entries
 * to what the SP may use now.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SpSetup } from '../../lambdas/core/domain.js';
import { type EnabledMethod, EnabledMethodsSchema } from '../../lambdas/core/enabled-methods.js';
import { enabledMethodsDisagree, endedMonthFeesChanged } from '../../lambdas/core/method-history.js';
import { PriceSheetsSchema } from '../../lambdas/core/price-sheet.js';
import {
  type ServiceConfig,
  ServiceConfigSchema,
  toIspConfig,
  toSpSetup,
} from '../../lambdas/core/service-config.js';
import { monthlyFeeMethodsIn, offeredMethods, statementOf } from '../../lambdas/core/statement.js';
import type { SpUsage } from '../../lambdas/core/usage.js';
import { seedConfig } from '../../lambdas/usecases/seed-config.js';
import { DEFAULT_CONFIG_PATH } from '../../local/config.js';

const bank = (from: string, until?: string): EnabledMethod => ({
  issuer: 'Bank',
  method: 'bank',
  from,
  until,
});
const video = (from: string, until?: string): EnabledMethod => ({
  issuer: 'Video',
  method: 'video',
  from,
  until,
});
const auto = (from: string, until?: string): EnabledMethod => ({
  issuer: 'Auto',
  method: 'auto',
  from,
  until,
});

/** Bank since January; video from January, withdrawn in March; auto enabled in March. */
const history = [bank('2026-01'), video('2026-01', '2026-03'), auto('2026-03')];
/** What the setup offers today, in December: bank and auto. */
const offeredNow = [
  { issuer: 'Auto', method: 'auto' },
  { issuer: 'Bank', method: 'bank' },
];

describe('monthlyFeeMethodsIn', () => {
  it('charges a method in every month it was enabled on some day of, from and until included', () => {
    const methodsIn = (month: string) =>
      monthlyFeeMethodsIn({ enabledMethods: history }, month, offeredNow).methods.map((m) => m.method);

    expect(methodsIn('2025-12')).toEqual([]);
    expect(methodsIn('2026-01')).toEqual(['bank', 'video']);
    expect(methodsIn('2026-02')).toEqual(['bank', 'video']);
    // Video withdrawn and auto enabled in March: both charged for March.
    expect(methodsIn('2026-03')).toEqual(['auto', 'bank', 'video']);
    expect(methodsIn('2026-04')).toEqual(['auto', 'bank']);
  });

  it('charges a method enabled again after a withdrawal in the months of each entry only', () => {
    const again = [video('2026-01', '2026-02'), video('2026-05')];
    const months = ['2026-02', '2026-03', '2026-04', '2026-05'].map(
      (month) => monthlyFeeMethodsIn({ enabledMethods: again }, month, []).methods.length,
    );

    expect(months).toEqual([1, 0, 0, 1]);
  });

  it('charges what the setup offers now in every month when it dates no method (the form before)', () => {
    expect(monthlyFeeMethodsIn({}, '2026-01', offeredNow)).toEqual({
      methods: offeredNow,
      from: 'offered-now',
    });
  });
});

describe("the README's enabledMethods example", () => {
  it('is a valid list that charges what the README says, month by month', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /```json\n"enabledMethods": (\[[^`]*\])\n```/.exec(readme)?.[1];
    if (block === undefined) throw new Error('The README shows no enabledMethods example');
    const enabledMethods = EnabledMethodsSchema.parse(JSON.parse(block));
    const issuersIn = (month: string) =>
      monthlyFeeMethodsIn({ enabledMethods }, month, []).methods.map((m) => m.issuer);

    // "February's fees are for eID and not AutoIdent, March's for both, April's for AutoIdent and not eID."
    expect(issuersIn('2026-02')).toEqual([
      'BankIdent-Demo',
      'Test-ISP',
      'Test-ISP',
      'VideoIdent-Demo',
      'eID-Demo',
    ]);
    expect(issuersIn('2026-03')).toEqual([
      'AutoIdent-Demo',
      'BankIdent-Demo',
      'Test-ISP',
      'Test-ISP',
      'VideoIdent-Demo',
      'eID-Demo',
    ]);
    expect(issuersIn('2026-04')).toEqual([
      'AutoIdent-Demo',
      'BankIdent-Demo',
      'Test-ISP',
      'Test-ISP',
      'VideoIdent-Demo',
    ]);
  });
});

describe('statementOf with dated methods', () => {
  const usage = (month: string): SpUsage => ({ month, clientId: 'sp', identifications: [], verify: [] });
  const sp = {
    clientId: 'sp',
    name: 'SP',
    enabledMethods: history,
    priceSheets: PriceSheetsSchema.parse([
      { from: '2026-01', currency: 'CHF', monthlyFee: { default: '50.00', video: '120.00', auto: '30.00' } },
    ]),
  };

  it('charges each month the fees of its methods, not of those offered now', () => {
    const totals = ['2026-02', '2026-03', '2026-04'].map((month) => {
      const s = statementOf(usage(month), sp, offeredNow);
      return [month, s.monthlyFeeMethods, s.total];
    });

    // February: bank 50 + video 120; March: + auto 30; April: bank 50 + auto 30.
    expect(totals).toEqual([
      ['2026-02', 'enabled-that-month', '170.00'],
      ['2026-03', 'enabled-that-month', '200.00'],
      ['2026-04', 'enabled-that-month', '80.00'],
    ]);
  });

  it('says which methods it charged for also when nothing is priced', () => {
    expect(statementOf(usage('2025-12'), sp, offeredNow)).toMatchObject({
      monthlyFeeMethods: 'enabled-that-month',
      priceSheetFrom: null,
      total: null,
    });
  });
});

describe('enabledMethods in the configuration', () => {
  /** The demo configuration with Demo Bank's dated methods as given. */
  function withBankMethods(enabledMethods: unknown) {
    const config = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
    const sp = config.serviceProviders.find((s: { clientId: string }) => s.clientId === 'demo-bank');
    sp.enabledMethods = enabledMethods;
    return ServiceConfigSchema.safeParse(config);
  }
  const issues = (result: ReturnType<typeof withBankMethods>) =>
    (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('accepts entries with and without until, a method withdrawn and enabled again', () => {
    const result = withBankMethods([bank('2026-01'), video('2026-01', '2026-02'), video('2026-04')]);

    expect(issues(result)).toEqual([]);
    const sp = result.data?.serviceProviders.find((s) => s.clientId === 'demo-bank');
    expect(sp?.enabledMethods?.map((e) => [e.method, e.from, e.until])).toEqual([
      ['bank', '2026-01', undefined],
      ['video', '2026-01', '2026-02'],
      ['video', '2026-04', undefined],
    ]);
  });

  it.each([
    [
      'a from that is a day',
      [bank('2026-01-15')],
      ['serviceProviders.1.enabledMethods.0.from: Must be a month YYYY-MM between 2000-01 and 2099-12.'],
    ],
    [
      'an until of month 13',
      [bank('2026-01', '2026-13')],
      ['serviceProviders.1.enabledMethods.0.until: Must be a month YYYY-MM between 2000-01 and 2099-12.'],
    ],
    [
      'an until before its from',
      [bank('2026-03', '2026-02')],
      [
        'serviceProviders.1.enabledMethods.0.until: Must be 2026-03 (its from) or later: the last month the method was enabled in.',
      ],
    ],
    [
      'two entries of one method sharing a month',
      [video('2026-01', '2026-03'), bank('2026-01'), video('2026-03')],
      [
        'serviceProviders.1.enabledMethods.2: Video video is enabled in a month of entry 0 too (from 2026-01 until 2026-03): an entry per time it was enabled, their months apart.',
      ],
    ],
    [
      'an open entry and a later one of the same method',
      [video('2026-01'), video('2026-06', '2026-07')],
      [
        'serviceProviders.1.enabledMethods.1: Video video is enabled in a month of entry 0 too (from 2026-01): an entry per time it was enabled, their months apart.',
      ],
    ],
    [
      'an entry without from',
      [{ issuer: 'Bank', method: 'bank' }],
      [
        'serviceProviders.1.enabledMethods.0.from: Required: a string. Must be a month YYYY-MM between 2000-01 and 2099-12.',
      ],
    ],
    [
      'a field it does not know',
      [{ ...bank('2026-01'), to: '2026-02' }],
      ['serviceProviders.1.enabledMethods.0: Unknown field: to.'],
    ],
  ])('refuses %s, naming the field', (_label, enabledMethods, expected) => {
    expect(issues(withBankMethods(enabledMethods))).toEqual(expected);
  });
});

describe('endedMonthFeesChanged (seeding keeps the monthly fees of a month that has ended)', () => {
  const seeded = { enabledMethods: history };

  it('lets a method be enabled or withdrawn from the current month on', () => {
    const withdrawnNow = [bank('2026-01', '2026-12'), video('2026-01', '2026-03'), auto('2026-03')];
    const enabledNow = [...history, video('2026-12')];

    expect(endedMonthFeesChanged(seeded, { enabledMethods: withdrawnNow }, [], '2026-12')).toBeUndefined();
    expect(endedMonthFeesChanged(seeded, { enabledMethods: enabledNow }, [], '2026-12')).toBeUndefined();
  });

  it('finds the first ended month whose fees would be for other methods, with what changes', () => {
    // The withdrawal of video moved back to January: February and March lose it.
    expect(
      endedMonthFeesChanged(
        seeded,
        { enabledMethods: [bank('2026-01'), video('2026-01', '2026-01'), auto('2026-03')] },
        [],
        '2026-12',
      ),
    ).toEqual({ month: '2026-02', added: [], leftOut: ['Video video'] });
    // Auto dated from January, as if it had been enabled then.
    expect(
      endedMonthFeesChanged(
        seeded,
        { enabledMethods: [bank('2026-01'), video('2026-01', '2026-03'), auto('2026-01')] },
        [],
        '2026-12',
      ),
    ).toEqual({ month: '2026-01', added: ['Auto auto'], leftOut: [] });
    // An entry from before the first one: a month that ended without fees would get one.
    expect(
      endedMonthFeesChanged(
        seeded,
        { enabledMethods: [bank('2025-11', '2025-11'), ...history] },
        [],
        '2026-12',
      ),
    ).toEqual({ month: '2025-11', added: ['Bank bank'], leftOut: [] });
    // The dates left out: every month would charge what is offered now, from the first month on.
    expect(endedMonthFeesChanged(seeded, {}, offeredNow, '2026-12')).toEqual({
      month: '2000-01',
      added: ['Auto auto', 'Bank bank'],
      leftOut: [],
    });
  });

  it('holds only dated methods to it: a setup seeded without them may be given them', () => {
    expect(endedMonthFeesChanged({}, { enabledMethods: history }, offeredNow, '2026-12')).toBeUndefined();
  });

  it('compares the methods charged, not how the entries are listed', () => {
    const reordered = [
      auto('2026-03'),
      bank('2026-01', '2026-02'),
      video('2026-01', '2026-03'),
      bank('2026-03'),
    ];

    expect(endedMonthFeesChanged(seeded, { enabledMethods: reordered }, [], '2026-12')).toBeUndefined();
  });
});

describe('enabledMethodsDisagree (the dated methods are those the setup allows)', () => {
  it('finds nothing when every method allowed is dated and the open entries are allowed', () => {
    expect(enabledMethodsDisagree({ enabledMethods: history }, offeredNow, '2026-12')).toEqual([]);
    expect(enabledMethodsDisagree({}, offeredNow, '2026-12')).toEqual([]);
  });

  it('names a method allowed that no entry dates, and an open entry not allowed', () => {
    const withCourier = [...offeredNow, { issuer: 'Courier', method: 'courier' }];

    expect(enabledMethodsDisagree({ enabledMethods: history }, withCourier, '2026-12')).toEqual([
      {
        path: 'enabledMethods',
        message:
          'Courier courier is in the SP\'s methods but no entry dates it, so it would not be offered: add {"issuer":"Courier","method":"courier","from":"2026-12"}.',
      },
    ]);
    expect(enabledMethodsDisagree({ enabledMethods: history }, offeredNow.slice(1), '2026-12')).toEqual([
      {
        path: 'enabledMethods.2',
        message:
          "Auto auto is not offered to the SP now (its methods, the partner's, the rules) but has no until: give it until 2026-12 if it was withdrawn this month.",
      },
    ]);
  });

  it('takes a method allowed whose entries have ended: the catalogue no longer offers it (ADR 0030)', () => {
    const withVideo = [...offeredNow, { issuer: 'Video', method: 'video' }];

    // Video until 2026-03, still in the SP's methods: withdrawn with March's end, as dated.
    expect(enabledMethodsDisagree({ enabledMethods: history }, withVideo, '2026-12')).toEqual([]);
  });

  it('takes an until of the current month or a later one for a method allowed: withdrawn with that month’s end', () => {
    const endsWithDecember = [bank('2026-01', '2026-12'), video('2026-01', '2026-03'), auto('2026-03')];
    const endsWithFebruary = [bank('2026-01', '2027-02'), video('2026-01', '2026-03'), auto('2026-03')];

    expect(enabledMethodsDisagree({ enabledMethods: endsWithDecember }, offeredNow, '2026-12')).toEqual([]);
    expect(enabledMethodsDisagree({ enabledMethods: endsWithFebruary }, offeredNow, '2026-12')).toEqual([]);
  });

  it('refuses a from after the current month, and an until after it for a method not allowed', () => {
    const planned = [bank('2027-01'), video('2026-01', '2027-02'), auto('2026-03')];

    expect(enabledMethodsDisagree({ enabledMethods: planned }, offeredNow, '2026-12')).toEqual([
      {
        path: 'enabledMethods.0.from',
        message:
          '2027-01 has not begun: a method is enabled with the month it is seeded in, 2026-12 at the latest.',
      },
      {
        path: 'enabledMethods.1.until',
        message:
          "Video video is not offered to the SP now (its methods, the partner's, the rules) but would be charged until 2027-02: give it until 2026-12 if it was withdrawn this month, or keep it in the SP's methods to withdraw it with 2027-02's end.",
      },
    ]);
  });
});

describe('seedConfig over a setup seeded with dated methods', () => {
  const now = new Date('2026-12-15T12:00:00Z');
  const demo = ServiceConfigSchema.parse(JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')));
  const i = demo.serviceProviders.findIndex((sp) => sp.clientId === 'demo-bank');
  const bankConfig = demo.serviceProviders[i] as ServiceConfig['serviceProviders'][number];
  // Dated from the first month with what the demo lets it use now: as the undated setup charges.
  const offered = offeredMethods(demo.isps.map(toIspConfig), toSpSetup(bankConfig));
  const dated = toSpSetup({ ...bankConfig, enabledMethods: offered.map((m) => ({ ...m, from: '2000-01' })) });
  const { enabledMethods: _dates, ...undatedBank } = bankConfig;
  const undated: ServiceConfig = {
    ...demo,
    serviceProviders: demo.serviceProviders.map((sp, j) => (j === i ? undatedBank : sp)),
  };

  /** A config table holding the bank's dated setup; nothing else is read. */
  function seededTable() {
    const setups = new Map<string, SpSetup>([[dated.clientId, dated]]);
    const repository: Parameters<typeof seedConfig>[0] = {
      getSpSetup: async (clientId) => setups.get(clientId),
      putSpSetup: async (sp) => void setups.set(sp.clientId, sp),
      putClaimedIdentity: async () => {},
      listClaimedIdentities: async () => [],
      deleteClaimedIdentity: async () => {},
      putIsp: async () => {},
      publishTermsOfUse: async () => {},
    };
    return { setups, repository };
  }

  it('refuses to leave the dates out, though every ended month would charge the same today, and writes nothing', async () => {
    expect(offered.length).toBeGreaterThan(0);
    const { setups, repository } = seededTable();

    await expect(seedConfig(repository, undated, { now })).rejects.toThrow(
      new RegExp(`^serviceProviders\\.${i}\\.enabledMethods: the seeded setup dates its methods; `),
    );
    expect(setups.get('demo-bank')?.enabledMethods).toEqual(dated.enabledMethods);
  });

  it('says the dates are left out, not that 2000-01 changes, when the seeded dates begin later', async () => {
    const fromJanuary = toSpSetup({
      ...bankConfig,
      enabledMethods: offered.map((m) => ({ ...m, from: '2026-01' })),
    });
    const setups = new Map<string, SpSetup>([[fromJanuary.clientId, fromJanuary]]);
    const { repository } = seededTable();
    repository.getSpSetup = async (clientId) => setups.get(clientId);
    repository.putSpSetup = async (sp) => void setups.set(sp.clientId, sp);

    const refused = await seedConfig(repository, undated, { now }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(refused).toMatch(
      new RegExp(`serviceProviders\\.${i}\\.enabledMethods: the seeded setup dates its methods; `),
    );
    expect(refused).not.toContain('2000-01');
    expect(setups.get('demo-bank')?.enabledMethods).toEqual(fromJanuary.enabledMethods);
  });

  it('leaves them out with --reprice-ended-months: the statements then follow what the SP may use now', async () => {
    const { setups, repository } = seededTable();

    await seedConfig(repository, undated, { now, repriceEndedMonths: true });
    expect(setups.get('demo-bank')?.enabledMethods).toBeUndefined();
  });
});
