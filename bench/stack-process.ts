/**
 * The local stack as its own process — `npm start`'s entry point (local/main.ts) with a data
 * folder — so that the fault run can kill it and start it again, and read every line it logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { endpointsFile, type LocalStackEndpoints } from '../local/endpoints-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY = /local stack ready/;

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface StackProcessOptions {
  port: number;
  dataDir: string;
  configPath: string;
  env: Record<string, string>;
  /** Every line the process writes, stdout and stderr. */
  onLine: (line: string) => void;
  /** Also append every line to this file (kept after the run, for reading a crash). */
  logFile?: string;
  /** The process ended without being asked to (with its last lines). */
  onUnexpectedExit?: (report: string) => void;
  readyTimeoutMs?: number;
}

export class StackProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  dynamoEndpoint = '';
  readonly baseUrl: string;
  starts = 0;
  /** Exits nobody asked for (a crash of the stack itself), with the last lines it wrote. */
  readonly unexpectedExits: string[] = [];
  private stopping = false;

  constructor(private readonly options: StackProcessOptions) {
    this.baseUrl = `http://127.0.0.1:${options.port}`;
  }

  /** Starts `local/main.ts` and resolves once it printed that it is ready. */
  async start(): Promise<void> {
    const o = this.options;
    this.starts += 1;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'local/main.ts',
        '--port',
        String(o.port),
        '--data-dir',
        o.dataDir,
        '--config',
        o.configPath,
      ],
      // Its own process group: only this driver's kill reaches it.
      { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    this.child = child;
    this.stopping = false;
    let output = '';
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.stopping)
          this.unexpectedExits.push(
            `exit ${code ?? signal}; last lines:\n${output.split('\n').slice(-15).join('\n')}`,
          );
        resolve();
      }),
    );
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the stack did not start in time:\n${output.slice(-2000)}`)),
        o.readyTimeoutMs ?? 60_000,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the stack exited (${code}) before it was ready:\n${output.slice(-2000)}`));
      });
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) {
            o.onLine(line);
            if (o.logFile) appendFileSync(o.logFile, `${line}\n`);
            output = `${output.slice(-20_000)}${line}\n`;
            if (READY.test(line)) {
              clearTimeout(timer);
              resolve();
            }
          }
        });
        stream?.on('end', () => rest && o.onLine(rest));
      }
    });
    await ready;
    // Belt and braces: notice a vanished process even if its exit event is not seen.
    const pid = child.pid;
    const watch = setInterval(() => {
      if (this.child !== child || child.exitCode !== null || child.signalCode !== null)
        return clearInterval(watch);
      try {
        process.kill(pid as number, 0);
      } catch {
        clearInterval(watch);
        if (!this.stopping) {
          const report = `vanished; last lines:\n${output.split('\n').slice(-25).join('\n')}`;
          this.unexpectedExits.push(report);
          o.onUnexpectedExit?.(report);
        }
      }
    }, 2000);
    watch.unref();
    // npm start writes its endpoints for the admin CLI; the embedded DynamoDB's port is new each start.
    const endpoints = JSON.parse(readFileSync(endpointsFile(o.port), 'utf8')) as LocalStackEndpoints;
    this.dynamoEndpoint = endpoints.dynamoEndpoint;
  }

  /** SIGKILL: a crash, nothing is closed cleanly. */
  async kill(): Promise<void> {
    this.stopping = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the stack closes as on Ctrl-C. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.child?.kill('SIGTERM');
    await this.exited;
  }
}
