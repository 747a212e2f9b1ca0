/**
 * The benchmark in one run: verify overhead, lifecycle throughput (with the counts for the cost
 * model and the memory figure), cold-start footprint, cost per identification. `bench/run.ts` is
 * the command line; the smoke test calls `runBench` with tiny numbers.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { type LocalStack, startLocalStack } from '../local/stack.js';
import { type ColdStartFigures, measureColdStarts } from './cold-start.js';
import { type CostFigures, costModel, loadPrices } from './cost.js';
import { type LifecycleFigures, runLifecycle } from './lifecycle.js';
import { LocalMetrics } from './metrics.js';
import { type Goal, goalsOf } from './report.js';
import { round } from './stats.js';
import { measureVerifyOverhead, type VerifyOverheadFigures } from './verify-overhead.js';

export interface BenchOptions {
  /** Identifications in the lifecycle run. */
  n: number;
  /** Identifications in flight at once. */
  concurrency: number;
  /** Measured calls of each path (GetItem, verify over HTTP and in process, transport) in the verify-overhead run. */
  verifyCalls: number;
  verifyConcurrency: number;
  verifyWarmup: number;
  verifyRounds: number;
  /** Verify calls measured on their own after the lifecycle run (prices verify per million). */
  verifySample: number;
  /** Fresh processes per function for the init time. */
  coldSamples: number;
  /**
   * Up to how many fresh processes a function gets whose ratio to its floor is still undecided
   * against the goal after coldSamples (in rounds of coldSamples); default coldSamples: none added.
   */
  coldSamplesMax?: number | undefined;
  /** Only these functions in the cold-start figures (default: every deployed function). */
  functions?: string[] | undefined;
  /** Time budgets per part, seconds: no new work starts after a part's budget. */
  budget: { verify: number; lifecycle: number; coldStart: number };
  /** Longest wait for one lifecycle step, ms. */
  stepTimeoutMs: number;
  skipColdStart?: boolean;
  log?: (message: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  n: 200,
  concurrency: 20,
  verifyCalls: 6000,
  verifyConcurrency: 20,
  verifyWarmup: 500,
  verifyRounds: 3,
  verifySample: 1000,
  coldSamples: 6,
  budget: { verify: 75, lifecycle: 120, coldStart: 75 },
  stepTimeoutMs: 30_000,
};

export interface BenchResults {
  meta: {
    startedAt: string;
    durationSeconds: number;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    /** 1-minute load average before and after: other work on the machine skews the figures. */
    loadAverage: { before: number; after: number };
    options: Omit<BenchOptions, 'log'>;
  };
  verifyOverhead: VerifyOverheadFigures;
  lifecycle: LifecycleFigures;
  coldStart: ColdStartFigures | null;
  cost: CostFigures;
  memory: LifecycleFigures['memory'];
  goals: Goal[];
}

/**
 * The stack the benchmark measures: configuration cached 60 s as in AWS, rate limits off, the
 * functions logging at the prod stage's level with the business metrics' EMF lines as in AWS;
 * their lines are counted (CloudWatch Logs ingests both), not shown. `releaseLogs` after closing it.
 */
export async function startBenchStack(): Promise<{
  stack: LocalStack;
  metrics: LocalMetrics;
  releaseLogs: () => void;
}> {
  const metrics = new LocalMetrics({ recording: false });
  const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const captured = metrics.captureFunctionLogs();
  const releaseLogs = () => {
    captured();
    if (metricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
  };
  const stack = await startLocalStack({
    port: 0,
    rateLimits: false,
    logLevel: 'INFO',
    configCacheSeconds: 60,
    metrics,
  }).catch((err: unknown) => {
    releaseLogs();
    throw err;
  });
  return { stack, metrics, releaseLogs };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;

  log(
    'starting the local stack (configuration cached 60 s, as in AWS; rate limits off; logs at INFO, counted)',
  );
  const { stack, metrics, releaseLogs } = await startBenchStack();
  let verifyOverhead: VerifyOverheadFigures;
  let lifecycle: LifecycleFigures;
  try {
    log(
      `1/3 verify overhead: ${options.verifyCalls} calls each of GetItem, verify over HTTP, verify in process and the bare HTTP round trip, ${options.verifyConcurrency} at a time`,
    );
    verifyOverhead = await measureVerifyOverhead(stack, {
      calls: options.verifyCalls,
      concurrency: options.verifyConcurrency,
      warmup: options.verifyWarmup,
      rounds: options.verifyRounds,
      deadline: Date.now() + options.budget.verify * 1000,
    });
    log(`2/3 lifecycle: ${options.n} identifications, ${options.concurrency} at a time`);
    lifecycle = await runLifecycle(stack, metrics, {
      n: options.n,
      concurrency: options.concurrency,
      deadline: Date.now() + options.budget.lifecycle * 1000,
      stepTimeoutMs: options.stepTimeoutMs,
      verifySample: options.verifySample,
    });
  } finally {
    await stack.close();
    releaseLogs();
  }

  let coldStart: ColdStartFigures | null = null;
  if (!options.skipColdStart) {
    log(
      `3/3 cold start: bundling each function and starting ${options.coldSamples} fresh processes for each${
        (options.coldSamplesMax ?? 0) > options.coldSamples
          ? `, up to ${options.coldSamplesMax} for a function still undecided against the goal`
          : ''
      }`,
    );
    coldStart = await measureColdStarts({
      functions: options.functions,
      samples: options.coldSamples,
      maxSamples: options.coldSamplesMax,
      deadline: Date.now() + options.budget.coldStart * 1000,
    });
  }

  const cost = costModel(lifecycle, loadPrices());
  const durationSeconds = round((Date.now() - started) / 1000, 1);
  const { log: _log, ...recorded } = options;
  const results: Omit<BenchResults, 'goals'> = {
    meta: {
      startedAt: new Date(started).toISOString(),
      durationSeconds,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '',
      memoryGb: round(totalmem() / 1024 ** 3, 1),
      loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? 0, 2) },
      options: recorded,
    },
    verifyOverhead,
    lifecycle,
    coldStart,
    cost,
    memory: lifecycle.memory,
  };
  return { ...results, goals: goalsOf(results) };
}
