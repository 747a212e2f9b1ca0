/**
 * Where a function's import time goes, by module: CPU profiles of fresh processes importing its
 * bundle (built as deployed but not minified, so that esbuild's `// path` comments name each
 * module's code), each profile node's self time given to the module whose code it is — the
 * module top level's by its per-line ticks — and averaged over the runs; the same for its floor.
 *
 *   npx tsx bench/profile-import.ts <function> [runs=10] [floor=the floor with its clients]
 *
 * `function` is a deployed function's name or a file (`bench/floors/edge.ts`); `floor` a file
 * under bench/floors/ without `.ts` (`empty`, `edge`, `dynamodb`, …). Prints milliseconds per
 * process by package (node_modules) or project file, the function's against the floor's, and the
 * parts no module owns: `(program)` (mostly parsing and compiling), the garbage collector, and
 * Node's own start. The sampling interval is 50 µs; at a load of a few processes per core the
 * absolute figures run high, the differences are the reading (docs/benchmarks.md §3). With
 * PROFILE_DETAIL=1, Node's own share is split by function (the loader's compile of the bundle is
 * `compileSourceTextModule`). With PROFILE_LINES=<part of a module's name>, that module's share is
 * split by line of the unminified bundle.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { bundleFunction, esbuildOptionsFor } from '../lib/bundling.js';
import { lambdaEnvironment } from './cold-start.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** For each line of the unminified bundle (1-based), the module whose code it is. */
function moduleOfLine(bundle: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  const lines = bundle.split('\n');
  const detailed = process.env.PROFILE_LINES;
  lines.forEach((text, i) => {
    const path = /^\s*\/\/ ((?:node_modules|lambdas|bench|lib)\/\S+)$/.exec(text)?.[1];
    if (path) starts.push({ line: i + 1, module: packageOf(path) });
  });
  return (line) => {
    let found = '(bundle runtime)';
    for (const start of starts) {
      if (start.line > line) break;
      found = start.module;
    }
    if (detailed && found.includes(detailed))
      return `${found}:${line} ${lines[line - 1]?.trim().slice(0, 60)}`;
    return found;
  };
}

/** A node_modules path's package (`zod`, `@aws-sdk/client-dynamodb`); a project file as is. */
function packageOf(path: string): string {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path;
}

/** Milliseconds of self time per module (and per part no module owns) in one profile. */
function attribute(profile: CpuProfile, bundleUrl: string, moduleAt: (line: number) => string) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  const inBundle = (n: ProfileNode) => n.callFrame.url === bundleUrl;
  const out = new Map<string, number>();
  const add = (key: string, ms: number) => out.set(key, (out.get(key) ?? 0) + ms);
  for (const [id, ms] of self) {
    const node = byId.get(id) as ProfileNode;
    if (inBundle(node)) {
      const ticks = node.positionTicks ?? [];
      const total = ticks.reduce((s, t) => s + t.ticks, 0);
      if (node.callFrame.lineNumber === 0 && total > 0)
        for (const t of ticks) add(moduleAt(t.line), (ms * t.ticks) / total);
      else add(moduleAt(node.callFrame.lineNumber + 1), ms);
      continue;
    }
    // Node's own code (or a native) called from the bundle: the calling function's module.
    let up = parent.get(id);
    while (up !== undefined && !inBundle(byId.get(up) as ProfileNode)) up = parent.get(up);
    if (up !== undefined) {
      const caller = byId.get(up) as ProfileNode;
      add(
        caller.callFrame.lineNumber === 0
          ? '(Node built-ins called by the bundle top level)'
          : moduleAt(caller.callFrame.lineNumber + 1),
        ms,
      );
    } else if (/^\(/.test(node.callFrame.functionName)) add(node.callFrame.functionName, ms);
    else
      add(
        process.env.PROFILE_DETAIL
          ? `(node) ${node.callFrame.functionName} ${node.callFrame.url.replace(/^node:internal\//, '')}:${node.callFrame.lineNumber}`
          : '(Node start and the loader)',
        ms,
      );
  }
  return out;
}

