/**
 * Usage for invoicing on the embedded stack: a few journeys — one with duplicated partner events
 * and a step that dies between the order's write and the usage write — then the operator's
 * statement (`npm run admin -- usage`) and the SP's own figures (`GET /api/usage`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationTableStores } from '../../lambdas/adapters/aws-clients.js';
import { monthOf } from '../../lambdas/core/usage.js';
import { runAdmin, tableEnv } from '../support/admin.js';
import { acceptTerms, evidenceFor, sendEvent, sendEvidence, termsLinkFromOutbox } from '../support/isp.js';
import { expectInvalidField } from '../support/problems.js';
import { call, startOrder, tokenFor, useStack, waitFor } from '../support/stack.js';
import { NO_EVENTS } from '../support/usage.js';

let portal: string;
let bank: string;
let month: string;
let usageWriteFailures = 0;
/** The registration task's stores in this process (the embedded stack runs the handlers in-process). */
let registrationStores: ReturnType<typeof registrationTableStores>;
let realPutUsageRecords: typeof registrationStores.putUsageRecords;

const verify = (msisdn: string, claimedIdentity: string, assuranceLevel = 3) =>
  call(stack(), 'POST', '/api/verify', {
    json: {
      msisdn,
      claimedIdentity,
      assuranceLevel,
      distinguishedName: 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH',
    },
  });

// Verify counts written with every call (VERIFY_COUNT_FLUSH_SECONDS 0), so that they are exact here.
const stack = useStack({
  rateLimits: false,
  verifyCountFlushSeconds: 0,
  stepFunctions: { retryIntervalMs: 5 },
});
beforeAll(async () => {
  registrationStores = registrationTableStores();
  realPutUsageRecords = registrationStores.putUsageRecords;
  portal = await tokenFor(stack(), 'demo-portal');
  bank = await tokenFor(stack(), 'demo-bank');

  // The order a person completes — each partner message twice, and the registration step dies
  // once right after writing the order, before its usage write (the state machine retries it).
  const mobile = '+41790007001';
  const completed = await startOrder(stack(), portal, { mobile });
  month = monthOf((await stack().repository.getOrder(completed.refId))?.createdAt ?? '');
  for (const event of ['waiting-for-doc', 'waiting-for-doc', 'done', 'done'] as const) {
    expect((await sendEvent(stack(), completed.refId, event)).status).toBe(200);
  }
  const evidence = evidenceFor({ mobile, method: 'test' });
  expect((await sendEvidence(stack(), completed.refId, evidence)).body.outcome).toBe('applied');
  expect((await sendEvidence(stack(), completed.refId, evidence)).body.outcome).toBe('duplicate');
  const link = await waitFor(
    async () => termsLinkFromOutbox(stack(), mobile),
    (l) => l !== undefined,
  );
  registrationStores.putUsageRecords = async (records) => {
    if (records.some((r) => r.event === 'terms-accepted') && usageWriteFailures === 0) {
      usageWriteFailures += 1;
      throw Object.assign(new Error('function died'), { name: 'FunctionDied' });
    }
    return realPutUsageRecords(records);
  };
  expect((await acceptTerms(link as string)).status).toBe(200);
  expect((await stack().stepFunctions.settled(completed.refId)).status).toBe('SUCCEEDED');
  registrationStores.putUsageRecords = realPutUsageRecords;

  // The person cancels; the partner reports it twice.
  const cancelled = await startOrder(stack(), portal, { mobile: '+41790007002' });
  expect((await sendEvent(stack(), cancelled.refId, 'cancelled', { kind: 'user' })).body.outcome).toBe(
    'applied',
  );
  expect((await sendEvent(stack(), cancelled.refId, 'cancelled', { kind: 'user' })).body.outcome).toBe(
    'duplicate',
  );
  expect((await stack().stepFunctions.settled(cancelled.refId)).status).not.toBe('RUNNING');

  // Demo Bank starts one with BankIdent-Demo and the partner fails it.
  const bankOrder = await startOrder(stack(), bank, {
    mobile: '+41790007003',
    issuer: 'BankIdent-Demo',
    method: 'bank',
  });
  await sendEvent(stack(), bankOrder.refId, 'cancelled', { kind: 'unsuccessful', issuer: 'BankIdent-Demo' });

  // Verify calls, one at a time: two positive and one negative (LoA 4) under test-client, one
  // negative under demo-portal-eu, and one under an identity nobody has (not counted).
  expect((await verify('41790007001', 'test-client')).status).toBe(200);
  expect((await verify('41790007001', 'test-client')).status).toBe(200);
  expect((await verify('41790007001', 'test-client', 4)).status).toBe(404);
  expect((await verify('41790009999', 'demo-portal-eu')).status).toBe(404);
  expect((await verify('41790007001', 'nobody-signs-as-this')).status).toBe(404);
});

afterAll(async () => {
  if (registrationStores) registrationStores.putUsageRecords = realPutUsageRecords;
});

