/**
 * Dated methods on the embedded stack (ADR 0028): Demo Bank's setup dates the methods enabled for
 * it, and a month's monthly fees are for the methods enabled in that month. The operator withdraws
 * eID and enables AutoIdent this month: February's statement — GET /api/usage and
 * `npm run admin -- usage` — stays what it was, this month charges both. Dating the change back to
 * March is refused (writing nothing) unless the operator asks for it with --reprice-ended-months.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceConfigSchema } from '../../lambdas/core/service-config.js';
import { DEFAULT_CONFIG_PATH } from '../../local/config.js';
import { startLocalStack } from '../../local/stack.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { call, tokenFor, useStack } from '../support/stack.js';
import { completedBankIdentifications } from '../support/usage.js';

/** The month the test runs in (UTC): a withdrawal or an enabling done now is dated with it. */
const CURRENT = new Date().toISOString().slice(0, 7);

const since = (issuer: string, method: string, from: string, until?: string) => ({
  issuer,
  method,
  from,
  ...(until ? { until } : {}),
});
/** Demo Bank's methods since January 2026: everything its demo setup offers it. */
const SINCE_JANUARY = [
  since('BankIdent-Demo', 'bank', '2026-01'),
  since('eID-Demo', 'eid', '2026-01'),
  since('Test-ISP', 'test', '2026-01'),
  since('Test-ISP', 'video', '2026-01'),
  since('VideoIdent-Demo', 'video', '2026-01'),
];

/** The demo configuration with Demo Bank's methods, dated methods and prices (auto at 45.00) as given. */
function configWith(methods: Record<string, string>, enabledMethods: unknown[]) {
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'));
  const bank = raw.serviceProviders.find((sp: { clientId: string }) => sp.clientId === 'demo-bank');
  bank.methods = methods;
  bank.enabledMethods = enabledMethods;
  bank.priceSheets = [
    {
      from: '2026-01',
      currency: 'CHF',
      monthlyFee: { default: '60.00', video: '120.00', auto: '45.00', test: '0.00' },
      completedIdentification: { default: '14.00', bank: '6.50', test: '0.00' },
    },
  ];
  return raw;
}

const WITH_EID = { 'Test-ISP': '*', 'VideoIdent-Demo': '*', 'BankIdent-Demo': '*', 'eID-Demo': '*' };
const WITH_AUTO = { 'Test-ISP': '*', 'VideoIdent-Demo': '*', 'BankIdent-Demo': '*', 'AutoIdent-Demo': '*' };
/** eID withdrawn and AutoIdent enabled in `month`. */
const changedIn = (month: string) =>
  configWith(WITH_AUTO, [
    ...SINCE_JANUARY.filter((m) => m.issuer !== 'eID-Demo'),
    since('eID-Demo', 'eid', '2026-01', month),
    since('AutoIdent-Demo', 'auto', month),
  ]);

const stack = useStack(() => ({
  rateLimits: false,
  config: ServiceConfigSchema.parse(configWith(WITH_EID, SINCE_JANUARY)),
}));

const completedIn = (month: string, completed: number) =>
  completedBankIdentifications('SRS-DATED', month, completed);

