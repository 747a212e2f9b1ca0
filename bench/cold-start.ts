/**
 * Figure 3 — cold-start footprint per function: the bundle as CDK builds it (lib/bundling.ts:
 * esbuild, minified ESM, the AWS SDK inside) and its initialisation time — fresh Node processes
 * importing the bundle until the handler is ready — against the same for an empty handler.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { aslHandlerNames } from '../lambdas/asl-tasks.js';
import { handlerNames } from '../lambdas/routes.js';
import { esbuildOptionsFor } from '../lib/bundling.js';
import { median, round } from './stats.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EMPTY_HANDLER = 'empty-handler';

export interface Contributor {
  name: string;
  kb: number;
}

export interface FunctionFootprint {
  name: string;
  /** index.mjs as NodejsFunction writes it (bytes / 1024). */
  bundleKb: number;
  /** Median over the samples: process start → handler ready (what the ratio uses). */
  readyMs: number;
  /** Median over the samples: the `await import(bundle)` alone. */
  importMs: number;
  /** readyMs / the empty handler's readyMs. */
  initRatio: number;
  samples: number;
  /** The five largest inputs (files) in the output, from esbuild's metafile. */
  topInputs: Contributor[];
  /** The five largest packages (or source folders) in the output. */
  topPackages: Contributor[];
  error?: string;
}

export interface ColdStartFigures {
  node: string;
  samples: number;
  empty: FunctionFootprint;
  functions: FunctionFootprint[];
  /** The function whose bundle is smallest. */
  smallest: string;
}

/** Every function the stack deploys: the route handlers and the state machine's task handlers. */
export function deployedFunctions(): string[] {
  const asl = JSON.parse(readFileSync(join(ROOT, 'statemachines/identification.asl.json'), 'utf8')) as object;
  return [...new Set([...handlerNames(), ...aslHandlerNames(asl)])].sort();
}

function jwk(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256' });
}

/** What a deployed function finds in its environment at init (no network is touched at import). */
function lambdaEnvironment(name: string): Record<string, string> {
  return {
    AWS_REGION: 'eu-central-2',
    AWS_DEFAULT_REGION: 'eu-central-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    TABLE_NAME: 'smart-registration',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-central-2:000000000000:stateMachine:identification',
    PUBLIC_BASE_URL: 'https://srs.example.com',
    SERIAL_NUMBER_KEY: 'benchmark-serial-number-key-0123456789abcdef',
    ACCESS_TOKEN_ISSUER: 'https://cognito-idp.eu-central-2.amazonaws.com/eu-central-2_bench',
    ACCESS_TOKEN_JWKS_URL:
      'https://cognito-idp.eu-central-2.amazonaws.com/eu-central-2_bench/.well-known/jwks.json',
    ORDER_TOKEN_PRIVATE_JWK: jwk(),
    TEST_ISP_PRIVATE_JWK: jwk(),
    CONFIG_CACHE_SECONDS: '60',
    LOG_LEVEL: 'WARN',
  };
}

/** Runs in the fresh process: import the bundle, check the handler, print the two times. */
const PROBE = `
const t0 = performance.now();
const m = await import(process.env.BENCH_BUNDLE_URL);
if (typeof m.handler !== 'function') throw new Error('no handler export');
const t1 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t1 }));
`;

function contributors(
  metafile: Metafile,
  outfile: string,
): { files: Contributor[]; packages: Contributor[] } {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outfile))?.[1];
  const files: Contributor[] = [];
  const packages = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    files.push({ name: path, kb: input.bytesInOutput / 1024 });
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    packages.set(pkg, (packages.get(pkg) ?? 0) + input.bytesInOutput);
  }
  const top = (list: Contributor[]) =>
    list
      .sort((a, b) => b.kb - a.kb)
      .slice(0, 5)
      .map((c) => ({ name: c.name, kb: round(c.kb, 1) }));
  return {
    files: top(files),
    packages: top([...packages].map(([name, bytes]) => ({ name, kb: bytes / 1024 }))),
  };
}

async function footprint(
  name: string,
  entry: string,
  outdir: string,
  samples: number,
): Promise<FunctionFootprint> {
  const result = await build(esbuildOptionsFor(entry, join(outdir, name), { metafile: true }));
  const bundle = join(outdir, name, 'index.mjs');
  const { files, packages } = contributors(result.metafile as Metafile, `${name}/index.mjs`);
  const base = {
    name,
    bundleKb: round(statSync(bundle).size / 1024, 1),
    topInputs: files,
    topPackages: packages,
  };
  const ready: number[] = [];
  const imports: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], {
        env: { ...lambdaEnvironment(name), BENCH_BUNDLE_URL: pathToFileURL(bundle).href },
        cwd: outdir,
        timeout: 30_000,
      });
      const out = JSON.parse(stdout) as { importMs: number; readyMs: number };
      ready.push(out.readyMs);
      imports.push(out.importMs);
    }
  } catch (err) {
    const message = ((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n');
    return {
      ...base,
      readyMs: 0,
      importMs: 0,
      initRatio: 0,
      samples: ready.length,
      error: message.at(-1) ?? '',
    };
  }
  return {
    ...base,
    readyMs: round(median(ready), 1),
    importMs: round(median(imports), 1),
    initRatio: 0,
    samples: ready.length,
  };
}

export async function measureColdStarts(options: {
  functions?: string[] | undefined;
  samples: number;
  /** Epoch ms after which no further function is measured. */
  deadline: number;
}): Promise<ColdStartFigures> {
  const names = options.functions?.length ? options.functions : deployedFunctions();
  const outdir = mkdtempSync(join(tmpdir(), 'srs-bench-bundles-'));
  try {
    const empty = await footprint(
      EMPTY_HANDLER,
      join(ROOT, 'bench', 'empty-handler.ts'),
      outdir,
      options.samples,
    );
    const functions: FunctionFootprint[] = [];
    for (const name of names) {
      if (Date.now() > options.deadline) {
        functions.push({
          name,
          bundleKb: 0,
          readyMs: 0,
          importMs: 0,
          initRatio: 0,
          samples: 0,
          topInputs: [],
          topPackages: [],
          error: 'not measured: time budget spent',
        });
        continue;
      }
      const f = await footprint(
        name,
        join(ROOT, 'lambdas', 'handlers', `${name}.ts`),
        outdir,
        options.samples,
      );
      f.initRatio = f.readyMs && empty.readyMs ? round(f.readyMs / empty.readyMs, 2) : 0;
      functions.push(f);
    }
    const measured = functions.filter((f) => f.bundleKb > 0);
    const smallest = measured.reduce<FunctionFootprint | undefined>(
      (min, f) => (!min || f.bundleKb < min.bundleKb ? f : min),
      undefined,
    );
    return {
      node: process.version,
      samples: options.samples,
      empty: { ...empty, initRatio: 1 },
      functions,
      smallest: smallest?.name ?? '',
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
