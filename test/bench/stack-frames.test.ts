/**
 * Stack frames of a deployed bundle, mapped by the edge's hook (lambdas/http/stack-frames.ts, ADR
 * 0021) rather than by `--enable-source-maps`: each bundle is built as CDK deploys it and run in a
 * fresh Node process without that flag, where it fails on purpose. The fixture function
 * (fixtures/failing-handler.ts) throws at lines read here from its source; verify fails for real.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_CALLS } from '../../bench/cold-start.js';
import { type FreshImport, freshImport, importedWith } from '../support/fresh-import.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = 'test/bench/fixtures/failing-handler.ts';

/** `file:line:column` of the first occurrence of `text` in a project file (1-based, as stack frames count). */
function positionOf(file: string, text: string): string {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  if (line < 0) throw new Error(`${text} is not in ${file}`);
  return `${file}:${line + 1}:${(lines[line] ?? '').indexOf(text) + 1}`;
}

/**
 * Code run in the fresh process before the bundle's import: `map` is the bundle's `index.mjs.map`,
 * `call(path)` invokes the fixture's HTTP handler and keeps its status in `statuses`, `taskStack()`
 * runs its task and answers the stack of the error the task fails with (what the Lambda runtime
 * writes as its "Invoke Error" line).
 */
const PRELUDE = `import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
const map = fileURLToPath(process.env.BUNDLE_URL) + '.map';
const context = { functionName: 'failing-handler', awsRequestId: 'stack-frames', getRemainingTimeInMillis: () => 30000 };
const statuses = [];
let bundle_;
const call = async (path) => statuses.push((await bundle_.handler({ httpMethod: 'GET', path, resource: path,
  headers: {}, requestContext: { requestId: 'stack-frames' }, isBase64Encoded: false, body: null }, context)).statusCode);
const taskStack = async () => { try { await bundle_.task({}, context); } catch (error) { return error.stack; } };
`;

interface FixtureRun {
  statuses: number[];
  sourceMapsEnabled: boolean;
  taskStack?: string;
  /** The stack field of each "unexpected error" log line (the 500 log: six frames, no message). */
  logged: string[];
}

/** Runs the fixture's bundle: `prelude` before its import, `after` once it is imported. */
async function runFixture(
  probe: { prelude?: string; after: string; report?: string } & Pick<FreshImport, 'env'>,
): Promise<FixtureRun> {
  const { report, logLines } = await freshImport<Omit<FixtureRun, 'logged'>>('failing-handler', {
    entry: FIXTURE,
    logsErrors: true,
    prelude: PRELUDE + (probe.prelude ?? ''),
    after: `bundle_ = bundle;\n${probe.after}`,
    report: `{ statuses, sourceMapsEnabled: process.sourceMapsEnabled${probe.report ? `, ${probe.report}` : ''} }`,
    ...(probe.env ? { env: probe.env } : {}),
  });
  return { ...report, logged: unexpectedErrorStacks(logLines) };
}

/** The stacks of the "unexpected error" lines among a function's log lines. */
function unexpectedErrorStacks(logLines: string[]): string[] {
  return logLines
    .map((line) => JSON.parse(line) as { message?: string; stack?: string })
    .filter((entry) => entry.message === 'unexpected error')
    .map((entry) => entry.stack ?? '');
}

/** Node's own mapping (`--enable-source-maps`) writes absolute paths: the same frames from the project root. */
const fromProjectRoot = (stack: string) => stack.replaceAll(`(${ROOT}/`, '(');

/** The frames of a stack in the bundle or Node: those of the script that called it differ between runs. */
const withoutScriptFrames = (stack: string | undefined) =>
  (stack ?? '')
    .split('\n')
    .filter((line) => !line.includes('[eval1]'))
    .join('\n');

/** Where env.ts throws for a variable that breaks its rule. */
const ENV_THROW = positionOf(
  'lambdas/adapters/env.ts',
  'new InvalidEnvironment(`Environment variable $' + '{name} must be',
);

const THROW = positionOf(FIXTURE, 'new TypeError');
const HTTP_CALL = positionOf(FIXTURE, "failDeepInside('an HTTP request')");
const TASK_CALL = positionOf(FIXTURE, "failDeepInside('a task')");

