/**
 * `npm run bench` — every figure of docs/benchmarks.md in one run: prints the table with the goals
 * beside the figures and writes them to bench/results/latest.json. `npm run bench -- --help` lists
 * the options (USAGE below); with `--faults <rate>` it runs the fault run instead (bench/fault-run.ts,
 * docs/benchmarks.md §6).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchOptions, DEFAULT_OPTIONS, runBench } from './bench.js';
import { DEFAULT_FAULT_RUN, type FaultRunOptions, runFaultRun } from './fault-run.js';
import { renderFaultReport, renderReport } from './report.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const DEFAULT_FAULTS_OUT = fileURLToPath(new URL('./results/faults.json', import.meta.url));

export const USAGE = `npm run bench -- [options]      every figure of docs/benchmarks.md
npm run bench -- --faults <rate> [options]      the fault run instead (docs/benchmarks.md §6)

Options (defaults in brackets):
  --n [200; fault run 1000]            identifications in the lifecycle run
  --concurrency [20]                   identifications in flight at once
  --verify-calls [6000]                measured calls of each verify-overhead path
  --verify-concurrency [20]            verify calls in flight at once
  --verify-warmup [500]                warm-up calls of each path
  --verify-rounds [3]                  alternating rounds of the paths
  --verify-sample [1000]               verify calls measured alone after the lifecycle run
  --cold-samples [6]                   fresh processes per function (pairs: floor, function)
  --cold-samples-max [--cold-samples]  up to this many for a function whose ratio to its floor is
                                       still undecided against 1.2× (more pairs, --cold-samples at a time)
  --functions a,b                      cold start only for these functions
  --no-cold-start                      skip the cold-start figure
  --budget-verify / --budget-lifecycle / --budget-cold-start [75 / 120 / 75 s]
                                       no new work starts in a part after its budget
  --out path [bench/results/latest.json; fault run bench/results/faults.json]
  --faults rate                        fault rate from 0 to 1: run the fault run
  --restart-after [n/2; 0: none]       fault run: SIGKILL the stack after this many starts
  --seed [random]                      fault run: the fault schedule's seed
  --help                               this text`;

export type RunRequest =
  | { kind: 'bench'; options: BenchOptions; out: string }
  | { kind: 'faults'; options: FaultRunOptions; out: string };

const OPTIONS = {
  n: { type: 'string' },
  concurrency: { type: 'string' },
  'verify-calls': { type: 'string' },
  'verify-concurrency': { type: 'string' },
  'verify-warmup': { type: 'string' },
  'verify-rounds': { type: 'string' },
  'verify-sample': { type: 'string' },
  'cold-samples': { type: 'string' },
  'cold-samples-max': { type: 'string' },
  functions: { type: 'string' },
  'no-cold-start': { type: 'boolean' },
  'budget-verify': { type: 'string' },
  'budget-lifecycle': { type: 'string' },
  'budget-cold-start': { type: 'string' },
  out: { type: 'string' },
  faults: { type: 'string' },
  'restart-after': { type: 'string' },
  seed: { type: 'string' },
} as const;

/** Every option `npm run bench` reads (USAGE lists each). */
export const OPTION_NAMES = Object.keys(OPTIONS);

export function optionsFromArgs(args: string[]): RunRequest {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const int = (name: keyof typeof values, fallback: number, min = 1): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${raw}`);
    return n;
  };
  const out = (fallback: string) => resolve(typeof values.out === 'string' ? values.out : fallback);
  if (values.faults !== undefined) {
    const rate = Number(values.faults);
    if (!(rate >= 0 && rate <= 1))
      throw new Error(`--faults must be a rate from 0 to 1, not ${values.faults}`);
    const n = int('n', DEFAULT_FAULT_RUN.n);
    return {
      kind: 'faults',
      options: {
        ...DEFAULT_FAULT_RUN,
        rate,
        n,
        concurrency: int('concurrency', DEFAULT_FAULT_RUN.concurrency),
        restartAfter: int('restart-after', Math.floor(n / 2), 0),
        seed: int('seed', Math.floor(Math.random() * 2 ** 31), 0),
      },
      out: out(DEFAULT_FAULTS_OUT),
    };
  }
  const d = DEFAULT_OPTIONS;
  const coldSamples = int('cold-samples', d.coldSamples);
  const coldSamplesMax = int('cold-samples-max', coldSamples);
  if (coldSamplesMax < coldSamples)
    throw new Error(
      `--cold-samples-max must be at least --cold-samples (${coldSamples}), not ${coldSamplesMax}`,
    );
  return {
    kind: 'bench',
    options: {
      ...d,
      n: int('n', d.n),
      concurrency: int('concurrency', d.concurrency),
      verifyCalls: int('verify-calls', d.verifyCalls),
      verifyConcurrency: int('verify-concurrency', d.verifyConcurrency),
      verifyWarmup: int('verify-warmup', d.verifyWarmup, 0),
      verifyRounds: int('verify-rounds', d.verifyRounds),
      verifySample: int('verify-sample', d.verifySample),
      coldSamples,
      coldSamplesMax,
      functions:
        typeof values.functions === 'string' ? values.functions.split(',').filter(Boolean) : undefined,
      skipColdStart: values['no-cold-start'] === true,
      budget: {
        verify: int('budget-verify', d.budget.verify),
        lifecycle: int('budget-lifecycle', d.budget.lifecycle),
        coldStart: int('budget-cold-start', d.budget.coldStart),
      },
    },
    out: out(DEFAULT_OUT),
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  let request: RunRequest;
  try {
    request = optionsFromArgs(process.argv.slice(2));
  } catch (err) {
    // A mistyped option is the caller's: say which, and how to list them, without a stack.
    console.error(`[bench] ${(err as Error).message}\nnpm run bench -- --help lists the options.`);
    process.exitCode = 2;
    return;
  }
  const log = (m: string) => console.error(`[bench] ${m}`);
  const write = (results: unknown) => {
    mkdirSync(dirname(request.out), { recursive: true });
    writeFileSync(request.out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nFigures written to ${request.out}`);
  };
  if (request.kind === 'faults') {
    const figures = await runFaultRun({ ...request.options, log });
    console.log(renderFaultReport(figures));
    write(figures);
    if (figures.invariants.some((i) => !i.ok)) process.exitCode = 1;
    return;
  }
  const results = await runBench({ ...request.options, log });
  console.log(renderReport(results));
  write(results);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`[bench] failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  });
}