describe('npm run admin -- usage', () => {
  it('counts each event of each order once, though partners repeated themselves and a step died', async () => {
    const out = await runAdmin(['usage', '--month', month], tableEnv(stack()));

    expect(usageWriteFailures).toBe(1);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.lines.filter((l) => l.record === 'identifications')).toEqual([
      {
        record: 'identifications',
        month,
        clientId: 'demo-bank',
        issuer: 'BankIdent-Demo',
        method: 'bank',
        ...NO_EVENTS,
        started: 1,
        'cancelled-unsuccessful': 1,
      },
      {
        record: 'identifications',
        month,
        clientId: 'demo-portal',
        issuer: 'Test-ISP',
        method: 'test',
        ...NO_EVENTS,
        started: 2,
        'evidence-imported': 1,
        'terms-accepted': 1,
        'cancelled-user': 1,
      },
    ]);
  });

  it('counts verify calls per claimed identity; each outcome is written with the instance’s next call', async () => {
    const out = await runAdmin(['usage', '--month', month, '--client', 'demo-portal'], tableEnv(stack()));

    expect(out.lines.filter((l) => l.record === 'verify')).toEqual([
      {
        record: 'verify',
        month,
        clientId: 'demo-portal',
        claimedIdentity: 'demo-portal-eu',
        calls: 1,
        positive: 0,
        negative: 0,
      },
      {
        record: 'verify',
        month,
        clientId: 'demo-portal',
        claimedIdentity: 'test-client',
        calls: 3,
        positive: 2,
        negative: 1,
      },
    ]);
  });

  it('prices the month with each SP’s price sheet', async () => {
    const out = await runAdmin(['usage', '--month', month], tableEnv(stack()));
    const statements = out.lines.filter((l) => l.record === 'statement');

    const portalStatement = statements.find((s) => s.clientId === 'demo-portal');
    // config/local.json: 40.00 a month for each enabled method except test (0.00), 1.00 per
    // completed Test-ISP test identification, 0.05 per verify call.
    expect(portalStatement).toMatchObject({
      name: 'Demo Signing Portal',
      priceSheetFrom: '2026-01',
      currency: 'CHF',
      month,
    });
    const charges = (portalStatement?.charges ?? []) as Record<string, unknown>[];
    expect(charges.filter((c) => c.item !== 'monthly-fee')).toEqual([
      {
        item: 'completed-identification',
        issuer: 'Test-ISP',
        method: 'test',
        quantity: 1,
        unitPrice: '1.00',
        amount: '1.00',
      },
      {
        item: 'verify-call',
        claimedIdentity: 'demo-portal-eu',
        quantity: 1,
        unitPrice: '0.05',
        amount: '0.05',
      },
      { item: 'verify-call', claimedIdentity: 'test-client', quantity: 3, unitPrice: '0.05', amount: '0.15' },
    ]);
    const fees = charges.filter((c) => c.item === 'monthly-fee');
    expect(fees.map((c) => `${c.issuer}/${c.method}`)).toEqual([
      'AutoIdent-Demo/auto',
      'BankIdent-Demo/bank',
      'Courier-Demo/courier',
      'PointOfSale-Demo/pos',
      'Test-ISP/video',
      'VideoIdent-Demo/video',
      // Code-unit order (the same on every machine): lower-case after upper-case.
      'eID-Demo/eid',
    ]);
    expect(fees.every((c) => c.amount === '40.00' && c.quantity === 1)).toBe(true);
    expect(portalStatement?.total).toBe('281.20');

    const bankStatement = statements.find((s) => s.clientId === 'demo-bank');
    // No completed identification and no verify price: the monthly fees only (video 120.00, others 60.00, test 0).
    expect(
      ((bankStatement?.charges ?? []) as Record<string, unknown>[]).map((c) => [
        c.item,
        c.issuer,
        c.method,
        c.amount,
      ]),
    ).toEqual([
      ['monthly-fee', 'BankIdent-Demo', 'bank', '60.00'],
      ['monthly-fee', 'Test-ISP', 'video', '120.00'],
      ['monthly-fee', 'VideoIdent-Demo', 'video', '120.00'],
      ['monthly-fee', 'eID-Demo', 'eid', '60.00'],
    ]);
    expect(bankStatement?.total).toBe('360.00');
  });

  it('prints the same as one CSV table with --format csv', async () => {
    const out = await runAdmin(
      ['usage', '--month', month, '--client', 'demo-bank', '--format', 'csv'],
      tableEnv(stack()),
    );
    const [header, ...rows] = out.stdout.trimEnd().split('\n');

    expect(out.code).toBe(0);
    expect(header).toBe(
      'record,month,clientId,issuer,method,claimedIdentity,started,evidence-imported,terms-accepted,cancelled-user,cancelled-isp,cancelled-unsuccessful,expired,failed,calls,positive,negative,item,quantity,unitPrice,amount,currency,priceSheetFrom,monthlyFeeMethods',
    );
    expect(rows).toEqual([
      `identifications,${month},demo-bank,BankIdent-Demo,bank,,1,0,0,0,0,1,0,0,,,,,,,,,,`,
      `charge,${month},demo-bank,BankIdent-Demo,bank,,,,,,,,,,,,,monthly-fee,1,60.00,60.00,CHF,2026-01,offered-now`,
      `charge,${month},demo-bank,Test-ISP,video,,,,,,,,,,,,,monthly-fee,1,120.00,120.00,CHF,2026-01,offered-now`,
      `charge,${month},demo-bank,VideoIdent-Demo,video,,,,,,,,,,,,,monthly-fee,1,120.00,120.00,CHF,2026-01,offered-now`,
      `charge,${month},demo-bank,eID-Demo,eid,,,,,,,,,,,,,monthly-fee,1,60.00,60.00,CHF,2026-01,offered-now`,
      `total,${month},demo-bank,,,,,,,,,,,,,,,,,,360.00,CHF,2026-01,offered-now`,
    ]);
  });

  it('a month without usage has statements with the monthly fees only', async () => {
    // config/local.json's price sheets are from 2026-01: a month before it is not priced.
    const out = await runAdmin(['usage', '--month', '2026-01', '--client', 'demo-portal'], tableEnv(stack()));

    expect(out.lines.map((l) => l.record)).toEqual(['statement']);
    expect(out.lines[0]?.total).toBe('280.00');
  });

  it('refuses a bad --month, --format or --client with one line and exit code 2', async () => {
    for (const args of [
      ['usage'],
      ['usage', '--month', '2026-13'],
      ['usage', '--month', '2026-1'],
      ['usage', '--month', month, '--format', 'xml'],
      ['usage', '--month', month, '--client', 'USAGE#x'],
      ['usage', '--month', month, '--client', 'nobody'],
    ]) {
      const out = await runAdmin(args, tableEnv(stack()));
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(out.stdout, args.join(' ')).toBe('');
    }
  });
});

