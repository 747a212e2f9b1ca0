/**
 * The cold-start benchmark imports each function's bundle in a fresh process with the environment
 * a deployed function has. A function whose variables the benchmark does not set fails its cold
 * start (lambdas/adapters/env.ts), so its figures would be missing from `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import {
  deployedFunctions,
  measureColdStarts,
  type SampleFigures,
  stubItems,
} from '../../bench/cold-start.js';
import { ratioInterval } from '../../bench/ratio-interval.js';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';

describe('cold-start benchmark environment', () => {
  it('measures the functions fed by an event source with the route and task functions', () => {
    expect(deployedFunctions()).toEqual(
      expect.arrayContaining([
        'verify',
        'task-register-person',
        'webhooks',
        'webhook-fanout',
        'webhook-deliver',
      ]),
    );
  });

  it('imports the webhook functions, which need the delivery queue variables, against the SQS floor', async () => {
    const figures = await measureColdStarts({
      functions: ['webhook-fanout', 'webhook-deliver'],
      samples: 1,
      deadline: Date.now() + 300_000,
    });
    expect(figures.functions.map((f) => [f.name, f.error, f.floor])).toEqual([
      ['webhook-fanout', undefined, 'floor:dynamodb-sqs'],
      ['webhook-deliver', undefined, 'floor:dynamodb-sqs'],
    ]);
    for (const f of figures.functions) expect(f.importMs).toBeGreaterThan(0);
  }, 300_000);

  it('times verify’s first invocation after its import, and its floor’s, against the stub endpoint', async () => {
    const figures = await measureColdStarts({
      functions: ['verify'],
      samples: 1,
      deadline: Date.now() + 300_000,
    });
    const verify = figures.functions[0];
    expect(verify?.error).toBeUndefined();
    expect(verify?.firstCallMs).toBeGreaterThan(0);
    expect(verify?.coldMs).toBeCloseTo((verify?.readyMs ?? 0) + (verify?.firstCallMs ?? 0), 0);
    expect(verify?.floor).toBe('floor:dynamodb');
    expect(verify?.floorMs?.firstCallMs).toBeGreaterThan(0);
    expect(verify?.coldRatioToFloor).toBeGreaterThan(0);
  }, 300_000);

  it('times the start call’s first invocation: a whole start with the bench partner (its order token signed, the order written, the lifecycle started, 201), against the Step Functions floor', async () => {
    const figures = await measureColdStarts({
      functions: ['identification-start'],
      samples: 1,
      deadline: Date.now() + 300_000,
    });
    const start = figures.functions[0];
    expect([start?.error, start?.firstCallStatuses, start?.floor]).toEqual([
      undefined,
      [201],
      'floor:dynamodb-sfn',
    ]);
    expect(start?.floorMs?.firstCallMs).toBeGreaterThan(0);
    expect(start?.coldRatioToFloor).toBeGreaterThan(0);
  }, 300_000);

  it('gives no figure for a first call that answers another status than its path’s: the start call without its SP’s setup at the stub (403)', async () => {
    const withoutSetup = stubItems().filter((item) => item.PK !== keys.spSetup('bench-sp').PK);
    const figures = await measureColdStarts({
      functions: ['identification-start'],
      samples: 1,
      deadline: Date.now() + 300_000,
      stubItems: withoutSetup,
    });
    const start = figures.functions[0];

    expect(start?.error).toMatch(/^Error: the first call answered 403, not 201: .*no service provider setup/);
    expect([start?.readyMs, start?.firstCallMs, start?.coldRatioToFloor]).toEqual([0, undefined, undefined]);
  }, 300_000);

  it('times the first requests that load zod since the two-step rules: the terms acceptance and the portal’s signer form', async () => {
    const figures = await measureColdStarts({
      functions: ['terms-page', 'demo-portal'],
      samples: 1,
      deadline: Date.now() + 300_000,
    });
    const [terms, portal] = figures.functions;

    // The acceptance passed its form's schema, used the terms link the stub holds, recorded the
    // acceptance on the order and completed its task token (200, the thank-you page), against its floor; the signer form passed its schema and the stub's verify answered
    // positive (303 to the ready page), against the empty handler and the edge.
    expect([terms?.error, terms?.firstCallStatuses, terms?.floor]).toEqual([
      undefined,
      [200],
      'floor:dynamodb-sfn',
    ]);
    expect(terms?.floorMs?.firstCallMs).toBeGreaterThan(0);
    expect(terms?.coldRatioToFloor).toBeGreaterThan(0);
    expect([portal?.error, portal?.firstCallStatuses, portal?.floor]).toEqual([
      undefined,
      [303],
      'floor:empty',
    ]);
    expect(portal?.coldRatioToFloor).toBeGreaterThan(0);
    expect(portal?.edge?.firstCallMs).toBeGreaterThan(0);
    expect(portal?.edge?.coldRatio).toBeGreaterThan(0);
  }, 300_000);

  it('measures verify, identification-start and their floors as deployed and with --enable-source-maps, in processes that really ran so, and the functions’ mapped stacks', async () => {
    const figures = await measureColdStarts({
      functions: ['verify', 'identification-start', 'webhook-deliver'],
      samples: 2,
      deadline: Date.now() + 300_000,
    });
    const costs = figures.sourceMaps ?? [];

    // Only the two functions of the line and their floors, each floor once.
    expect(costs.map((c) => [c.name, c.error, c.samples, c.floor])).toEqual([
      ['floor:dynamodb', undefined, 2, undefined],
      ['verify', undefined, 2, 'floor:dynamodb'],
      ['floor:dynamodb-sfn', undefined, 2, undefined],
      ['identification-start', undefined, 2, 'floor:dynamodb-sfn'],
    ]);
    for (const cost of costs) {
      // Each pair: a process as deployed (no flag) and one with it, as the probe itself reported.
      expect(cost.sourceMapsEnabled).toEqual([
        [false, true],
        [false, true],
      ]);
      // The floors are bundled as the functions are: each has its map for the flag to read.
      expect(cost.mapKb).toBeGreaterThan(0);
      for (const side of [cost.without, cost.with]) {
        expect(side.importMs).toBeGreaterThan(0);
        expect(side.readyMs).toBeGreaterThan(side.importMs);
        expect(side.importCpuMs).toBeGreaterThan(0);
      }
      expect(cost.ratio.importMs).toBeGreaterThan(0);
    }
    for (const name of ['verify', 'identification-start']) {
      const cost = costs.find((c) => c.name === name);
      expect(cost?.withRatioToFloor?.importCpuMs).toBeGreaterThan(0);
      // Three failing requests per process, each 500 log's stack named TypeScript files both ways;
      // the first one as deployed read and parsed the map.
      expect(cost?.stacksMapped).toBe(true);
      expect(cost?.stackCpuMs?.deployed).toHaveLength(3);
      expect(cost?.stackCpuMs?.withFlag).toHaveLength(3);
      expect(cost?.stackCpuMs?.deployed[0]).toBeGreaterThan(0);
    }
    // A floor has no edge and fails no request.
    expect(costs.find((c) => c.name === 'floor:dynamodb')?.stackCpuMs).toBeUndefined();
  }, 300_000);

  it('gives a function still undecided after its pairs more of them, up to the cap; its intervals come again from the samples it records', async () => {
    const figures = await measureColdStarts({
      functions: ['task-record-failure'],
      samples: 6,
      maxSamples: 12,
      deadline: Date.now() + 300_000,
    });
    const f = figures.functions[0];
    expect([f?.error, f?.floor]).toEqual([undefined, 'floor:dynamodb']);
    expect(figures).toMatchObject({ samples: 6, maxSamples: 12, intervals: { seed: 1, resamples: 4000 } });
    const own = f?.pairedSamples?.own ?? [];
    const floor = f?.pairedSamples?.floor ?? [];
    expect(floor).toHaveLength(own.length);
    expect(f?.samples).toBe(own.length);

    const of = (samples: SampleFigures[], figure: keyof SampleFigures) => samples.map((s) => s[figure]);
    // Reproducible: the recorded pairs and the run's seed give each interval again.
    for (const figure of ['importMs', 'importCpuMs', 'readyMs', 'readyCpuMs'] as const)
      expect(ratioInterval(of(own, figure), of(floor, figure), 1.2), figure).toEqual(f?.intervals?.[figure]);
    // The goal reads the import (a function with clients): its point ratio and verdict.
    expect(f?.floorRatio).toBe(f?.intervals?.importMs.ratio);
    expect(f?.floorVerdict).toBe(f?.intervals?.importMs.verdict);
    // After the first 6 pairs the import was undecided (6 more pairs followed) or decided (none did).
    const afterSix = ratioInterval(of(own.slice(0, 6), 'importMs'), of(floor.slice(0, 6), 'importMs'), 1.2);
    expect(own).toHaveLength(afterSix.verdict === 'undecided' ? 12 : 6);
  }, 300_000);
});