/** The mean self milliseconds per module over `runs` fresh imports of `entry`'s bundle. */
async function profileImport(name: string, entry: string, runs: number): Promise<Map<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'srs-profile-import-'));
  try {
    await bundleFunction(entry, dir, { minify: false });
    const bundleFile = join(dir, 'index.mjs');
    const bundleUrl = pathToFileURL(bundleFile).href;
    const moduleAt = moduleOfLine(await readFile(bundleFile, 'utf8'));
    const sum = new Map<string, number>();
    for (let i = 0; i < runs; i++) {
      const profDir = join(dir, `prof-${i}`);
      await promisify(execFile)(
        process.execPath,
        [
          '--cpu-prof',
          '--cpu-prof-interval',
          '50',
          '--cpu-prof-dir',
          profDir,
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(bundleUrl)});`,
        ],
        { env: lambdaEnvironment(name), cwd: dir },
      );
      const [file] = await readdir(profDir);
      const profile = JSON.parse(await readFile(join(profDir, file as string), 'utf8')) as CpuProfile;
      for (const [k, ms] of attribute(profile, bundleUrl, moduleAt)) sum.set(k, (sum.get(k) ?? 0) + ms);
    }
    return new Map([...sum].map(([k, ms]) => [k, ms / runs]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The floor file whose AWS clients a function's bundle holds (as the benchmark pairs them). */
async function floorOf(entry: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'srs-profile-floor-'));
  try {
    const result = await build({ ...esbuildOptionsFor(entry, dir, { metafile: true }), write: false });
    const inputs = Object.values((result.metafile as Metafile).outputs).find((o) => o.entryPoint)?.inputs;
    const clients = new Set(
      Object.entries(inputs ?? {})
        .filter(([path, i]) => i.bytesInOutput > 0 && /@aws-sdk\/client-(sfn|sns|sqs)\//.test(path))
        .map(([path]) => /client-(\w+)/.exec(path)?.[1]),
    );
    const hasDynamo = Object.keys(inputs ?? {}).some((p) => p.includes('@aws-sdk/client-dynamodb/'));
    if (!hasDynamo) return 'edge';
    return ['dynamodb', ...clients].join('-');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [target, runsArg = '10', floorArg] = process.argv.slice(2);
if (!target) throw new Error('usage: npx tsx bench/profile-import.ts <function> [runs] [floor]');
const entry = target.includes('/') ? target : `lambdas/handlers/${target}.ts`;
const runs = Number(runsArg);
const floor = floorArg ?? (await floorOf(entry));
const mine = await profileImport(target, entry, runs);
const base = await profileImport(`floor-${floor}`, `bench/floors/${floor}.ts`, runs);
const keys = [...new Set([...mine.keys(), ...base.keys()])];
const rows = keys
  .map((k) => ({ k, mine: mine.get(k) ?? 0, floor: base.get(k) ?? 0 }))
  .sort((a, b) => b.mine - b.floor - (a.mine - a.floor));
const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
const fmt = (ms: number) => ms.toFixed(2).padStart(7);
console.log(`${target} against floor ${floor}, ${runs} runs each, CPU ms per process (self time)`);
console.log(`${'module'.padEnd(64)} ${'function'.padStart(8)} ${'floor'.padStart(7)} ${'diff'.padStart(7)}`);
for (const r of rows)
  if (Math.abs(r.mine - r.floor) >= 0.05 || r.mine >= 0.5)
    console.log(`${r.k.slice(0, 64).padEnd(64)} ${fmt(r.mine)}  ${fmt(r.floor)} ${fmt(r.mine - r.floor)}`);
console.log(
  `${'total'.padEnd(64)} ${fmt(total(mine))}  ${fmt(total(base))} ${fmt(total(mine) - total(base))}`,
);
