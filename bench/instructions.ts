/**
 * Import cost in instructions: what a function's cold start costs, counted rather than timed, so
 * that it does not depend on what else the machine runs (docs/benchmarks.md §3, "Instructions
 * instead of milliseconds"). Each bundle is built as deployed (lib/bundling.ts `bundleFunction`);
 * `valgrind --tool=callgrind --separate-threads=yes` counts the instructions of a fresh `node`
 * importing it in its function's environment (bench/cold-start.ts `lambdaEnvironment`, as the
 * cold-start figure does), the same for the function's floor (the bare handler with the same AWS
 * clients) and for the empty bundle (Node's own start). The figure is the main thread's, the one
 * the import's wall clock waits for: loading `node:https` (every AWS client does) starts a thread
 * that parses Node's bundled root certificates, 40–90 M instructions beside the import, in floors
 * and functions alike, and as many as it got through before the process ended (the ninth round,
 * §3); counting it made every function's ratio read about 0.03 lower than its wall clock. Two
 * parts of the main thread's count are left out too: V8's hash seed, a search for random primes
 * before any script runs (`detail::sprp`, ±4 M instructions from one process to the next), and the
 * garbage collector's work, whose moment and share between the main thread and its helpers depend
 * on the heap's timing. What is left repeats within about 1 M; the ratio to the floor is
 * (function − Node's start) / (floor − Node's start), the import's excess over what the floor's
 * import costs. The other threads' instructions are reported beside it.
 *
 *
 * With `--calls N`, verify's calls too (figure 1 counted): the bundle's handler called N times as
 * Lambda calls it, one invocation at a time, with the benchmark's first-call request against the
 * stub endpoint (bench/cold-start.ts `stubAwsEndpoint`) answering its claimed identity and a
 * registration it matches (200), at INFO with the EMF lines, as figure 1 runs; the DynamoDB floor's
 * handler the same, its GetItem finding the same registration. Each is counted after 10 calls and
 * after 10 + N (Node's `--single-threaded --hash-seed=1 --random-seed=1`: compilation in the main
 * thread, the same seeds); the difference / N is its instructions per call, the collector left out,
 * and verify's periodic writes and configuration reads too (their intervals an hour: see `perCall`).
 *
 *   npm run bench:instructions -- [--functions verify,identification-get] [--calls 1000] [--json file]
 *
 * `--functions` takes deployed functions' names (default: verify) or files (`bench/floors/edge.ts`);
 * about 30–60 s of valgrind per bundle on an idle core, two minutes per 1000 calls. Needs valgrind
 * (Debian: `apt-get install valgrind`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { keys } from '../lambdas/adapters/dynamo/table-schema.js';
import { bundleFunction } from '../lib/bundling.js';
import {
  contributors,
  FIRST_CALLS,
  FLOOR_FILES,
  lambdaEnvironment,
  stubAwsEndpoint,
  stubItems,
} from './cold-start.js';
import { round } from './stats.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** V8's search for the hash seed's primes: random work before any script runs. */
const HASH_SEED = /\bdetail::sprp\b/;

/**
 * The garbage collector's functions (scavenges, mark-compact, sweeping, the marking barrier), by
 * the name before its parameter list (the deserializer takes a `WriteBarrierMode` and is no part of it).
 */
const COLLECTOR =
  /Scaveng|MarkCompact|ConcurrentMarking|Sweeper|GCTracer|MinorMarkSweep|Marking|Evacuat|RecordMigrated|RememberedSet|WriteBarrier|RecordWrite|LiveObjectVisitor|MemoryReducer|FlushedBytecode/;

/** One thread's instructions (`callgrind_annotate` of its count): the total and the parts left out. */
export interface InstructionCount {
  total: number;
  hashSeed: number;
  collector: number;
  /** total − hashSeed − collector: what the comparisons read. */
  counted: number;
}

/** Reads `callgrind_annotate --threshold=100` output: the thread's total and the functions left out. */
export function instructionsOf(annotated: string): InstructionCount {
  let total: number | undefined;
  let hashSeed = 0;
  let collector = 0;
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.+)$/.exec(line);
    if (!match) continue;
    const count = Number((match[1] as string).replaceAll(',', ''));
    const name = match[2] as string;
    if (name === 'PROGRAM TOTALS') total = count;
    else if (HASH_SEED.test(name)) hashSeed += count;
    else if (COLLECTOR.test(name.split('(')[0] as string)) collector += count;
  }
  if (total === undefined) throw new Error('callgrind_annotate printed no PROGRAM TOTALS line');
  return { total, hashSeed, collector, counted: total - hashSeed - collector };
}

