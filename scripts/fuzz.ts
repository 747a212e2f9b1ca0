/**
 * `npm run fuzz`: the OpenAPI fuzzer (schemathesis) by hand. Without `--url` it starts an embedded
 * stack of its own on a free port; with `--url` it fuzzes a running one (`npm start`, or a deployed
 * stage with `--token-url` and `--client id:secret`). Options it does not know go to `st run`
 * (`-n 100`, `--seed 7`, `--include-path /api/verify`, `--phases stateful` …). `--install-only`
 * installs the pinned schemathesis into .fuzz/venv and stops (CI does this before the suites).
 * Exit code: schemathesis's (0 when no check failed). See docs/fuzzing.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../local/config.js';
import { startLocalStack } from '../local/stack.js';
import { type FuzzClient, installSchemathesis, runSchemathesis } from './fuzz/schemathesis.js';
import { staleOpenApiWarning } from './openapi-document.js';
import { PythonSetupError } from './python-venv.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function parseArgs(argv: string[]) {
  const own = {
    installOnly: false,
    url: undefined as string | undefined,
    tokenUrl: undefined as string | undefined,
  };
  const clients: FuzzClient[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--install-only') own.installOnly = true;
    else if (arg === '--url') own.url = value().replace(/\/+$/, '');
    else if (arg === '--token-url') own.tokenUrl = value();
    else if (arg === '--client') {
      const [clientId, ...secret] = value().split(':');
      clients.push({ clientId: clientId as string, clientSecret: secret.join(':') });
    } else rest.push(arg);
  }
  return { ...own, clients, rest };
}

/** The first two SPs of the local configuration (config/local.json: demo-portal and demo-bank). */
function localClients(config = loadConfig()): [FuzzClient, FuzzClient] {
  const sps = config.serviceProviders.filter((c) => c.clientSecret);
  if (sps.length < 2) throw new Error('The configuration needs two SP clients with secrets.');
  const [a, b] = sps.map((c) => ({ clientId: c.clientId, clientSecret: c.clientSecret as string }));
  return [a as FuzzClient, b as FuzzClient];
}

function twoClients(clients: FuzzClient[]): [FuzzClient, FuzzClient] {
  if (clients.length !== 2) throw new Error('Give --client twice: the SP that fuzzes, and its peer.');
  return clients as [FuzzClient, FuzzClient];
}

let exitCode = 1;
try {
  const args = parseArgs(process.argv.slice(2));
  installSchemathesis(log);
  if (args.installOnly) process.exit(0);
  const stack = args.url
    ? undefined
    : await startLocalStack({ port: 0, logLevel: 'ERROR', rateLimits: false, timeToLiveSweepSeconds: 0 });
  const baseUrl = args.url ?? (stack?.baseUrl as string);
  if (stack) log(`Embedded stack on ${baseUrl} (in memory, stopped afterwards)`);
  // Its document is the committed one: fuzzing a stale one by hand is allowed, not unnoticed.
  const stale = stack ? staleOpenApiWarning() : undefined;
  if (stale) log(stale);
  const reportDir = mkdtempSync(join(tmpdir(), 'srs-fuzz-'));
  try {
    const run = await runSchemathesis({
      baseUrl,
      clients: args.clients.length ? twoClients(args.clients) : localClients(stack?.config),
      ...(args.tokenUrl ? { tokenUrl: args.tokenUrl } : {}),
      reportDir,
      extraArgs: args.rest,
      onOutput: (chunk) => process.stdout.write(chunk),
    });
    log(`Reports: ${reportDir}`);
    exitCode = run.exitCode ?? 1;
  } finally {
    await stack?.close();
  }
} catch (err) {
  log(err instanceof PythonSetupError ? err.message : `fuzz failed: ${(err as Error).stack}`);
}
// The stack's state machine executions may still wait for a partner or a person: end them with it.
process.exit(exitCode);
