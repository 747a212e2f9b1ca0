/**
 * Price history on the embedded stack: Demo Bank is seeded with two price sheets (from 2026-01 and
 * from 2026-03) and has usage in February and March 2026 and in December 2025; each month's
 * statement — GET /api/usage and `npm run admin -- usage` — is priced with the sheet in effect
 * that month, and names it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServiceConfigSchema } from '../../lambdas/core/service-config.js';
import { DEFAULT_CONFIG_PATH } from '../../local/config.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { call, tokenFor, useStack } from '../support/stack.js';
import { completedBankIdentifications, NO_EVENTS } from '../support/usage.js';

/** The demo configuration, Demo Bank's prices raised on 1 March 2026 and a verify price added. */
function configWithPriceHistory() {
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
  const bank = raw.serviceProviders.find((sp: { clientId: string }) => sp.clientId === 'demo-bank');
  bank.priceSheets = [
    {
      from: '2026-01',
      currency: 'CHF',
      monthlyFee: { default: '60.00', video: '120.00', test: '0.00' },
      completedIdentification: { default: '14.00', bank: '6.50' },
    },
    {
      from: '2026-03',
      currency: 'CHF',
      monthlyFee: { default: '70.00', video: '130.00', test: '0.00' },
      completedIdentification: { default: '15.00', bank: '7.00' },
      verifyCall: '0.10',
    },
  ];
  return ServiceConfigSchema.parse(raw);
}

const stack = useStack(() => ({ rateLimits: false, config: configWithPriceHistory() }));

const completedIn = (month: string, completed: number) =>
  completedBankIdentifications('SRS-HISTORY', month, completed);

let bank: string;
beforeAll(async () => {
  bank = await tokenFor(stack(), 'demo-bank');
  const usage = stack().repository;
  await usage.putUsageRecords([
    ...completedIn('2025-12', 1),
    ...completedIn('2026-02', 2),
    ...completedIn('2026-03', 3),
  ]);
  for (const month of ['2026-02', '2026-03'])
    await usage.addVerifyCounts(
      { clientId: 'demo-bank', claimedIdentity: 'demo-bank-signing', month, shard: 0 },
      { calls: 10, positive: 9, negative: 1 },
    );
});

const usageIn = (month: string) =>
  call<{ identifications: unknown[]; statement: Record<string, unknown> }>(
    stack(),
    'GET',
    `/api/usage?month=${month}`,
    { token: bank },
  );