/** The instructions one of callgrind's per-thread files holds (its `summary:` or `totals:` line). */
export function threadTotalOf(callgrindOut: string): number {
  const match = /^(?:summary|totals):\s*(\d+)/m.exec(callgrindOut);
  if (!match) throw new Error('the callgrind file has no summary line');
  return Number(match[1]);
}

/**
 * A process's count, as `--separate-threads=yes` writes it (`<out>-01` the main thread, then one
 * file per thread in the order they started): the main thread's instructions and the other threads'.
 */
interface ProcessCount {
  main: InstructionCount;
  /** All instructions of the other threads (the root certificates' loader, V8's helpers, libuv's). */
  otherThreads: number;
}

/**
 * The import's excess over the floor's, as a ratio: (function − Node's start) / (floor − Node's
 * start), from counted instructions. 1 is the floor's import; undefined without a floor.
 */
export function ratioToFloor(fn: number, floor: number | undefined, nodeStart: number): number | undefined {
  if (floor === undefined || floor <= nodeStart) return undefined;
  return (fn - nodeStart) / (floor - nodeStart);
}

/** What `valgrind` needs to be told: it is no npm package. */
async function requireValgrind(): Promise<void> {
  try {
    await run('valgrind', ['--version']);
  } catch {
    throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  }
}

/** Imports the bundle; with BENCH_CALLS, calls its handler that many times, one at a time. */
const PROBE = `
const m = await import(process.env.BENCH_BUNDLE_URL);
const calls = Number(process.env.BENCH_CALLS ?? 0);
const event = JSON.parse(process.env.BENCH_EVENT ?? '{}');
const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-2:000000000000:function:bench', memoryLimitInMB: '512',
  logGroupName: 'bench', logStreamName: 'bench', getRemainingTimeInMillis: () => 30000 };
for (let i = 0; i < calls; i++) {
  const answer = await m.handler(structuredClone(event), { ...context, awsRequestId: 'bench-call-' + i });
  if (answer?.statusCode !== 200) throw new Error('call ' + i + ' answered ' + answer?.statusCode);
}
// The SDK's kept-alive sockets would hold the process.
process.exit(0);
`;

/**
 * PROBE as a file in `workdir`: callgrind writes the command line into its output, where a script
 * of several lines given with `-e` would break the format `cg_annotate` reads.
 */
function probeFile(workdir: string): string {
  const file = join(workdir, 'probe.mjs');
  writeFileSync(file, PROBE);
  return file;
}

