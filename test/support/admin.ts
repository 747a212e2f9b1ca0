/** Runs the operator's CLI (scripts/admin.ts) as the operator does, in a child process. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TABLE_NAME } from '../../local/stack.js';
import type { LocalStack } from './stack.js';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface AdminResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as JSON lines (empty when stdout is not JSON lines). */
  lines: Record<string, unknown>[];
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  try {
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

/** `env` replaces the inherited environment's variables of the same name (undefined removes one). */
export async function runAdmin(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<AdminResult> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  try {
    const { stdout, stderr } = await run(TSX, ['scripts/admin.ts', ...args], { cwd: ROOT, env: merged });
    return { code: 0, stdout, stderr, lines: jsonLines(stdout) };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
      lines: jsonLines(e.stdout ?? ''),
    };
  }
}

/** The environment that points the CLI at a test's embedded stack by table name. */
export function tableEnv(stack: LocalStack): Record<string, string> {
  return {
    TABLE_NAME,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}
