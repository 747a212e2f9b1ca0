/**
 * The business metrics' EMF lines: which status counts under which name, with which dimensions —
 * the partner, the cancellation's kind — and nothing of the order besides.
 */
import { describe, expect, it } from 'vitest';
import {
  identificationStarted,
  lifecycleMetrics,
  NO_PARTNER,
  partnerMessageRefused,
  verifyAnswerMetrics,
} from '../../lambdas/adapters/metrics.js';
import {
  lifecycleMetricsOnDemand,
  metricsOnDemand,
  partnerMessageRefusedOnDemand,
} from '../../lambdas/adapters/metrics-on-demand.js';
import type { Order, StatusEntry } from '../../lambdas/core/order.js';
import { captureLogs, type LogRecord, logRecords } from '../support/logs.js';

const entry = (status: StatusEntry['status'], kind: string | null = null): StatusEntry => ({
  status,
  date: '2026-11-30T01:00:00.000Z',
  reason: null,
  kind,
});

function order(statuses: StatusEntry[], partner: { issuer: string | null; method: string | null }): Order {
  return {
    refId: '6f1c2a4e-1b2c-4d3e-8f90-0123456789ab',
    clientId: 'demo-portal',
    ...partner,
    person: { firstName: 'Zebulon', lastName: 'Quaxwell', mobile: '+41790007001' },
    statuses,
  } as unknown as Order;
}

/** An EMF line as these tests read it: one metric definition of one metric. */
type EmfLine = LogRecord & {
  _aws: { Timestamp: number; CloudWatchMetrics: [{ Metrics: [{ Name: string }]; Dimensions: [string[]] }] };
};

/** Each EMF line as metric name → its dimensions and value. */
async function emitted(run: () => void | Promise<void>) {
  const lines = logRecords(await captureLogs(async () => run())) as EmfLine[];
  return lines.map((l) => {
    const definition = l._aws.CloudWatchMetrics[0];
    const name = definition.Metrics[0].Name;
    const dimensions = Object.fromEntries(definition.Dimensions[0].map((d) => [d, l[d]]));
    return { name, dimensions, value: l[name], keys: Object.keys(l).sort() };
  });
}

