/**
 * What the functions write on the embedded stack, at DEBUG and with the business metrics on, over
 * one day's story: two identifications started, one completed, one cancelled by the person, a
 * positive and a negative verify, a partner message refused. Every line a function writes is JSON
 * with its Lambda context; the EMF lines count what happened, per partner and method; and no line
 * holds the person's data, the SP's access token, the order token or the terms link's secret.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  acceptTerms,
  evidenceFor,
  postJws,
  sendEvent,
  sendEvidence,
  termsLinkFromOutbox,
} from '../support/isp.js';
import { logRecords } from '../support/logs.js';
import { call, startOrder, tokenFor, useStack, verifyEventuallyPositive, waitFor } from '../support/stack.js';

const person = {
  firstName: 'Zebulon',
  lastName: 'Quaxwell',
  email: 'zebulon.quaxwell@example.org',
  dob: '1981-07-13',
};
const completed = '+41790007001';
const cancelled = '+41790007002';

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

describe('the functions’ log lines and metrics', () => {
  const written: string[] = [];
  const secrets: string[] = [];
  // Registered before the stack, so that it runs once the stack has closed.
  afterAll(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  // Every line the functions write from the start on, with the metrics' EMF lines switched on.
  const stack = useStack(() => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    // Every verify answer its own EMF line at once (a busy instance sums them: metrics.test.ts).
    return { logLevel: 'DEBUG', rateLimits: false, verifyCountFlushSeconds: 0 };
  });

  beforeAll(async () => {
    const token = await tokenFor(stack());
    secrets.push(token);

    const done = await startOrder(stack(), token, { ...person, mobile: completed });
    const gone = await startOrder(stack(), token, { ...person, mobile: cancelled });
    secrets.push(new URL(done.targetURL).searchParams.get('token') ?? done.targetURL);
    const evidence = evidenceFor(
      { mobile: completed, method: 'test' },
      { givenName: person.firstName, familyName: person.lastName, birthdate: person.dob },
    );
    expect((await sendEvidence(stack(), done.refId, evidence)).status).toBe(200);
    const link = await waitFor(
      async () => termsLinkFromOutbox(stack(), completed),
      (l) => l !== undefined,
    );
    secrets.push((link as string).slice((link as string).lastIndexOf('/') + 1));
    expect((await acceptTerms(link as string)).status).toBe(200);
    await verifyEventuallyPositive(stack(), completed, `gn=${person.firstName}, sn=${person.lastName}, c=CH`);
    const negative = await call(stack(), 'POST', '/api/verify', {
      json: {
        msisdn: '41790007999',
        claimedIdentity: 'test-client',
        assuranceLevel: 3,
        distinguishedName: 'cn=x',
      },
    });
    expect(negative.status).toBe(404);
    expect((await sendEvent(stack(), gone.refId, 'cancelled', { kind: 'user' })).status).toBe(200);
    expect((await postJws(stack(), '/isp/v1/events', 'not.a.jws')).status).toBeGreaterThanOrEqual(400);
    await stack().stepFunctions.settled(done.refId);
    await stack().stepFunctions.settled(gone.refId);
  });

  const lines = () => logRecords(written.join(''), { jsonOnly: true });
  const metrics = () =>
    lines()
      .filter((l): l is Emf => '_aws' in l)
      .flatMap((l) =>
        l._aws.CloudWatchMetrics.flatMap((m) =>
          m.Metrics.map((metric) => ({
            name: metric.Name,
            namespace: m.Namespace,
            dimensions: Object.fromEntries((m.Dimensions[0] ?? []).map((d) => [d, l[d]])),
            value: l[metric.Name],
          })),
        ),
      );

  it('writes no person data, no access token, no order token and no terms link secret, at DEBUG', () => {
    const all = written.join('');
    expect(lines().length).toBeGreaterThan(20);
    for (const value of [...Object.values(person), '790007001', '790007002', ...secrets]) {
      expect(all, value.slice(0, 12)).not.toContain(value);
    }
  });

  it('writes every function line as JSON with the Lambda context; API lines with the correlation id, task lines with the refId', () => {
    const logs = lines().filter((l) => 'level' in l);
    const api = logs.filter(
      (l) => l.function_name === 'verify' || l.function_name === 'identification-start',
    );
    const tasks = logs.filter((l) => String(l.function_name).startsWith('task-'));

    expect(api.length).toBeGreaterThan(0);
    expect(tasks.length).toBeGreaterThan(0);
    for (const l of logs) {
      expect(l).toMatchObject({
        service: 'smart-registration',
        function_arn: expect.stringContaining(':function:'),
      });
    }
    for (const l of api) expect(l.correlation_id, JSON.stringify(l)).toEqual(expect.any(String));
    for (const l of tasks) expect(l.refId).toEqual(expect.any(String));
  });

  it('counts starts, the completion, the cancellation by kind, verify answers and the refused message as EMF metrics', () => {
    const counted = metrics();
    const of = (name: string) => counted.filter((m) => m.name === name);
    const partner = { issuer: 'Test-ISP', method: 'test' };

    expect(new Set(counted.map((m) => m.namespace))).toEqual(new Set(['SmartRegistration/local']));
    expect(of('IdentificationsStarted')).toEqual([
      {
        name: 'IdentificationsStarted',
        namespace: 'SmartRegistration/local',
        dimensions: { service: 'smart-registration', ...partner },
        value: 1,
      },
      {
        name: 'IdentificationsStarted',
        namespace: 'SmartRegistration/local',
        dimensions: { service: 'smart-registration', ...partner },
        value: 1,
      },
    ]);
    expect(of('IdentificationsCompleted').map((m) => m.dimensions)).toEqual([
      { service: 'smart-registration', ...partner },
    ]);
    expect(of('IdentificationsCancelled').map((m) => m.dimensions)).toEqual([
      { service: 'smart-registration', ...partner, kind: 'user' },
    ]);
    expect(of('VerifyPositive').length).toBeGreaterThanOrEqual(1);
    expect(of('VerifyNegative').length).toBeGreaterThanOrEqual(1);
    expect(of('PartnerMessagesRefused').map((m) => m.dimensions)).toEqual([
      { service: 'smart-registration', kind: 'event', reason: expect.any(String) },
    ]);
  });
});
