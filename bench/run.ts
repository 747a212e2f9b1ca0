/**
 * `npm run bench` — every figure of docs/benchmarks.md in one run: prints the table with the goals
 * beside the figures and writes them to bench/results/latest.json.
 *
 *   npm run bench -- --n 50 --concurrency 10 --verify-calls 2000
 *
 * Options (defaults in brackets): --n [200] --concurrency [20] --verify-calls [6000]
 * --verify-concurrency [20] --verify-warmup [500] --verify-rounds [3] --verify-sample [1000]
 * --cold-samples [5] --functions a,b (cold start only for these) --no-cold-start
 * --budget-verify / --budget-lifecycle / --budget-cold-start seconds [75 / 120 / 75]
 * --out path [bench/results/latest.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchOptions, DEFAULT_OPTIONS, runBench } from './bench.js';
import { renderReport } from './report.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url));

export function optionsFromArgs(args: string[]): { options: BenchOptions; out: string } {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: 'string' },
      concurrency: { type: 'string' },
      'verify-calls': { type: 'string' },
      'verify-concurrency': { type: 'string' },
      'verify-warmup': { type: 'string' },
      'verify-rounds': { type: 'string' },
      'verify-sample': { type: 'string' },
      'cold-samples': { type: 'string' },
      functions: { type: 'string' },
      'no-cold-start': { type: 'boolean' },
      'budget-verify': { type: 'string' },
      'budget-lifecycle': { type: 'string' },
      'budget-cold-start': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const int = (name: keyof typeof values, fallback: number, min = 1): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${raw}`);
    return n;
  };
  const d = DEFAULT_OPTIONS;
  return {
    options: {
      ...d,
      n: int('n', d.n),
      concurrency: int('concurrency', d.concurrency),
      verifyCalls: int('verify-calls', d.verifyCalls),
      verifyConcurrency: int('verify-concurrency', d.verifyConcurrency),
      verifyWarmup: int('verify-warmup', d.verifyWarmup, 0),
      verifyRounds: int('verify-rounds', d.verifyRounds),
      verifySample: int('verify-sample', d.verifySample),
      coldSamples: int('cold-samples', d.coldSamples),
      functions:
        typeof values.functions === 'string' ? values.functions.split(',').filter(Boolean) : undefined,
      skipColdStart: values['no-cold-start'] === true,
      budget: {
        verify: int('budget-verify', d.budget.verify),
        lifecycle: int('budget-lifecycle', d.budget.lifecycle),
        coldStart: int('budget-cold-start', d.budget.coldStart),
      },
    },
    out: resolve(typeof values.out === 'string' ? values.out : DEFAULT_OUT),
  };
}

async function main(): Promise<void> {
  const { options, out } = optionsFromArgs(process.argv.slice(2));
  const results = await runBench({ ...options, log: (m) => console.error(`[bench] ${m}`) });
  console.log(renderReport(results));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nFigures written to ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`[bench] failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  });
}
