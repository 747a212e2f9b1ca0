/**
 * Import cost in instructions: what a function's cold start costs, counted rather than timed, so
 * that it does not depend on what else the machine runs (docs/benchmarks.md §3, "Instructions
 * instead of milliseconds"). Each bundle is built as deployed (lib/bundling.ts `bundleFunction`);
 * `valgrind --tool=cachegrind --cache-sim=no` counts the instructions of a fresh `node` importing it
 * in its function's environment (bench/cold-start.ts `lambdaEnvironment`, as the cold-start figure
 * does), the same for the function's floor (the bare handler with the same AWS clients) and for the
 * empty bundle (Node's own start). Two parts of every count are left out: V8's hash seed, a search
 * for random primes before any script runs (`detail::sprp`, ±4 M instructions from one process to the
 * next), and the garbage collector's work, whose moment depends on the heap's timing. What is left
 * repeats within about 0.5 M; the ratio to the floor is (function − Node's start) / (floor − Node's
 * start), the import's excess over what the floor's import costs.
 *
 *   npm run bench:instructions -- [--functions verify,identification-get] [--json file]
 *
 * `--functions` takes deployed functions' names (default: verify) or files (`bench/floors/edge.ts`);
 * about 10–20 s of valgrind per bundle on an idle core. Needs valgrind (Debian: `apt-get install valgrind`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { bundleFunction } from '../lib/bundling.js';
import { contributors, FLOOR_FILES, lambdaEnvironment } from './cold-start.js';
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

/** One process's instructions (`cg_annotate` of its count): the total and the parts left out. */
export interface InstructionCount {
  total: number;
  hashSeed: number;
  collector: number;
  /** total − hashSeed − collector: what the comparisons read. */
  counted: number;
}

/** Reads `cg_annotate --threshold=0` output: the program's total and the functions left out. */
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
  if (total === undefined) throw new Error('cg_annotate printed no PROGRAM TOTALS line');
  return { total, hashSeed, collector, counted: total - hashSeed - collector };
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

/** The counted instructions of a fresh `node` importing `bundle` in `name`'s environment. */
async function countImport(name: string, bundle: string, workdir: string): Promise<InstructionCount> {
  const out = join(workdir, `${basename(workdir)}-${name.replace(/[^\w.-]/g, '_')}.cachegrind`);
  await run(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=no',
      `--cachegrind-out-file=${out}`,
      process.execPath,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
    ],
    // Only the function's environment, as Lambda gives it (no NODE_OPTIONS: ADR 0021).
    { env: { PATH: process.env.PATH, ...lambdaEnvironment(name) }, cwd: workdir, timeout: 300_000 },
  );
  const { stdout } = await run('cg_annotate', ['--threshold=0', out], { maxBuffer: 256 * 1024 * 1024 });
  return instructionsOf(stdout);
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
  /** Counted instructions of the import, millions. */
  millions: number;
  floor?: string;
  floorMillions?: number;
  /** (function − Node's start) / (floor − Node's start). */
  ratioToFloor?: number;
}

export interface InstructionFigures {
  /** Node's start with the empty bundle, counted instructions in millions. */
  nodeStartMillions: number;
  functions: FunctionInstructions[];
}

/** A deployed function's name, or a file (`bench/floors/edge.ts`) named by its path. */
const entryOf = (fn: string) => (fn.endsWith('.ts') ? fn : `lambdas/handlers/${fn}.ts`);

export async function measureInstructions(functions: string[]): Promise<InstructionFigures> {
  await requireValgrind();
  const workdir = mkdtempSync(join(tmpdir(), 'srs-bench-instructions-'));
  try {
    const floors = await Promise.all(
      FLOOR_FILES.map((file) => built(`floor:${file}`, `bench/floors/${file}.ts`, workdir)),
    );
    const counted = new Map<string, number>();
    const countOf = async (b: { name: string; bundle: string }) => {
      let c = counted.get(b.bundle);
      if (c === undefined) {
        c = (await countImport(b.name, b.bundle, workdir)).counted;
        counted.set(b.bundle, c);
      }
      return c;
    };
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
      out.push({
        name: fn,
        bundleKb: own.kb,
        millions: round(millions / 1e6, 1),
        ...(floor && floorCount !== undefined
          ? { floor: floor.name, floorMillions: round(floorCount / 1e6, 1) }
          : {}),
        ...(ratio === undefined ? {} : { ratioToFloor: round(ratio, 3) }),
      });
    }
    return { nodeStartMillions: round(nodeStart / 1e6, 1), functions: out };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

function print(figures: InstructionFigures): void {
  console.log(`Node's start (the empty bundle): ${figures.nodeStartMillions} M instructions`);
  console.log('function                         KB   import M   floor               floor M   × floor');
  for (const f of figures.functions)
    console.log(
      `${f.name.padEnd(28)} ${f.bundleKb.toFixed(1).padStart(6)} ${f.millions.toFixed(1).padStart(10)}   ${(f.floor ?? '-').padEnd(18)} ${(f.floorMillions?.toFixed(1) ?? '-').padStart(8)}   ${f.ratioToFloor?.toFixed(3) ?? '-'}`,
    );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { functions: { type: 'string' }, json: { type: 'string' } },
    strict: true,
  });
  const functions = (values.functions ?? 'verify').split(',').filter(Boolean);
  const figures = await measureInstructions(functions);
  print(figures);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
}