let bank: string;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'srs-dated-methods-'));
  bank = await tokenFor(stack(), 'demo-bank');
  await stack().repository.putUsageRecords([...completedIn('2026-02', 2), ...completedIn('2026-03', 1)]);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function configFile(config: unknown): string {
  const file = join(folder, `config-${crypto.randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The operator withdraws eID and enables AutoIdent this month (a seeding the same again changes nothing). */
async function seedChangedNow(): Promise<void> {
  const out = await runAdmin(['seed', configFile(changedIn(CURRENT))], tableEnv(stack()));
  expect(out).toMatchObject({ code: 0, stderr: '' });
}

const statementIn = async (month: string) => {
  const res = await call<{ statement: Record<string, unknown> }>(
    stack(),
    'GET',
    `/api/usage?month=${month}`,
    {
      token: bank,
    },
  );
  expect(res.status).toBe(200);
  return res.body.statement;
};

/** The admin command's statement of Demo Bank in each month: [month, monthlyFeeMethods, total]. */
async function adminTotals(months: string[]): Promise<unknown[]> {
  const totals: unknown[] = [];
  for (const month of months) {
    const out = await runAdmin(['usage', '--month', month, '--client', 'demo-bank'], tableEnv(stack()));
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const statement = out.lines.find((l) => l.record === 'statement');
    totals.push([month, statement?.monthlyFeeMethods, statement?.total]);
  }
  return totals;
}

const fee = (issuer: string, method: string, price: string) => ({
  item: 'monthly-fee',
  issuer,
  method,
  quantity: 1,
  unitPrice: price,
  amount: price,
});

/** February 2026 as Demo Bank's invoice said it: four methods and two completed identifications. */
const FEBRUARY = {
  monthlyFeeMethods: 'enabled-that-month',
  priceSheetFrom: '2026-01',
  currency: 'CHF',
  charges: [
    fee('BankIdent-Demo', 'bank', '60.00'),
    fee('Test-ISP', 'video', '120.00'),
    fee('VideoIdent-Demo', 'video', '120.00'),
    fee('eID-Demo', 'eid', '60.00'),
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
};

describe('a method withdrawn and another enabled this month', () => {
  it('charges February for the methods enabled in February, before and after the change, in the API and the CSV', async () => {
    expect(await statementIn('2026-02')).toEqual(FEBRUARY);

    await seedChangedNow();

    // The old code charged February for AutoIdent instead of eID: 60 + 45 + 240 + 13.
    expect(await statementIn('2026-02')).toEqual(FEBRUARY);
    expect(await adminTotals(['2026-02', '2026-03', '2026-04', CURRENT])).toEqual([
      ['2026-02', 'enabled-that-month', '373.00'],
      // One completed identification at 6.50.
      ['2026-03', 'enabled-that-month', '366.50'],
      ['2026-04', 'enabled-that-month', '360.00'],
      // eID until this month, AutoIdent from it: both (60 + 60 + 45 + 240).
      [CURRENT, 'enabled-that-month', '405.00'],
    ]);
    const csv = await runAdmin(
      ['usage', '--month', '2026-04', '--client', 'demo-bank', '--format', 'csv'],
      tableEnv(stack()),
    );
    expect(csv.code).toBe(0);
    expect(csv.stdout.trimEnd().split('\n').slice(1)).toEqual([
      'charge,2026-04,demo-bank,BankIdent-Demo,bank,,,,,,,,,,,,,monthly-fee,1,60.00,60.00,CHF,2026-01,enabled-that-month',
      'charge,2026-04,demo-bank,Test-ISP,video,,,,,,,,,,,,,monthly-fee,1,120.00,120.00,CHF,2026-01,enabled-that-month',
      'charge,2026-04,demo-bank,VideoIdent-Demo,video,,,,,,,,,,,,,monthly-fee,1,120.00,120.00,CHF,2026-01,enabled-that-month',
      'charge,2026-04,demo-bank,eID-Demo,eid,,,,,,,,,,,,,monthly-fee,1,60.00,60.00,CHF,2026-01,enabled-that-month',
      'total,2026-04,demo-bank,,,,,,,,,,,,,,,,,,360.00,CHF,2026-01,enabled-that-month',
    ]);
  });
});

describe('the change dated back to March 2026', () => {
  it('is refused, naming the SP’s enabledMethods and the month, and writes nothing', async () => {
    await seedChangedNow();
    const seeded = await stack().repository.getSpSetup('demo-bank');

    const out = await runAdmin(['seed', configFile(changedIn('2026-03'))], tableEnv(stack()));

    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `serviceProviders.1.enabledMethods: 2026-03 has ended, and to its monthly fees this configuration adds AutoIdent-Demo auto; a method enabled or withdrawn now is dated ${CURRENT} (to correct a past month, seed with --reprice-ended-months).`,
    );
    expect(await stack().repository.getSpSetup('demo-bank')).toStrictEqual(seeded);
    expect(await adminTotals(['2026-03', '2026-04'])).toEqual([
      ['2026-03', 'enabled-that-month', '366.50'],
      ['2026-04', 'enabled-that-month', '360.00'],
    ]);
  });

  it('is written with --reprice-ended-months, the operator’s correction of past months', async () => {
    await seedChangedNow();
    const out = await runAdmin(
      ['seed', '--reprice-ended-months', configFile(changedIn('2026-03'))],
      tableEnv(stack()),
    );

    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(await adminTotals(['2026-02', '2026-03', '2026-04'])).toEqual([
      ['2026-02', 'enabled-that-month', '373.00'],
      // eID withdrawn and AutoIdent enabled in March: both charged (60 + 60 + 45 + 240 + 6.50).
      ['2026-03', 'enabled-that-month', '411.50'],
      ['2026-04', 'enabled-that-month', '345.00'],
    ]);
  });
});

describe('a configuration whose dated methods disagree with what the SP may use now', () => {
  /** AutoIdent withdrawn from Demo Bank's methods, its entry left without until. */
  const autoOpenNotOffered = () => {
    const config = changedIn('2026-03');
    config.serviceProviders[1].methods = { 'Test-ISP': '*', 'VideoIdent-Demo': '*', 'BankIdent-Demo': '*' };
    return config;
  };
  const AUTO_OPEN_NOT_OFFERED = `serviceProviders.1.enabledMethods.5: AutoIdent-Demo auto is not offered to the SP now (its methods, the partner's, the rules) but has no until: give it until ${CURRENT} if it was withdrawn this month.`;

  it('is refused whatever the override, naming the entry, and writes nothing', async () => {
    const seeded = await stack().repository.getSpSetup('demo-bank');

    const out = await runAdmin(
      ['seed', '--reprice-ended-months', configFile(autoOpenNotOffered())],
      tableEnv(stack()),
    );

    expect(out.code).toBe(2);
    expect(out.stderr).toContain(AUTO_OPEN_NOT_OFFERED);
    expect(await stack().repository.getSpSetup('demo-bank')).toStrictEqual(seeded);
  });

  it('fails the embedded stack’s start with the same issue, before it starts anything', async () => {
    await expect(
      startLocalStack({ config: ServiceConfigSchema.parse(autoOpenNotOffered()) }),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'InvalidConfiguration',
        message: `Invalid configuration:\n  ${AUTO_OPEN_NOT_OFFERED}`,
      }),
    );
  });
});