/** The counted instructions of a fresh `node` running PROBE over `bundle` in `env`, by thread. */
async function count(
  label: string,
  bundle: string,
  workdir: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<ProcessCount> {
  const out = join(workdir, `${label.replace(/[^\w.-]/g, '_')}.callgrind`);
  await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      `--callgrind-out-file=${out}`,
      process.execPath,
      ...nodeFlags,
      probeFile(workdir),
    ],
    // Only the function's environment, as Lambda gives it (no NODE_OPTIONS: ADR 0021).
    {
      env: { PATH: process.env.PATH ?? '', ...env, BENCH_BUNDLE_URL: pathToFileURL(bundle).href },
      cwd: workdir,
      timeout: 900_000,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const threads = readdirSync(workdir)
    .filter((file) => file.startsWith(`${basename(out)}-`))
    .sort()
    .map((file) => join(workdir, file));
  const [mainThread, ...others] = threads;
  if (!mainThread) throw new Error(`callgrind wrote no thread's count for ${label}`);
  const { stdout } = await run('callgrind_annotate', ['--threshold=100', mainThread], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const otherThreads = others.reduce((sum, file) => sum + threadTotalOf(readFileSync(file, 'utf8')), 0);
  return { main: instructionsOf(stdout), otherThreads };
}

/** The counted instructions of a fresh `node` importing `bundle` in `name`'s environment. */
const countImport = (name: string, bundle: string, workdir: string) =>
  count(`import-${name}`, bundle, workdir, lambdaEnvironment(name));

/** What the stub answers for the counted calls: verify's claimed identity and a registration it matches. */
function callItems(): Record<string, unknown>[] {
  const now = Date.now();
  const registration = {
    msisdn: '41791234567',
    serialNumber: 'SRS-BENCH',
    evidenceId: '5b0c6d1e-1111-4222-8333-944455556666',
    loa: 3,
    jurisdictions: ['ZERTES', 'EIDAS'],
    givenName: 'Hans',
    familyName: 'Muster',
    nationalities: ['CH'],
    termsAcceptedAt: new Date(now).toISOString(),
    validUntil: new Date(now + 365 * 86_400_000).toISOString(),
    refId: 'b1f0c9a2-0d5e-4c1b-9f3e-2a7d6c5b4e31',
    issuer: 'Test-ISP',
  };
  return [
    ...stubItems(),
    {
      ...keys.claimedIdentity('bench-client'),
      clientId: 'bench-sp',
      claimedIdentity: 'bench-client',
      jurisdictions: ['ZERTES'],
    },
    { ...keys.registration(registration.msisdn), ...registration },
    // The floor's GetItem (bench/floors/dynamodb.ts: PK and SK `floor`) finds the same registration.
    { PK: 'floor', SK: 'floor', ...registration },
  ];
}

/** The function whose calls `--calls` counts, and its request (a positive verify with the items above). */
const COUNTED_CALLS: Readonly<Record<string, unknown>> = { verify: FIRST_CALLS.verify };

/** Instructions per call of `bundle`'s handler: counted after 10 calls and after 10 + `calls`. */
async function perCall(
  name: string,
  bundle: string,
  event: unknown,
  calls: number,
  endpoint: string,
  workdir: string,
): Promise<number> {
  const env = {
    ...lambdaEnvironment(name, { logLevel: 'INFO' }),
    AWS_ENDPOINT_URL: endpoint,
    BENCH_EVENT: JSON.stringify(event),
    // Verify's periodic work is left out: its writes (usage counts and answer sums, once a second
    // per busy instance, i.e. every ~2000 calls at figure 1's pace) and its claimed identity's
    // re-read (once a minute). Under valgrind a call takes 20–200 ms, so they would come every 5–50
    // calls and every 300–2000, by the machine's load. With an hour both counts hold the same
    // first call's write and read; the difference has none.
    VERIFY_COUNT_FLUSH_SECONDS: '3600',
    CONFIG_CACHE_SECONDS: '3600',
  };
  const flags = ['--single-threaded', '--hash-seed=1', '--random-seed=1'];
  const few = await count(`calls-10-${name}`, bundle, workdir, { ...env, BENCH_CALLS: '10' }, flags);
  const many = await count(
    `calls-${10 + calls}-${name}`,
    bundle,
    workdir,
    { ...env, BENCH_CALLS: String(10 + calls) },
    flags,
  );
  return (many.main.counted - few.main.counted) / calls;
}

/** A bundle built as deployed, with its size and AWS clients. */
async function built(name: string, entry: string, workdir: string) {
  const outdir = join(workdir, name.replace(/[^\w.-]/g, '_'));
  const { main } = await bundleFunction(entry, outdir, { metafile: true });
  const bundle = join(outdir, 'index.mjs');
  const { clients } = contributors(main.metafile as Metafile, 'index.mjs');
  return { name, bundle, clients, kb: round(statSync(bundle).size / 1024, 1) };
}

export interface FunctionInstructions {
  name: string;
  bundleKb: number;
  /** Counted instructions of the import, the main thread's, millions. */
  millions: number;
  /** The other threads' instructions in the same process, millions (not in `millions` nor the ratio). */
  otherThreadsMillions: number;
  floor?: string;
  floorMillions?: number;
  /** (function − Node's start) / (floor − Node's start). */
  ratioToFloor?: number;
  /** With `--calls`: thousands of counted instructions per call, the floor's, and floor / function (figure 1 counted). */
  perCall?: { calls: number; thousands: number; floorThousands: number; floorRatio: number };
}

export interface InstructionFigures {
  /** Node's start with the empty bundle, counted instructions in millions. */
  nodeStartMillions: number;
  functions: FunctionInstructions[];
}

/** A deployed function's name, or a file (`bench/floors/edge.ts`) named by its path. */
const entryOf = (fn: string) => (fn.endsWith('.ts') ? fn : `lambdas/handlers/${fn}.ts`);

export async function measureInstructions(
  functions: string[],
  options: { calls?: number } = {},
): Promise<InstructionFigures> {
  await requireValgrind();
  const workdir = mkdtempSync(join(tmpdir(), 'srs-bench-instructions-'));
  const stub = options.calls ? await stubAwsEndpoint(callItems()) : undefined;
  try {
    const floors = await Promise.all(
      FLOOR_FILES.map((file) => built(`floor:${file}`, `bench/floors/${file}.ts`, workdir)),
    );
    const counted = new Map<string, ProcessCount>();
    const processCountOf = async (b: { name: string; bundle: string }) => {
      let c = counted.get(b.bundle);
      if (c === undefined) {
        c = await countImport(b.name, b.bundle, workdir);
        counted.set(b.bundle, c);
      }
      return c;
    };
    const countOf = async (b: { name: string; bundle: string }) => (await processCountOf(b)).main.counted;
    const empty = floors[0] as (typeof floors)[number];
    const nodeStart = await countOf(empty);
    const out: FunctionInstructions[] = [];
    for (const fn of functions) {
      const own = await built(fn, join(ROOT, entryOf(fn)), workdir);
      // The floor with the same clients; a function without clients has none (the empty bundle is Node's start).
      const floor = own.clients.length
        ? floors.find((f) => f.clients.join() === own.clients.join())
        : undefined;
      const millions = await countOf(own);
      const floorCount = floor ? await countOf(floor) : undefined;
      const ratio = ratioToFloor(millions, floorCount, nodeStart);
      const event = COUNTED_CALLS[fn];
      let calls: FunctionInstructions['perCall'];
      if (stub && options.calls && event !== undefined && floor) {
        const mine = await perCall(fn, own.bundle, event, options.calls, stub.url, workdir);
        const floorCall = await perCall(floor.name, floor.bundle, {}, options.calls, stub.url, workdir);
        calls = {
          calls: options.calls,
          thousands: round(mine / 1e3, 1),
          floorThousands: round(floorCall / 1e3, 1),
          floorRatio: round(floorCall / mine, 3),
        };
      }
      out.push({
        name: fn,
        bundleKb: own.kb,
        millions: round(millions / 1e6, 1),
        otherThreadsMillions: round((await processCountOf(own)).otherThreads / 1e6, 1),
        ...(floor && floorCount !== undefined
          ? { floor: floor.name, floorMillions: round(floorCount / 1e6, 1) }
          : {}),
        ...(ratio === undefined ? {} : { ratioToFloor: round(ratio, 3) }),
        ...(calls ? { perCall: calls } : {}),
      });
    }
    return { nodeStartMillions: round(nodeStart / 1e6, 1), functions: out };
  } finally {
    stub?.server.close();
    rmSync(workdir, { recursive: true, force: true });
  }
}

function print(figures: InstructionFigures): void {
  console.log(
    `Node's start (the empty bundle): ${figures.nodeStartMillions} M instructions of the main thread`,
  );
  console.log(
    'function                         KB   import M   floor               floor M   × floor   other threads M',
  );
  for (const f of figures.functions)
    console.log(
      `${f.name.padEnd(28)} ${f.bundleKb.toFixed(1).padStart(6)} ${f.millions.toFixed(1).padStart(10)}   ${(f.floor ?? '-').padEnd(18)} ${(f.floorMillions?.toFixed(1) ?? '-').padStart(8)}   ${(f.ratioToFloor?.toFixed(3) ?? '-').padEnd(7)}   ${f.otherThreadsMillions.toFixed(1)}`,
    );
  for (const f of figures.functions)
    if (f.perCall)
      console.log(
        `${f.name} per call (${f.perCall.calls} calls): ${f.perCall.thousands} k instructions, ${f.floor}'s GetItem ${f.perCall.floorThousands} k: ${f.perCall.floorRatio} (figure 1 counted)`,
      );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { functions: { type: 'string' }, calls: { type: 'string' }, json: { type: 'string' } },
    strict: true,
  });
  const functions = (values.functions ?? 'verify').split(',').filter(Boolean);
  const calls = values.calls === undefined ? undefined : Number(values.calls);
  if (calls !== undefined && !(Number.isInteger(calls) && calls > 0))
    throw new Error(`--calls must be a whole number above 0, not ${values.calls}`);
  const figures = await measureInstructions(functions, calls ? { calls } : {});
  print(figures);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
}
