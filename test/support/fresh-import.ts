/**
 * A function's bundle imported as Lambda imports it: built as CDK deploys it (lib/bundling.ts, its
 * lazy modules beside it, its static files copied beside it as the bundling hook does), in a fresh process with the environment the stack gives that function (lib/function-environment.ts,
 * through the benchmark's lambdaEnvironment and its stand-in values).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { lambdaEnvironment } from '../../bench/cold-start.js';
import { bundleFunction, staticFileCommands } from '../../lib/bundling.js';
import type { EnvironmentSources } from '../../lib/function-environment.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface FreshImport {
  /** Code run before the import (an ES module body: it may set globals, hooks). */
  prelude?: string;
  /**
   * An expression whose value is answered, as JSON, after the import; `bundle` is the imported
   * module (`bundle.handler`), and it may `await`.
   */
  report: string;
  /** Code run after the import, before the report (`bundle` is the module): a first call, say. */
  after?: string;
  /** Variables beyond the function's environment (AWS_ENDPOINT_URL for a first call, …). */
  env?: Record<string, string>;
  /** The module bundled; `lambdas/handlers/<handler>.ts` unless given. */
  entry?: string;
  /** Values of the function's environment other than the stand-ins (the stage, the token URL, …). */
  environment?: Partial<EnvironmentSources>;
  /**
   * The function is meant to log errors, which Powertools writes to stderr: answer those lines with
   * the others instead of failing.
   */
  logsErrors?: boolean;
}

/** What the fresh process answered, and the lines it wrote before (the function's log lines; stderr's after stdout's). */
export interface FreshImportRun<T> {
  report: T;
  logLines: string[];
}

/**
 * Imports `handler`'s bundle in a fresh process after `prelude` ran and answers `report`. Fails with
 * what the process wrote to stderr, if anything: a function that warns at its cold start is news.
 */
export async function importedWith<T>(handler: string, probe: FreshImport): Promise<T> {
  return (await freshImport<T>(handler, probe)).report;
}

/** importedWith's run, with the lines the process wrote to stdout before its report. */
export async function freshImport<T>(handler: string, probe: FreshImport): Promise<FreshImportRun<T>> {
  const dir = await mkdtemp(join(tmpdir(), 'srs-bundle-import-'));
  // The report is the last line: the function's own log lines (stdout, as in Lambda) come before it.
  // The process then exits: the SDK's kept-alive sockets, after a first call, would hold it.
  const script = `${probe.prelude ?? ''}
const bundle = await import(process.env.BUNDLE_URL);
${probe.after ?? ''}
process.stdout.write('\\n' + JSON.stringify(${probe.report}) + '\\n', () => process.exit(0));`;
  try {
    await bundleFunction(probe.entry ?? `lambdas/handlers/${handler}.ts`, dir);
    const copies = staticFileCommands(handler, PROJECT_ROOT, dir);
    if (copies.length) await promisify(execFile)('bash', ['-c', copies.join(' && ')]);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        env: {
          ...lambdaEnvironment(handler, probe.environment),
          ...probe.env,
          BUNDLE_URL: pathToFileURL(join(dir, 'index.mjs')).href,
        },
        timeout: 60_000,
      },
    );
    if (stderr && !probe.logsErrors) throw new Error(`${handler} wrote to stderr: ${stderr}`);
    const lines = stdout.trim().split('\n');
    const logLines = [...lines.slice(0, -1), ...stderr.split('\n')].filter(Boolean);
    return { report: JSON.parse(lines.at(-1) ?? '') as T, logLines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
