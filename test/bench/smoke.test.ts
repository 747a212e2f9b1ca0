/**
 * The benchmark runs end to end with tiny numbers and yields figures of the documented shape.
 * No timing is asserted: the figures depend on the machine (docs/benchmarks.md has the real run).
 */
import { describe, expect, it } from 'vitest';
import { type BenchResults, DEFAULT_OPTIONS, runBench } from '../../bench/bench.js';
import { renderReport } from '../../bench/report.js';
import { OPTION_NAMES, optionsFromArgs, USAGE } from '../../bench/run.js';

const throughput = {
  rps: expect.any(Number),
  failed: 0,
  cpuMsPerCall: expect.any(Number),
  count: expect.any(Number),
  p50Ms: expect.any(Number),
  p99Ms: expect.any(Number),
  meanMs: expect.any(Number),
  maxMs: expect.any(Number),
};

describe('npm run bench', () => {
  it('reads its flags, with the documented defaults for those not given', () => {
    // Act
    const { options } = optionsFromArgs(['--n', '50', '--concurrency', '10', '--verify-calls', '2000']);

    // Assess
    expect(options).toMatchObject({ n: 50, concurrency: 10, verifyCalls: 2000, coldSamples: 6 });
    expect(DEFAULT_OPTIONS).toMatchObject({ n: 200, concurrency: 20 });
    expect(() => optionsFromArgs(['--n', '0'])).toThrow(/--n must be an integer/);
    // More pairs only for the undecided functions: none unless asked, never fewer than every function's.
    expect(options).toMatchObject({ coldSamplesMax: 6 });
    const adaptive = optionsFromArgs(['--cold-samples', '15', '--cold-samples-max', '45']);
    expect(adaptive.options).toMatchObject({ coldSamples: 15, coldSamplesMax: 45 });
    expect(() => optionsFromArgs(['--cold-samples', '15', '--cold-samples-max', '10'])).toThrow(
      '--cold-samples-max must be at least --cold-samples (15), not 10',
    );
  });

  it('lists every option it reads in --help, and refuses an unknown one', () => {
    for (const flag of OPTION_NAMES) expect(USAGE, flag).toContain(`--${flag}`);
    expect(OPTION_NAMES).toContain('cold-samples');
    expect(() => optionsFromArgs(['--colds-samples', '3'])).toThrow(/Unknown option '--colds-samples'/);
  });

  it('measures every figure with tiny numbers, losing and duplicating no order', async () => {
    // Act
    const results: BenchResults = await runBench({
      ...DEFAULT_OPTIONS,
      n: 3,
      concurrency: 2,
      verifyCalls: 50,
      verifyConcurrency: 5,
      verifyWarmup: 10,
      verifyRounds: 1,
      verifySample: 10,
      coldSamples: 1,
      functions: ['verify', 'isp-jwks'],
    });

    // Assess
    expect(results.verifyOverhead).toMatchObject({
      calls: 50,
      getItem: throughput,
      verify: throughput,
      inProcess: throughput,
      transport: throughput,
      ratio: expect.any(Number),
      ratioInProcess: expect.any(Number),
      cpuRatioInProcess: expect.any(Number),
      roundCpuRatiosInProcess: [expect.any(Number)],
    });
    const l = results.lifecycle;
    expect(l.table).toEqual({ orders: 3, completed: 3, lost: 0, duplicated: 0, registrations: 3 });
    expect(l).toMatchObject({ attempted: 3, driverCompleted: 3, driverFailed: 0, smsSent: 3 });
    expect(l.executions.succeeded).toBe(3);
    expect(l.executions.stateTransitions).toBeGreaterThan(0);
    // The counts behind the cost model, as CloudWatch would report them
    expect(Object.keys(l.metrics.functions)).toEqual(
      expect.arrayContaining(['identification-start', 'isp-callback', 'task-register-person', 'verify']),
    );
    expect(l.metrics.functions['identification-start']?.invocations).toBe(3);
    expect(l.metrics.apiRequests['POST /api/identifications']?.requests).toBe(3);
    expect(l.metrics.dynamoTotal.writeUnits).toBeGreaterThan(0);
    expect(l.metrics.functions['task-send-terms-sms']?.serviceCalls.SNS).toBe(3);
    expect(l.verifySample.metrics.functions.verify?.dynamo.readUnits).toBeGreaterThan(0);

    expect(results.coldStart?.functions.map((f) => f.name)).toEqual(['verify', 'isp-jwks']);
    for (const f of results.coldStart?.functions ?? []) {
      expect(f.error).toBeUndefined();
      expect(f).toMatchObject({ bundleKb: expect.any(Number), readyMs: expect.any(Number), samples: 1 });
      expect(f.topInputs).toHaveLength(5);
    }
    // Each function against the bare handler with the same AWS clients, read from the bundles.
    const dynamoDb = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];
    expect(results.coldStart?.floors.map((f) => [f.name, f.clients])).toEqual([
      ['floor:empty', []],
      ['floor:dynamodb', dynamoDb],
      ['floor:dynamodb-sfn', ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sfn', '@aws-sdk/lib-dynamodb']],
      ['floor:dynamodb-sns', ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sns', '@aws-sdk/lib-dynamodb']],
      ['floor:dynamodb-sqs', ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb']],
    ]);
    expect(results.coldStart?.functions.map((f) => [f.name, f.clients, f.floor])).toEqual([
      ['verify', dynamoDb, 'floor:dynamodb'],
      ['isp-jwks', [], 'floor:empty'],
    ]);
    for (const f of results.coldStart?.functions ?? []) {
      expect(f.importRatioToFloor).toBeGreaterThan(0);
      expect(f.readyRatioToFloor).toBeGreaterThan(0);
      expect(f.readyCpuRatioToFloor).toBeGreaterThan(0);
      // The empty floor's import CPU can read 0 ms (the clock's granularity): then no ratio, and why.
      const floorImportCpu = f.pairedSamples?.floor[0]?.importCpuMs;
      if (floorImportCpu === 0) {
        expect(f.importCpuRatioToFloor).toBeUndefined();
        expect(f.intervals?.importCpuMs).toMatchObject({ ratio: null, verdict: 'not measurable' });
      } else expect(f.importCpuRatioToFloor).toBeGreaterThan(0);
      // One pair per function: the ratio, but too few pairs for an interval or a verdict.
      expect(f.pairedSamples?.own).toHaveLength(1);
      expect(f.intervals?.readyMs).toEqual({
        ratio: f.readyRatioToFloor,
        low: null,
        high: null,
        verdict: 'undecided',
        reason: '1 pair: a 95 % interval needs at least 6',
      });
    }
    expect(results.coldStart?.intervals).toMatchObject({ goal: 1.2, confidence: 0.95, seed: 1 });
    expect(renderReport(results)).toContain('By import CPU, with clients: 0 under, 1 undecided (verify ');
    expect(results.coldStart?.smallestWithDynamoDb).toBe('verify');
    // The edge reference (not a floor): the function without clients is also measured against it.
    const edge = results.coldStart?.edge;
    expect(edge).toMatchObject({ name: 'reference:edge', clients: [], samples: 1 });
    expect(edge?.topPackages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@aws-lambda-powertools/logger', '@middy/core']),
    );
    const ispJwks = results.coldStart?.functions.find((f) => f.name === 'isp-jwks');
    expect(ispJwks?.floor).toBe('floor:empty');
    expect(ispJwks?.edge?.readyRatio).toBeGreaterThan(0);
    expect(ispJwks?.edge?.importCpuRatio).toBeGreaterThan(0);
    expect(ispJwks?.edge?.readyCpuRatio).toBeGreaterThan(0);
    expect(results.coldStart?.functions.find((f) => f.name === 'verify')?.edge).toBeUndefined();
    expect(renderReport(results)).toContain(
      `isp-jwks init ${ispJwks?.edge?.readyRatio}× (${ispJwks?.readyMs} / ${ispJwks?.edge?.readyMs} ms)`,
    );

    // The functions' log lines are counted — per verify call its INFO line, and the answers'
    // business metrics as sums, at most two EMF lines a second (ADR 0029) — and priced with X-Ray.
    const verifyFigures = l.verifySample.metrics.functions.verify;
    const invocations = verifyFigures?.invocations ?? 0;
    expect(invocations).toBeGreaterThan(0);
    expect(verifyFigures?.logEvents).toBeGreaterThanOrEqual(invocations);
    // Fewer than an EMF line per call: the sample's calls come within a second or two, not one a second.
    expect(verifyFigures?.logEvents).toBeLessThan(2 * invocations);
    expect(verifyFigures?.logBytes).toBeGreaterThan(0);
    const items = (lines: { item: string }[]) => lines.map((line) => line.item.split(' (')[0]);
    expect(items(results.cost.perMillionVerify.lines)).toEqual(
      expect.arrayContaining([
        'CloudWatch Logs: the functions’ lines',
        'CloudWatch Logs: Lambda platform lines',
        'CloudWatch Logs: API Gateway access and execution logs',
        'X-Ray traces recorded',
      ]),
    );
    expect(items(results.cost.perIdentification.lines)).toContain(
      'CloudWatch Logs: Step Functions execution events',
    );
    expect(results.cost.perIdentification.totalModelled).toBeGreaterThan(0);
    expect(results.cost.perMillionVerify.totalModelled).toBeGreaterThan(0);
    expect(results.cost.smsPerIdentification.quantity).toBe(1);
    expect(results.memory.peakRssMb).toBeGreaterThan(0);
    expect(results.goals.find((g) => g.figure.includes('lost'))?.status).toBe('PASS');
    expect(renderReport(results)).toContain(
      '1 verify without the HTTP transport (gateway entry in process) / GetItem',
    );
    // verify's cold start with its first invocation, against its floor's
    const verifyCold = results.coldStart?.functions.find((f) => f.name === 'verify');
    expect(verifyCold?.coldRatioToFloor).toBeGreaterThan(0);
    expect(renderReport(results)).toContain(
      `Cold start with its first invocation (init + first call, every AWS call answered by a stub endpoint): verify ${verifyCold?.readyMs} + ${verifyCold?.firstCallMs} ms`,
    );
  }, 180_000);
});
