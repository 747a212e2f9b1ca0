/** `npm start`'s entry point (local/main.ts) in a process of its own, for the tests of what it prints. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface StartedEntryPoint {
  child: ChildProcess;
  /** All it wrote so far. */
  stdout(): string;
  stderr(): string;
}

/**
 * Starts local/main.ts from `cwd` on a free port with `env` added to this process's (and `args`),
 * as `npm start` runs it: Node itself with tsx's loader, not the tsx CLI (local/main.ts says why).
 */
export function spawnEntryPoint(
  cwd: string,
  env: Record<string, string>,
  /** Options after `--port 0` (a later `--port` wins). */
  args: string[] = [],
): StartedEntryPoint {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}
