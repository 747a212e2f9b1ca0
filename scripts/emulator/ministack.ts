/**
 * MiniStack, the AWS emulator `npm run deploy:local` and `npm run test:deploy` deploy on: installed
 * into a project-local Python virtual environment (.ministack/venv) from the exact versions of
 * deploy/ministack-requirements.txt, started on a free loopback port in its own process group, and
 * stopped with that whole group (its Lambda workers are its children), so nothing is left running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { installPythonVenv, PROJECT_ROOT, PythonSetupError } from '../python-venv.js';

export { PROJECT_ROOT };

export const WORK_DIR = join(PROJECT_ROOT, '.ministack');
const VENV = join(WORK_DIR, 'venv');
const REQUIREMENTS = join(PROJECT_ROOT, 'deploy', 'ministack-requirements.txt');

export class EmulatorSetupError extends Error {}

/** The PATH the emulator and the CDK CLI get: this process's Node (the project's Node 24) first. */
export function pathWithProjectNode(): string {
  return [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
}

/** Creates the venv and installs the pinned MiniStack into it, unless that is already done. */
export function installMiniStack(log: (line: string) => void = () => {}): string {
  try {
    return installPythonVenv(
      { tool: 'MiniStack', venv: VENV, requirements: REQUIREMENTS, binary: 'ministack' },
      log,
    );
  } catch (err) {
    throw err instanceof PythonSetupError ? new EmulatorSetupError(err.message) : err;
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('No free port');
  return address.port;
}

/** How many MiniStack logs (`.ministack/ministack-<port>.log`) stay, this run's included. */
export const KEPT_LOGS = 5;

/** Deletes all but the `keep` newest MiniStack logs in `dir` (by modification time); nothing else. */
export function pruneOldLogs(dir: string, keep: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^ministack-\d+\.log$/.test(name));
  } catch {
    return [];
  }
  const byAge = names
    .map((name) => ({ path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  const removed = byAge.slice(Math.max(keep, 0)).map((log) => log.path);
  for (const path of removed) rmSync(path, { force: true });
  return removed;
}

export interface RunningMiniStack {
  endpoint: string;
  pid: number;
  logFile: string;
  /** Settles when the MiniStack process has exited. */
  exited: Promise<void>;
  /** Stops MiniStack and every process it started (SIGTERM to the group, SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Starts MiniStack on a free loopback port; resolves once it answers its health check. */
export async function startMiniStack(
  options: { log?: (line: string) => void } = {},
): Promise<RunningMiniStack> {
  const binary = installMiniStack(options.log);
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Each run writes its own log: keep the newest few, for looking back at a failed run.
  pruneOldLogs(WORK_DIR, KEPT_LOGS - 1);
  const logFile = join(WORK_DIR, `ministack-${port}.log`);
  const out = openSync(logFile, 'w');
  // Its temporary files (each function's unpacked code) go where stop() removes them; outside the
  // project, whose package.json ("type": "module") would turn MiniStack's CommonJS worker into ESM.
  const tmp = mkdtempSync(join(tmpdir(), 'srs-ministack-'));
  const child = spawn(binary, [], {
    // Its own process group: stopping it reaches the Lambda workers it spawns, too.
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      BIND_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      TMPDIR: tmp,
      // Lambda functions run as local `node` processes: the project's Node 24, the runtime they target.
      PATH: pathWithProjectNode(),
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new EmulatorSetupError(`Could not start ${binary}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningMiniStack = {
    endpoint,
    pid,
    logFile,
    exited,
    stop: async () => {
      await stopGroup(child, exited);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilHealthy(endpoint, child, logFile);
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

async function waitUntilHealthy(endpoint: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new EmulatorSetupError(`MiniStack exited (${child.exitCode}):\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${endpoint}/_ministack/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new EmulatorSetupError(`MiniStack did not answer on ${endpoint} within 60 s:\n${tail(logFile)}`);
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // the group is gone already
    }
  };
  signalGroup('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') signalGroup('SIGKILL');
  await exited;
  // Workers that outlived their parent are still in the group.
  signalGroup('SIGKILL');
}
