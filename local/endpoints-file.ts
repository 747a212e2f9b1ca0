/**
 * The running local stack's endpoints, written by `npm start` to a well-known file so that the
 * operator's CLI (`npm run admin -- --local …`) finds the embedded DynamoDB, whose port changes at
 * every start. One file per HTTP port, in the OS temp folder; removed when the stack stops.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalStackEndpoints {
  pid: number;
  baseUrl: string;
  httpPort: number;
  dynamoEndpoint: string;
  tableName: string;
  region: string;
  dataDir: string | null;
  startedAt: string;
}

/** The folder the files live in (`$TMPDIR/smart-registration-service`). */
export function endpointsFolder(): string {
  return join(tmpdir(), 'smart-registration-service');
}

export function endpointsFile(httpPort: number): string {
  return join(endpointsFolder(), `local-stack-${httpPort}.json`);
}

export function writeEndpointsFile(endpoints: LocalStackEndpoints): string {
  const file = endpointsFile(endpoints.httpPort);
  mkdirSync(endpointsFolder(), { recursive: true });
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  return file;
}

export function removeEndpointsFile(httpPort: number): void {
  rmSync(endpointsFile(httpPort), { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The stacks that announced themselves and still run (files of stopped or killed stacks are skipped). */
export function runningLocalStacks(): LocalStackEndpoints[] {
  let names: string[];
  try {
    names = readdirSync(endpointsFolder());
  } catch {
    return [];
  }
  const stacks: LocalStackEndpoints[] = [];
  for (const name of names.filter((n) => /^local-stack-\d+\.json$/.test(n)).sort()) {
    try {
      const endpoints = JSON.parse(
        readFileSync(join(endpointsFolder(), name), 'utf8'),
      ) as LocalStackEndpoints;
      if (Number.isInteger(endpoints.pid) && isRunning(endpoints.pid)) stacks.push(endpoints);
    } catch {
      // A half-written or foreign file: not a stack we can use.
    }
  }
  return stacks;
}