describe('GET /api/usage', () => {
  it('answers the calling SP its own figures and statement only', async () => {
    const res = await call<Record<string, unknown>>(stack(), 'GET', `/api/usage?month=${month}`, {
      token: bank,
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      month,
      clientId: 'demo-bank',
      identifications: [
        {
          issuer: 'BankIdent-Demo',
          method: 'bank',
          counts: { ...NO_EVENTS, started: 1, 'cancelled-unsuccessful': 1 },
        },
      ],
      verify: [],
      statement: { priceSheetFrom: '2026-01', currency: 'CHF', total: '360.00' },
    });
    expect(res.text).not.toContain('demo-portal');
    expect(res.text).not.toContain('Test-ISP","method":"test"');
  });

  it('the portal sees its two orders and its verify calls', async () => {
    const res = await call<{ identifications: unknown[]; verify: unknown[] }>(
      stack(),
      'GET',
      `/api/usage?month=${month}`,
      { token: portal },
    );

    expect(res.status).toBe(200);
    expect(res.body.identifications).toEqual([
      {
        issuer: 'Test-ISP',
        method: 'test',
        counts: {
          ...NO_EVENTS,
          started: 2,
          'evidence-imported': 1,
          'terms-accepted': 1,
          'cancelled-user': 1,
        },
      },
    ]);
    expect(res.body.verify).toHaveLength(2);
  });

  it.each([
    ['missing', ''],
    ['month 13', '?month=2026-13'],
    ['one digit', '?month=2026-1'],
    ['a date', '?month=2026-11-01'],
    ['a key fragment', '?month=2026-11%23EVENT'],
    ['another century', '?month=1999-12'],
  ])('refuses month %s with 400 naming month, and reads nothing', async (_, query) => {
    const res = await call(stack(), 'GET', `/api/usage${query}`, { token: portal });

    expectInvalidField(res, 'month');
  });

  it('refuses a month that has not begun with 400 naming month (found by probing: 2099-12 answered monthly fees)', async () => {
    const now = new Date();
    // The month after next: still to come if the month turns while the test runs.
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1))
      .toISOString()
      .slice(0, 7);

    for (const notBegun of [later, '2099-12']) {
      const res = await call(stack(), 'GET', `/api/usage?month=${notBegun}`, { token: portal });

      expectInvalidField(res, 'month');
      expect(res.text).toContain('Must not be after the current month');
      expect(res.text).not.toContain('monthly-fee');
    }
  });

  it('refuses an unknown parameter and a repeated month with 400', async () => {
    const unknown = await call(stack(), 'GET', `/api/usage?month=${month}&client=demo-bank`, {
      token: portal,
    });
    const repeated = await call(stack(), 'GET', `/api/usage?month=${month}&month=2026-10`, { token: portal });

    expect(unknown.status).toBe(400);
    expectInvalidField(repeated, 'month');
  });

  it('answers 401 without a token and to a partner’s backend', async () => {
    const partner = await tokenFor(stack(), 'test-isp');

    expect((await call(stack(), 'GET', `/api/usage?month=${month}`)).status).toBe(401);
    expect((await call(stack(), 'GET', `/api/usage?month=${month}`, { token: partner })).status).toBe(401);
  });
});