describe('stack frames of a deployed bundle, without --enable-source-maps', () => {
  it('the 500 log of an unexpected error names the TypeScript file, line and function of each frame', async () => {
    const run = await runFixture({ after: "await call('/fails');" });

    expect(run.sourceMapsEnabled).toBe(false);
    expect(run.statuses).toEqual([500]);
    const frames = run.logged[0]?.split('\n') ?? [];
    expect(frames[0]).toBe(`    at failDeepInside (${THROW})`);
    expect(frames[1]).toMatch(new RegExp(`^ {4}at \\S+ \\(${HTTP_CALL}\\)$`));
    expect(frames[2]).toMatch(/^ {4}at \S+ \(node_modules\/@middy\/core\/index\.js:\d+:\d+\)$/);
    expect(run.logged[0]).not.toContain('index.mjs');
  });

  it('a failing task’s error, as the Lambda runtime writes it, keeps its first line and names the fixture’s lines', async () => {
    const run = await runFixture({ after: 'const stack = await taskStack();', report: 'taskStack: stack' });

    const lines = run.taskStack?.split('\n') ?? [];
    expect(lines[0]).toBe('TypeError: failed on purpose in a task');
    expect(lines[1]).toBe(`    at failDeepInside (${THROW})`);
    expect(lines[2]).toMatch(new RegExp(`^ {4}at \\S+ \\(${TASK_CALL}\\)$`));
  });

  it('the frames are those Node writes with --enable-source-maps, from the project root', async () => {
    const probe = {
      after: "await call('/fails');",
      report: 'taskStack: await taskStack()',
    };
    const hooked = await runFixture(probe);
    const byNode = await runFixture({ ...probe, env: { NODE_OPTIONS: '--enable-source-maps' } });

    expect(byNode.sourceMapsEnabled).toBe(true);
    expect(hooked.logged).toHaveLength(1);
    expect(hooked.logged[0]).toContain(`(${THROW})`);
    expect(hooked.logged.map(withoutScriptFrames)).toEqual(
      byNode.logged.map(fromProjectRoot).map(withoutScriptFrames),
    );
    expect(hooked.taskStack).toContain(`(${THROW})`);
    expect(withoutScriptFrames(hooked.taskStack)).toBe(
      withoutScriptFrames(fromProjectRoot(byNode.taskStack ?? '')),
    );
  });

  it('the map is not read at import: moved away while the bundle loads, it maps the first error once back', async () => {
    const away = await runFixture({
      prelude: "renameSync(map, map + '.away');",
      after: "renameSync(map + '.away', map); await call('/fails');",
    });

    expect(away.logged[0]?.split('\n')[0]).toBe(`    at failDeepInside (${THROW})`);
  });

  it('a request refused with a problem formats no stack of the bundle: the map is not read for it', async () => {
    const run = await runFixture({
      after:
        "renameSync(map, map + '.away'); await call('/refused'); renameSync(map + '.away', map); await call('/fails');",
    });

    expect(run.statuses).toEqual([404, 500]);
    expect(run.logged[0]?.split('\n')[0]).toBe(`    at failDeepInside (${THROW})`);
  });

  it('the map is read and parsed once: removed after the first error, later errors are still mapped', async () => {
    const run = await runFixture({
      after: "await call('/fails'); rmSync(map); await call('/fails'); const stack = await taskStack();",
      report: 'taskStack: stack',
    });

    expect(run.logged).toHaveLength(2);
    expect(withoutScriptFrames(run.logged[1])).toBe(withoutScriptFrames(run.logged[0]));
    expect(run.logged[1]?.split('\n')[0]).toBe(`    at failDeepInside (${THROW})`);
    expect(run.taskStack?.split('\n')[1]).toBe(`    at failDeepInside (${THROW})`);
  });

  it.each([
    ['missing', 'rmSync(map);'],
    ['truncated', 'writeFileSync(map, \'{"version":3,"sources":["../../lambdas\');'],
    ['not a map', "writeFileSync(map, '[1, 2, 3]');"],
    [
      'with broken mappings',
      'writeFileSync(map, JSON.stringify({ version: 3, sources: [], names: [], mappings: "!!!;;@@" }));',
    ],
  ])('a %s map leaves the frames as the bundle’s own and the function answering', async (_kind, spoil) => {
    const run = await runFixture({
      after: `${spoil} await call('/fails'); const stack = await taskStack();`,
      report: 'taskStack: stack',
    });

    expect(run.statuses).toEqual([500]);
    const frames = run.logged[0]?.split('\n') ?? [];
    expect(frames[0]).toMatch(/^ {4}at \S+ \(file:\/\/\/.+\/index\.mjs:\d+:\d+\)$/);
    expect(run.logged[0]).not.toContain('.ts:');
    expect(run.taskStack?.split('\n')[0]).toBe('TypeError: failed on purpose in a task');
    expect(run.taskStack).not.toContain('.ts:');
  });

  it('a stack with no frame of the bundle is formatted as before the hook', async () => {
    // Two errors from one call site; the first is formatted before the bundle is imported, the second after.
    const run = await runFixture({
      prelude: `const fail = () => { try { JSON.parse('{'); } catch (error) { return error; } };
const plain = [];
for (let i = 0; i < 2; i++) plain.push(fail());
const before = plain[0].stack;`,
      after: "await call('/fails');",
      report: 'before, after: plain[1].stack',
    });
    const { before, after } = run as unknown as { before: string; after: string };

    expect(after).toBe(before);
    expect(after).toContain('at JSON.parse (<anonymous>)');
    // The hook was installed: the bundle's own error is mapped.
    expect(run.logged[0]?.split('\n')[0]).toBe(`    at failDeepInside (${THROW})`);
  });
});