describe('the business metrics', () => {
  it('counts the final statuses under their own names, per partner and method, and the others not at all', async () => {
    const partner = { issuer: 'BankIdent-Demo', method: 'bank' };
    const counted = await emitted(() => {
      for (const status of ['created', 'initialized', 'waiting-for-doc', 'done', 'data-ready'] as const)
        lifecycleMetrics.statusReached(order([entry(status)], partner));
      lifecycleMetrics.statusReached(order([entry('data-ready'), entry('terms-accepted')], partner));
      lifecycleMetrics.statusReached(order([entry('initialized'), entry('failed')], partner));
    });

    expect(counted.map(({ name, dimensions, value }) => ({ name, dimensions, value }))).toEqual([
      {
        name: 'IdentificationsCompleted',
        dimensions: { service: 'smart-registration', ...partner },
        value: 1,
      },
      { name: 'IdentificationsFailed', dimensions: { service: 'smart-registration', ...partner }, value: 1 },
    ]);
  });

  it('on demand (isp-callback: the module loaded by the first count), counts what the direct counts count, each written when awaited', async () => {
    const partner = { issuer: 'BankIdent-Demo', method: 'bank' };
    const statuses: StatusEntry[][] = [
      [entry('created')],
      [entry('initialized'), entry('waiting-for-doc')],
      [entry('data-ready'), entry('terms-accepted')],
      [entry('initialized'), entry('failed')],
      [entry('initialized'), entry('cancelled', 'isp')],
    ];
    const direct = await emitted(() => {
      for (const s of statuses) lifecycleMetrics.statusReached(order(s, partner));
      partnerMessageRefused('event', 'invalid-signature');
    });
    const onDemand = await emitted(async () => {
      for (const s of statuses) await lifecycleMetricsOnDemand.statusReached(order(s, partner));
      await partnerMessageRefusedOnDemand('event', 'invalid-signature');
    });

    expect(direct.map((c) => c.name)).toEqual([
      'IdentificationsCompleted',
      'IdentificationsFailed',
      'IdentificationsCancelled',
      'PartnerMessagesRefused',
    ]);
    expect(onDemand).toEqual(direct);
  });

  it('on demand, a metrics module that cannot be loaded costs the count, not the answer: logged without the order', async () => {
    const lost = Object.assign(new Error('Cannot find module lazy/adapters/metrics.mjs'), {
      name: 'ModuleNotFound',
    });
    const failing = metricsOnDemand(() => Promise.reject(lost));
    const partner = { issuer: 'BankIdent-Demo', method: 'bank' };
    const logged = await captureLogs(async () => {
      await failing.lifecycleMetrics.statusReached(order([entry('initialized'), entry('failed')], partner));
      await failing.partnerMessageRefused('evidence', 'invalid-signature');
    });
    const lines = logRecords(logged);
    expect(
      lines.map(({ level, message, metric, errorName }) => ({ level, message, metric, errorName })),
    ).toEqual([
      { level: 'WARN', message: 'metric not counted', metric: 'statusReached', errorName: 'ModuleNotFound' },
      {
        level: 'WARN',
        message: 'metric not counted',
        metric: 'partnerMessageRefused',
        errorName: 'ModuleNotFound',
      },
    ]);
    expect(logged).not.toContain('Quaxwell');
    expect(logged).not.toContain('+41790007001');
  });

  it('counts an order that expired while the person chose as cancelled, kind expired, with no partner', async () => {
    const counted = await emitted(() =>
      lifecycleMetrics.statusReached(
        order([entry('created'), entry('cancelled', 'expired')], { issuer: null, method: null }),
      ),
    );

    expect(counted).toEqual([
      expect.objectContaining({
        name: 'IdentificationsCancelled',
        dimensions: {
          service: 'smart-registration',
          issuer: NO_PARTNER,
          method: NO_PARTNER,
          kind: 'expired',
        },
      }),
    ]);
  });

  it('writes the dimensions and the count only, never the order’s person data or refId', async () => {
    const counted = await emitted(() => {
      lifecycleMetrics.statusReached(
        order([entry('cancelled', 'user')], { issuer: 'Test-ISP', method: 'test' }),
      );
      identificationStarted({});
    });

    expect(counted.map((c) => c.keys)).toEqual([
      ['IdentificationsCancelled', '_aws', 'issuer', 'kind', 'method', 'service'],
      ['IdentificationsStarted', '_aws', 'issuer', 'method', 'service'],
    ]);
    expect(counted[1]?.dimensions).toEqual({
      service: 'smart-registration',
      issuer: NO_PARTNER,
      method: NO_PARTNER,
    });
  });

  it('writes each count on its own line with only its own dimensions, however the counts alternate', async () => {
    // One single-metric instance serves the container: no count may keep another's dimensions.
    const verifyAnswered = verifyAnswerMetrics(0);
    const counted = await emitted(() => {
      partnerMessageRefused('evidence', 'invalid-signature');
      verifyAnswered(true);
      identificationStarted({ issuer: 'Test-ISP', method: 'test' });
      verifyAnswered(false);
    });

    expect(counted.map(({ name, dimensions, value }) => ({ name, dimensions, value }))).toEqual([
      {
        name: 'PartnerMessagesRefused',
        dimensions: { service: 'smart-registration', kind: 'evidence', reason: 'invalid-signature' },
        value: 1,
      },
      { name: 'VerifyPositive', dimensions: { service: 'smart-registration' }, value: 1 },
      {
        name: 'IdentificationsStarted',
        dimensions: { service: 'smart-registration', issuer: 'Test-ISP', method: 'test' },
        value: 1,
      },
      { name: 'VerifyNegative', dimensions: { service: 'smart-registration' }, value: 1 },
    ]);
  });

  describe("verify's answers", () => {
    /** The answers at these offsets from now (ms), positive or not, through one instance's sums. */
    /** The start of the last minute: offsets up to 59 999 ms stay in one minute, whenever the test runs. */
    const lastMinute = () => Math.floor(Date.now() / 60_000) * 60_000 - 60_000;

    // t0 defaults to a minute's start: from Date.now(), a run that crossed a minute split a sum in two.
    async function answered(interval: number, answers: [number, boolean][], t0 = lastMinute()) {
      let at = t0;
      const verifyAnswered = verifyAnswerMetrics(interval, () => at);
      const written = await captureLogs(async () => {
        for (const [offset, positive] of answers) {
          at = t0 + offset;
          verifyAnswered(positive);
        }
      });
      return (logRecords(written) as EmfLine[]).map((l) => {
        const name = l._aws.CloudWatchMetrics[0].Metrics[0].Name;
        return { name, value: l[name], after: l._aws.Timestamp - t0 };
      });
    }

    it('on a busy instance are written as sums once per interval, stamped with when the sums began', async () => {
      const lines = await answered(1000, [
        [0, true],
        [100, true],
        [200, false],
        [300, true],
        [999, false],
        [1000, false],
      ]);
      expect(lines).toEqual([
        { name: 'VerifyPositive', value: 1, after: 0 },
        { name: 'VerifyPositive', value: 2, after: 100 },
        { name: 'VerifyNegative', value: 3, after: 100 },
      ]);
    });

    it('a sum never spans two minutes: answers of the next minute are not stamped into the last one', async () => {
      // t0 a minute boundary (in the past: CloudWatch takes stamps up to 14 days old).
      const t0 = lastMinute();
      const lines = await answered(
        1000,
        [
          [-600, true],
          [-300, true],
          [200, true],
          [500, false],
        ],
        t0,
      );
      expect(lines).toEqual([
        { name: 'VerifyPositive', value: 1, after: -600 },
        // Pending at the minute's end: its own line, in its own minute.
        { name: 'VerifyPositive', value: 1, after: -300 },
        { name: 'VerifyPositive', value: 1, after: 200 },
        { name: 'VerifyNegative', value: 1, after: 200 },
      ]);
    });

    it('further apart than the interval, each is written at once; sums left from a burst keep their own time', async () => {
      const lines = await answered(1000, [
        [0, true],
        [100, false],
        [60_000, true],
        [120_000, false],
      ]);
      expect(lines).toEqual([
        { name: 'VerifyPositive', value: 1, after: 0 },
        { name: 'VerifyNegative', value: 1, after: 100 },
        { name: 'VerifyPositive', value: 1, after: 60_000 },
        { name: 'VerifyNegative', value: 1, after: 120_000 },
      ]);
    });
  });
});
