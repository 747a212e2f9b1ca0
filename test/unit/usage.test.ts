/** Usage for invoicing, pure: events from the status history, counting, pricing, verify counters. */
import { describe, expect, it } from 'vitest';
import { endedMonthRepriced } from '../../lambdas/core/price-history.js';
import { PriceSheetSchema, PriceSheetsSchema } from '../../lambdas/core/price-sheet.js';
import { offeredMethods, priceSheetIn, statementOf } from '../../lambdas/core/statement.js';
import {
  countIdentifications,
  MONTH,
  type SpUsage,
  sumVerifyCounts,
  type UsageRecord,
  usageRecordsOf,
} from '../../lambdas/core/usage.js';
import { USAGE_MONTH_NOT_BEGUN, usageMonthNotBegun } from '../../lambdas/core/usage-report.js';
import { VerifyCallCounter } from '../../lambdas/usecases/verify-call-counter.js';
import { NO_EVENTS } from '../support/usage.js';
import { catalogue, order, REF_ID, spSetup, statusEntry, testIsp } from './fixtures.js';

describe('usageRecordsOf', () => {
  it('makes none for an order whose method the person has not chosen yet (no partner to bill)', () => {
    const waiting = order({ issuer: null, adapter: null, method: null, loa: null, jurisdictions: [] });
    const expired = order({
      issuer: null,
      adapter: null,
      method: null,
      loa: null,
      statuses: [statusEntry('created', 0), statusEntry('cancelled', 60, { kind: 'expired' })],
    });

    expect(usageRecordsOf(waiting)).toEqual([]);
    expect(usageRecordsOf(expired)).toEqual([]);
  });

  it('makes one record per billable status, in the month each happened, without person data', () => {
    const o = order({
      statuses: [
        statusEntry('created', 0),
        statusEntry('initialized', 1),
        statusEntry('waiting-for-doc', 2),
        statusEntry('done', 3),
        statusEntry('data-ready', 4),
        // 31 days later: the next month.
        statusEntry('terms-accepted', 31 * 24 * 60),
      ],
    });

    const records = usageRecordsOf(o);

    expect(records).toEqual([
      {
        clientId: 'bank-client',
        month: '2025-03',
        issuer: 'Test-ISP',
        method: 'test',
        event: 'started',
        refId: REF_ID,
        at: '2025-03-01T10:00:00.000Z',
      },
      {
        clientId: 'bank-client',
        month: '2025-03',
        issuer: 'Test-ISP',
        method: 'test',
        event: 'evidence-imported',
        refId: REF_ID,
        at: '2025-03-01T10:04:00.000Z',
      },
      {
        clientId: 'bank-client',
        month: '2025-04',
        issuer: 'Test-ISP',
        method: 'test',
        event: 'terms-accepted',
        refId: REF_ID,
        at: '2025-04-01T10:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(records)).not.toMatch(/Muster|41783478228|swisscom/);
  });

  it.each([
    ['user', 'cancelled-user'],
    ['isp', 'cancelled-isp'],
    ['unsuccessful', 'cancelled-unsuccessful'],
    ['expired', 'expired'],
  ])('names a cancellation of kind %s %s', (kind, event) => {
    const o = order({ statuses: [statusEntry('created', 0), statusEntry('cancelled', 5, { kind })] });

    expect(usageRecordsOf(o).map((r) => r.event)).toEqual(['started', event]);
  });

  it('counts a failure', () => {
    const o = order({ statuses: [statusEntry('created', 0), statusEntry('failed', 5, { reason: 'X' })] });

    expect(usageRecordsOf(o).map((r) => r.event)).toEqual(['started', 'failed']);
  });
});

describe('countIdentifications', () => {
  const record = (refId: string, event: UsageRecord['event'], method = 'test'): UsageRecord => ({
    clientId: 'c',
    month: '2026-11',
    issuer: 'Test-ISP',
    method,
    event,
    refId,
    at: '2026-11-01T00:00:00.000Z',
  });

  it('counts per issuer and method, one per refId and event', () => {
    const counts = countIdentifications([
      record('a', 'started'),
      record('a', 'started'),
      record('b', 'started'),
      record('b', 'terms-accepted'),
      record('c', 'started', 'video'),
    ]);

    expect(counts.map((c) => [c.method, c.counts.started, c.counts['terms-accepted']])).toEqual([
      ['test', 2, 1],
      ['video', 1, 0],
    ]);
  });
});

describe('the order of counts and statement lines (the same on every machine, whatever its locale)', () => {
  // Names whose code-unit order differs from a collation's (en-US ICU puts `acme` before `Zeta`,
  // `a_b` before `a-b` and `Ärzte` beside `acme`): localeCompare sorted them by the machine's locale.
  const record = (issuer: string, method: string, refId: string): UsageRecord => ({
    clientId: 'c',
    month: '2026-11',
    issuer,
    method,
    event: 'started',
    refId,
    at: '2026-11-01T00:00:00.000Z',
  });

  it('sorts counts by issuer, then method, in code-unit order', () => {
    const counts = countIdentifications([
      record('acme', 'video', '1'),
      record('Ärzte', 'video', '2'),
      record('Zeta', 'video', '3'),
      record('Bank AG', 'eid', '4'),
      record('Bank', 'video', '5'),
      record('Bank', 'auto', '6'),
    ]);

    expect(counts.map((c) => `${c.issuer}/${c.method}`)).toEqual([
      'Bank/auto',
      'Bank/video',
      'Bank AG/eid',
      'Zeta/video',
      'acme/video',
      'Ärzte/video',
    ]);
  });

  it('sorts verify calls by claimed identity in code-unit order', () => {
    const verify = sumVerifyCounts(
      ['acme', 'a_b', 'Zeta', 'a-b'].map((claimedIdentity) => ({ claimedIdentity })),
    );

    expect(verify.map((v) => v.claimedIdentity)).toEqual(['Zeta', 'a-b', 'a_b', 'acme']);
  });

  it('sorts monthly fees by issuer, then method: `Bank` before `Bank AG` whatever their methods', () => {
    const sp = {
      clientId: 'sp',
      name: 'SP',
      priceSheet: {
        currency: 'CHF',
        monthlyFee: { default: '1.00' },
        completedIdentification: {},
        verifyCall: '0',
      },
    };
    const offered = [
      { issuer: 'acme', method: 'video' },
      { issuer: 'Bank AG', method: 'eid' },
      { issuer: 'Bank', method: 'video' },
      { issuer: 'Zeta', method: 'video' },
    ];
    const dated = {
      ...sp,
      enabledMethods: offered.map((m) => ({ ...m, from: '2026-01' })),
    };
    const usage: SpUsage = { month: '2026-11', clientId: 'sp', identifications: [], verify: [] };

    const fees = (s: ReturnType<typeof statementOf>) => s.charges.map((c) => `${c.issuer}/${c.method}`);
    const expected = ['Bank/video', 'Bank AG/eid', 'Zeta/video', 'acme/video'];
    expect(fees(statementOf(usage, dated, []))).toEqual(expected);
    const isp = (issuer: string, methods: string[]) => ({ ...testIsp(), issuer, realtimeMethods: methods });
    const catalogueSp = spSetup({ methods: { acme: '*', 'Bank AG': '*', Bank: '*', Zeta: '*' } });
    expect(
      offeredMethods(
        [isp('acme', ['video']), isp('Bank AG', ['eid']), isp('Zeta', ['video']), isp('Bank', ['video'])],
        catalogueSp,
      ),
    ).toEqual([
      { issuer: 'Bank', method: 'video' },
      { issuer: 'Bank AG', method: 'eid' },
      { issuer: 'Zeta', method: 'video' },
      { issuer: 'acme', method: 'video' },
    ]);
  });
});

describe('sumVerifyCounts', () => {
  it('adds the shards of each claimed identity; missing counters are 0', () => {
    expect(
      sumVerifyCounts([
        { claimedIdentity: 'b', calls: 2, positive: 1 },
        { claimedIdentity: 'a', calls: 1, negative: 1 },
        { claimedIdentity: 'b', calls: 3, positive: 1, negative: 2 },
      ]),
    ).toEqual([
      { claimedIdentity: 'a', calls: 1, positive: 0, negative: 1 },
      { claimedIdentity: 'b', calls: 5, positive: 2, negative: 2 },
    ]);
  });
});

describe('statementOf', () => {
  const NO_VERIFY = { calls: 0, positive: 0, negative: 0 };
  const sheet = PriceSheetSchema.parse({
    currency: 'CHF',
    monthlyFee: { default: '10.00', test: '0' },
    completedIdentification: { default: '9.95', video: '12.5' },
    verifyCall: '0.01',
  });
  const usage: SpUsage = {
    month: '2026-11',
    clientId: 'sp',
    identifications: [
      { issuer: 'Test-ISP', method: 'test', counts: { ...NO_EVENTS, started: 4, 'terms-accepted': 3 } },
      { issuer: 'Video', method: 'video', counts: { ...NO_EVENTS, started: 2, 'terms-accepted': 2 } },
    ],
    verify: [{ claimedIdentity: 'ci', calls: 1001, positive: 700, negative: 300 }],
  };

  it('adds fees, completed identifications and verify calls in whole cents', () => {
    const s = statementOf(usage, { clientId: 'sp', name: 'SP', priceSheet: sheet }, [
      { issuer: 'Test-ISP', method: 'test' },
      { issuer: 'Video', method: 'video' },
    ]);

    expect(s.charges).toEqual([
      {
        item: 'monthly-fee',
        issuer: 'Video',
        method: 'video',
        quantity: 1,
        unitPrice: '10.00',
        amount: '10.00',
      },
      {
        item: 'completed-identification',
        issuer: 'Test-ISP',
        method: 'test',
        quantity: 3,
        unitPrice: '9.95',
        amount: '29.85',
      },
      {
        item: 'completed-identification',
        issuer: 'Video',
        method: 'video',
        quantity: 2,
        unitPrice: '12.5',
        amount: '25.00',
      },
      { item: 'verify-call', claimedIdentity: 'ci', quantity: 1001, unitPrice: '0.01', amount: '10.01' },
    ]);
    // 10.00 + 29.85 + 25.00 + 10.01 (floating point would say 74.86000000000001)
    expect(s.total).toBe('74.86');
    expect(s.currency).toBe('CHF');
  });

  it('stays exact in whole cents where a line passes 2^53 cents (the sheet allows 999999999.99 a unit)', () => {
    const dear = PriceSheetSchema.parse({
      currency: 'CHF',
      monthlyFee: { default: '40.00' },
      verifyCall: '999999999.99',
    });
    const calls = {
      ...usage,
      identifications: [],
      verify: [{ ...NO_VERIFY, claimedIdentity: 'ci', calls: 1_000_001 }],
    };

    const s = statementOf(calls, { clientId: 'sp', name: 'SP', priceSheet: dear }, [
      { issuer: 'Video', method: 'video' },
    ]);

    // 99,999,999,999 cents × 1,000,001 = 100,000,099,998,999,999 cents; plus 4,000 (the fee).
    expect(s.charges.map((c) => c.amount)).toEqual(['40.00', '1000000999989999.99']);
    expect(s.total).toBe('1000000999990039.99');
  });

  it('prices nothing without a price sheet', () => {
    const s = statementOf(usage, { clientId: 'sp', name: 'SP' }, [{ issuer: 'Video', method: 'video' }]);

    expect(s).toEqual({
      month: '2026-11',
      clientId: 'sp',
      name: 'SP',
      monthlyFeeMethods: 'offered-now',
      priceSheetFrom: null,
      currency: null,
      charges: [],
      total: null,
    });
  });

  it('prices a month with the sheet in effect that month and names its from', () => {
    const history = {
      clientId: 'sp',
      name: 'SP',
      priceSheets: PriceSheetsSchema.parse([
        { from: '2026-01', currency: 'CHF', completedIdentification: { default: '9.95' } },
        { from: '2026-12', currency: 'EUR', completedIdentification: { default: '8.00' } },
      ]),
    };
    const video = [{ issuer: 'Video', method: 'video' }];

    const november = statementOf(usage, history, video);
    const december = statementOf({ ...usage, month: '2026-12' }, history, video);
    const earlier = statementOf({ ...usage, month: '2025-12' }, history, video);

    // 3 + 2 completed identifications: 5 × 9.95, then 5 × 8.00 in December.
    expect([november.priceSheetFrom, november.currency, november.total]).toEqual(['2026-01', 'CHF', '49.75']);
    expect([december.priceSheetFrom, december.currency, december.total]).toEqual(['2026-12', 'EUR', '40.00']);
    expect(earlier).toMatchObject({ priceSheetFrom: null, currency: null, charges: [], total: null });
  });

  it('refuses amounts with more than two decimals, negative amounts and unknown currencies', () => {
    for (const bad of [
      { currency: 'CHF', verifyCall: '0.001' },
      { currency: 'CHF', verifyCall: '-1.00' },
      { currency: 'chf' },
      { currency: 'CHF', monthlyFee: { 'Test-ISP/test': '1.00' } },
    ]) {
      expect(PriceSheetSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('priceSheetIn', () => {
  const march = { from: '2026-03', currency: 'CHF', monthlyFee: {}, completedIdentification: {} };
  const july = { ...march, from: '2026-07', verifyCall: '0.04' };
  const sp = { priceSheets: [march, july] };

  it.each([
    ['before the first sheet', '2026-02', undefined],
    ['in the month the first sheet starts', '2026-03', '2026-03'],
    ['between the two', '2026-06', '2026-03'],
    ['in the month the second sheet starts', '2026-07', '2026-07'],
    ['after the last sheet', '2031-01', '2026-07'],
    ['in a year before the first sheet', '2025-12', undefined],
  ])('%s (%s): the sheet from %s', (_label, month, from) => {
    expect(priceSheetIn(sp, month)?.from).toBe(from);
  });

  it('finds none without sheets', () => {
    expect(priceSheetIn({}, '2026-11')).toBeUndefined();
  });

  it('reads a single priceSheet (seeded before price history) as a sheet from 2000-01', () => {
    const { from: _, ...sheet } = march;

    expect(priceSheetIn({ priceSheet: sheet }, '2000-01')).toEqual({ ...sheet, from: '2000-01' });
    expect(priceSheetIn({ priceSheet: sheet }, '2099-12')?.from).toBe('2000-01');
  });
});

describe('offeredMethods', () => {
  it('lists what the SP’s catalogue offers it, not what its setup merely names', () => {
    const sp = spSetup({
      methods: { 'Test-ISP': ['test', 'video'], Unknown: '*' },
      financialIntermediary: false,
    });

    expect(offeredMethods([testIsp()], sp)).toEqual([
      { issuer: 'Test-ISP', method: 'test' },
      { issuer: 'Test-ISP', method: 'video' },
    ]);
    expect(offeredMethods(catalogue(), spSetup({ methods: {} }))).toEqual([]);
  });

  it('lists a method once when its partner offers it in real time and offline: one monthly fee', () => {
    const both = { ...testIsp(), realtimeMethods: ['video'], offlineMethods: ['video'] };
    const sp = spSetup({ methods: { 'Test-ISP': '*' }, financialIntermediary: false });

    expect(offeredMethods([both], sp)).toEqual([{ issuer: 'Test-ISP', method: 'video' }]);
    const fees = statementOf(
      { month: '2026-11', clientId: 'sp', identifications: [], verify: [] },
      {
        clientId: 'sp',
        name: 'SP',
        priceSheet: {
          currency: 'CHF',
          monthlyFee: { default: '100.00' },
          completedIdentification: {},
          verifyCall: '0.00',
        },
      },
      offeredMethods([both], sp),
    );
    expect(fees.total).toBe('100.00');
  });
});

describe('MONTH', () => {
  it.each(['2026-11', '2000-01', '2099-12'])('accepts %s', (m) => expect(MONTH.test(m)).toBe(true));
  it.each(['2026-13', '2026-00', '2026-1', '1999-12', '2026-11-01', '2026-11#', ' 2026-11'])(
    'refuses %s',
    (m) => expect(MONTH.test(m)).toBe(false),
  );
});

describe('VerifyCallCounter', () => {
  const key = { clientId: 'sp', claimedIdentity: 'ci', month: '2026-11' };
  const other = { clientId: 'sp', claimedIdentity: 'ci-eu', month: '2026-11' };

  function recorder(failures = 0) {
    const writes: { key: string; calls: number; positive: number; negative: number }[] = [];
    let toFail = failures;
    return {
      writes,
      port: {
        async addVerifyCounts(
          k: typeof key & { shard: number },
          d: { calls: number; positive: number; negative: number },
        ) {
          if (toFail-- > 0) throw new Error('throttled');
          writes.push({ key: k.claimedIdentity, ...d });
        },
      },
    };
  }

  it('with calls further apart than the interval, writes each call at once and its outcome with the next', async () => {
    const { writes, port } = recorder();
    let now = 0;
    const counter = new VerifyCallCounter(port, { flushIntervalMs: 1000, now: () => now, shard: () => 0 });

    await counter.count(key, () => undefined);
    counter.outcome(key, true);
    now += 1000;
    await counter.count(key, () => undefined);
    counter.outcome(key, false);
    now += 5000;
    await counter.count(other, () => undefined);

    expect(writes).toEqual([
      { key: 'ci', calls: 1, positive: 0, negative: 0 },
      { key: 'ci', calls: 1, positive: 1, negative: 0 },
      { key: 'ci', calls: 0, positive: 0, negative: 1 },
      { key: 'ci-eu', calls: 1, positive: 0, negative: 0 },
    ]);
  });

  it('a busy instance writes what gathered once per interval', async () => {
    const { writes, port } = recorder();
    let now = 0;
    const counter = new VerifyCallCounter(port, { flushIntervalMs: 1000, now: () => now, shard: () => 0 });

    for (let i = 0; i < 100; i++) {
      await counter.count(key, () => undefined);
      counter.outcome(key, i % 4 !== 0);
      now += 10;
    }
    now = 1000;
    await counter.count(key, () => undefined);

    // The first call at once; then the other 99, their 100 outcomes and the 101st call in one write.
    expect(writes).toEqual([
      { key: 'ci', calls: 1, positive: 0, negative: 0 },
      { key: 'ci', calls: 100, positive: 75, negative: 25 },
    ]);
  });

  it('keeps the counts of a failed write for the next one and reports the failure', async () => {
    const { writes, port } = recorder(1);
    const counter = new VerifyCallCounter(port, { flushIntervalMs: 0, shard: () => 0 });
    const errors: unknown[] = [];
    counter.outcome(key, true);

    await counter.count(key, (e) => errors.push(e));
    await counter.count(key, (e) => errors.push(e));

    expect(errors).toHaveLength(1);
    expect(writes).toEqual([{ key: 'ci', calls: 2, positive: 1, negative: 0 }]);
  });
});

describe('usageMonthNotBegun (GET /api/usage: found by probing, 2099-12 answered monthly fees)', () => {
  const refused = [{ field: 'month', message: USAGE_MONTH_NOT_BEGUN }];

  it.each([
    ['the next month', '2026-12', '2026-11-15T12:00:00Z'],
    ['the next month, one millisecond before it begins (UTC)', '2026-12', '2026-11-30T23:59:59.999Z'],
    ['the next month, though it has begun in Zurich (UTC+1)', '2026-12', '2026-11-30T23:30:00Z'],
    ['January of the next year', '2027-01', '2026-12-31T12:00:00Z'],
    ['the last month the query takes', '2099-12', '2026-11-15T12:00:00Z'],
  ])('refuses %s', (_label, month, now) => {
    expect(usageMonthNotBegun(month, new Date(now))).toEqual(refused);
  });

  it.each([
    ['the current month (the statement so far)', '2026-11', '2026-11-15T12:00:00Z'],
    ['the current month from its first millisecond (UTC)', '2026-12', '2026-12-01T00:00:00.000Z'],
    ['the current month, though the next has begun in Zurich', '2026-11', '2026-11-30T23:30:00Z'],
    ['the previous month', '2026-10', '2026-11-01T00:00:00Z'],
    ['the first month the query takes', '2000-01', '2026-11-15T12:00:00Z'],
  ])('takes %s', (_label, month, now) => {
    expect(usageMonthNotBegun(month, new Date(now))).toEqual([]);
  });
});

describe('endedMonthRepriced (seeding keeps the price of a month that has ended)', () => {
  const january = { from: '2026-01', currency: 'CHF', monthlyFee: { default: '40.00' }, verifyCall: '0.05' };
  const june = { ...january, from: '2026-06', verifyCall: '0.04' };
  const december = { ...january, from: '2026-12', verifyCall: '0.03' };
  const history = (...sheets: Record<string, unknown>[]) => ({
    priceSheets: PriceSheetsSchema.parse(sheets),
  });
  const seeded = history(january, june);
  /** January's prices as the single `priceSheet` of before price history. */
  const { from: _from, ...single } = january;

  it('lets a sheet be added from the current month on, or the current month’s sheet be changed', () => {
    expect(endedMonthRepriced(seeded, history(january, june, december), '2026-12')).toBeUndefined();
    expect(
      endedMonthRepriced(seeded, history(january, june, { ...december, from: '2027-02' }), '2026-12'),
    ).toBeUndefined();
    expect(
      endedMonthRepriced(
        history(january, december),
        history(january, { ...december, verifyCall: '0.02' }),
        '2026-12',
      ),
    ).toBeUndefined();
  });

  it('finds the first ended month another price would be charged for', () => {
    // The January sheet edited in place: January to May change.
    expect(endedMonthRepriced(seeded, history({ ...january, verifyCall: '0.06' }, june), '2026-12')).toEqual({
      month: '2026-01',
      from: '2026-01',
    });
    // A sheet slipped in from March: March to May change.
    expect(
      endedMonthRepriced(seeded, history(january, { ...june, from: '2026-03' }, june), '2026-12'),
    ).toEqual({
      month: '2026-03',
      from: '2026-01',
    });
    // A sheet from before the first one: months that ended without a price would get one.
    expect(
      endedMonthRepriced(seeded, history({ ...january, from: '2025-10' }, january, june), '2026-12'),
    ).toEqual({
      month: '2025-10',
      from: null,
    });
    // The June sheet left out: June to November fall back to January's prices.
    expect(endedMonthRepriced(seeded, history(january), '2026-12')).toEqual({
      month: '2026-06',
      from: '2026-06',
    });
    // No prices any more, or the single sheet of before price history instead.
    expect(endedMonthRepriced(seeded, {}, '2026-12')).toEqual({ month: '2026-01', from: '2026-01' });
    // The single sheet prices every month from 2000-01, which ended without a price.
    expect(endedMonthRepriced(seeded, { priceSheet: PriceSheetSchema.parse(single) }, '2026-12')).toEqual({
      month: '2000-01',
      from: null,
    });
    // So too when the history's first sheet has not begun yet (found by review: it was taken).
    expect(
      endedMonthRepriced(
        history({ ...january, from: '2027-01' }),
        { priceSheet: PriceSheetSchema.parse(single) },
        '2026-12',
      ),
    ).toEqual({ month: '2000-01', from: null });
  });

  it('holds only a history to it: a setup without sheets, or with the single priceSheet, may be given one', () => {
    expect(endedMonthRepriced({}, history(june), '2026-12')).toBeUndefined();
    expect(
      endedMonthRepriced({ priceSheet: PriceSheetSchema.parse(single) }, history(june), '2026-12'),
    ).toBeUndefined();
  });

  it('compares sheets by content, not by how their keys were written', () => {
    const reordered = {
      verifyCall: '0.05',
      monthlyFee: { default: '40.00' },
      currency: 'CHF',
      from: '2026-01',
    };
    expect(endedMonthRepriced(seeded, history(reordered, june), '2026-12')).toBeUndefined();
  });
});