describe('stack frames of TypeScript run from source (the local stack, tsx)', () => {
  it('the edges install no hook: tsx’s own source maps name the files and lines', async () => {
    const script = `const before = Error.prepareStackTrace;
const fixture = await import(${JSON.stringify(`./${FIXTURE}`)});
let stack;
try { await fixture.task({}, { functionName: 'failing-task', awsRequestId: 'tsx', getRemainingTimeInMillis: () => 30000 }); }
catch (error) { stack = error.stack; }
console.log(JSON.stringify({ unchanged: Error.prepareStackTrace === before, stack }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, timeout: 60_000 },
    );
    const run = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { unchanged: boolean; stack: string };

    expect(run.unchanged).toBe(true);
    expect(run.stack.split('\n')[1]).toBe(`    at failDeepInside (${ROOT}/${THROW})`);
  });
});

describe('stack frames of the verify function', () => {
  let aws: Server;
  let endpoint: string;
  beforeAll(async () => {
    // DynamoDB refuses every request: not a retryable error, so verify answers 500 and logs it.
    aws = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazon.coral.validate#ValidationException',
            message: 'One or more parameter values were invalid',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(aws.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => aws.close(() => resolve())));

  async function verifyFails(env: Record<string, string> = {}) {
    const { report, logLines } = await freshImport<{ statusCode: number }>('verify', {
      after: `const answer = await bundle.handler(JSON.parse(process.env.FIRST_EVENT), { functionName: 'verify', awsRequestId: 'stack-frames', getRemainingTimeInMillis: () => 30000 });`,
      report: '{ statusCode: answer.statusCode }',
      logsErrors: true,
      env: { AWS_ENDPOINT_URL: endpoint, FIRST_EVENT: JSON.stringify(FIRST_CALLS.verify), ...env },
    });
    return { statusCode: report.statusCode, logged: unexpectedErrorStacks(logLines) };
  }

  it('a DynamoDB error’s 500 log names the SDK’s source files, as Node’s own mapping does', async () => {
    const hooked = await verifyFails();
    const byNode = await verifyFails({ NODE_OPTIONS: '--enable-source-maps' });

    expect(hooked.statusCode).toBe(500);
    const frames = hooked.logged[0]?.split('\n') ?? [];
    expect(frames).toHaveLength(6);
    expect(frames[0]).toMatch(/^ {4}at \S+ \(node_modules\/@aws-sdk\/core\/dist-es\/.+\.js:\d+:\d+\)$/);
    expect(hooked.logged[0]).not.toContain('index.mjs');
    expect(hooked.logged).toEqual(byNode.logged.map(fromProjectRoot));
  });

  it('an invalid table name fails its cold start with the frames of lambdas/adapters/env.ts and the handler', async () => {
    // The import fails; the Lambda runtime then writes the stack of the error it ended with.
    const { stack } = await importedWith<{ stack: string }>('verify', {
      prelude: `process.on('uncaughtException', (error) => process.stdout.write('\\n' + JSON.stringify({ stack: error.stack }) + '\\n', () => process.exit(0)));`,
      report: '{}',
      environment: { tableName: 'not a table name' },
    });
    const lines = stack.split('\n');

    expect(lines[0]).toBe(
      'InvalidEnvironment: Environment variable TABLE_NAME must be a DynamoDB table name',
    );
    expect(lines[1]).toBe(`    at read (${ENV_THROW})`);
    expect(lines).toContain(
      `    at <anonymous> (${positionOf('lambdas/handlers/verify.ts', 'verifyTableStores()')})`,
    );
  });
});