describe('GET /api/usage with two price sheets', () => {
  it('prices February with the sheet from 2026-01, though a later one is in effect now', async () => {
    const res = await usageIn('2026-02');

    expect(res.status).toBe(200);
    expect(res.body.statement).toEqual({
      monthlyFeeMethods: 'offered-now',
      priceSheetFrom: '2026-01',
      currency: 'CHF',
      charges: [
        {
          item: 'monthly-fee',
          issuer: 'BankIdent-Demo',
          method: 'bank',
          quantity: 1,
          unitPrice: '60.00',
          amount: '60.00',
        },
        {
          item: 'monthly-fee',
          issuer: 'Test-ISP',
          method: 'video',
          quantity: 1,
          unitPrice: '120.00',
          amount: '120.00',
        },
        {
          item: 'monthly-fee',
          issuer: 'VideoIdent-Demo',
          method: 'video',
          quantity: 1,
          unitPrice: '120.00',
          amount: '120.00',
        },
        {
          item: 'monthly-fee',
          issuer: 'eID-Demo',
          method: 'eid',
          quantity: 1,
          unitPrice: '60.00',
          amount: '60.00',
        },
        {
          item: 'completed-identification',
          issuer: 'BankIdent-Demo',
          method: 'bank',
          quantity: 2,
          unitPrice: '6.50',
          amount: '13.00',
        },
      ],
      total: '373.00',
    });
  });

  it('prices March, the month the second sheet starts, with it', async () => {
    const res = await usageIn('2026-03');

    expect(res.status).toBe(200);
    expect(res.body.statement).toEqual({
      monthlyFeeMethods: 'offered-now',
      priceSheetFrom: '2026-03',
      currency: 'CHF',
      charges: [
        {
          item: 'monthly-fee',
          issuer: 'BankIdent-Demo',
          method: 'bank',
          quantity: 1,
          unitPrice: '70.00',
          amount: '70.00',
        },
        {
          item: 'monthly-fee',
          issuer: 'Test-ISP',
          method: 'video',
          quantity: 1,
          unitPrice: '130.00',
          amount: '130.00',
        },
        {
          item: 'monthly-fee',
          issuer: 'VideoIdent-Demo',
          method: 'video',
          quantity: 1,
          unitPrice: '130.00',
          amount: '130.00',
        },
        {
          item: 'monthly-fee',
          issuer: 'eID-Demo',
          method: 'eid',
          quantity: 1,
          unitPrice: '70.00',
          amount: '70.00',
        },
        {
          item: 'completed-identification',
          issuer: 'BankIdent-Demo',
          method: 'bank',
          quantity: 3,
          unitPrice: '7.00',
          amount: '21.00',
        },
        {
          item: 'verify-call',
          claimedIdentity: 'demo-bank-signing',
          quantity: 10,
          unitPrice: '0.10',
          amount: '1.00',
        },
      ],
      total: '422.00',
    });
  });

  it('answers a month before the first sheet with its counts and nothing priced', async () => {
    const res = await usageIn('2025-12');

    expect(res.status).toBe(200);
    expect(res.body.identifications).toEqual([
      { issuer: 'BankIdent-Demo', method: 'bank', counts: { ...NO_EVENTS, started: 1, 'terms-accepted': 1 } },
    ]);
    expect(res.body.statement).toEqual({
      monthlyFeeMethods: 'offered-now',
      priceSheetFrom: null,
      currency: null,
      charges: [],
      total: null,
    });
  });
});

describe('npm run admin -- usage with two price sheets', () => {
  it('prints the statements the API answers, each month with its own sheet', async () => {
    const totals: unknown[] = [];
    for (const month of ['2025-12', '2026-02', '2026-03']) {
      const out = await runAdmin(['usage', '--month', month, '--client', 'demo-bank'], tableEnv(stack()));
      expect(out).toMatchObject({ code: 0, stderr: '' });
      const statement = out.lines.find((l) => l.record === 'statement');
      totals.push([month, statement?.priceSheetFrom, statement?.total]);
    }

    expect(totals).toEqual([
      ['2025-12', null, null],
      ['2026-02', '2026-01', '373.00'],
      ['2026-03', '2026-03', '422.00'],
    ]);
  });
});

describe('a setup seeded before price history (one priceSheet, no from)', () => {
  it('is priced with its sheet in every month, which the statement names as from 2000-01', async () => {
    // The table item an earlier version wrote, not seeded since: Demo Bank's setup under another client id.
    const bankSetup = await stack().repository.getSpSetup('demo-bank');
    if (!bankSetup) throw new Error('Demo Bank was not seeded');
    const { priceSheets: _, ...setup } = bankSetup;
    await stack().repository.putSpSetup({
      ...setup,
      clientId: 'earlier-sp',
      name: 'Earlier SP',
      claimedIdentities: [],
      priceSheet: {
        currency: 'CHF',
        monthlyFee: { default: '10.00', test: '0.00' },
        completedIdentification: {},
      },
    });

    const statements: unknown[] = [];
    for (const month of ['2000-01', '2026-03']) {
      const out = await runAdmin(['usage', '--month', month, '--client', 'earlier-sp'], tableEnv(stack()));
      const statement = out.lines.find((l) => l.record === 'statement');
      statements.push([month, statement?.priceSheetFrom, statement?.currency, statement?.total]);
    }

    // Demo Bank's enabled methods at 10.00 each but Test-ISP/test (0.00): four fees.
    expect(statements).toEqual([
      ['2000-01', '2000-01', 'CHF', '40.00'],
      ['2026-03', '2000-01', 'CHF', '40.00'],
    ]);
  });
});
