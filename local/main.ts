/**
 * `npm start`: the embedded stack on http://127.0.0.1:3000. Its options are USAGE below
 * (`npm start -- --help`); a mistyped option, a port in use, a configuration file that is not
 * there or that seeding refuses against the data folder's table, and a data folder it cannot
 * write or use (another start holds it, a file cut short or of another shape) are one line (or a
 * short list) on stderr beginning `npm start:`, and exit code 2, never a stack trace.
 *
 * package.json runs it with `node --import tsx`, not the tsx CLI: the CLI, a parent process, relays
 * a Ctrl-C its child has not confirmed within 30 ms and kills the child 30 ms later — so a stop under
 * load (the child busy) ended at once as a second signal, or killed before it said `stopping…`.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidEnvironment } from '../lambdas/adapters/env.js';
import { SCOPES } from '../lambdas/routes.js';
import { SeedRefused } from '../lambdas/usecases/seed-config.js';
import { InvalidConfiguration, loadConfig } from './config.js';
import { UnusableDataFolder } from './data-folder.js';
import { removeEndpointsFile, writeEndpointsFile } from './endpoints-file.js';
import { FaultInjector, faultSettingsFrom } from './faults.js';

const USAGE = `Usage: npm start -- [options]   the service on the embedded stack, http://127.0.0.1:3000

Options (the environment variable that does the same in brackets):
  --port <port>         HTTP port, loopback only (PORT); default 3000
  --data-dir <folder>   keep the data there (SRS_DATA_DIR); default in memory: the table, keys,
                        SMS outbox and waiting identifications go with the process
  --config <file>       catalogue, SP setups, local client secrets (SRS_CONFIG); default
                        config/local.json
  --faults <rate>       the emulations fail this share of calls, as AWS does (SRS_FAULTS); default off
  --fault-kinds <list>  which calls fail: dynamodb,sns,task (SRS_FAULT_KINDS); default all
  --fault-seed <n>      the fault sequence's seed (SRS_FAULT_SEED); default random
  --reprice-ended-months  seed the configuration even where it changes the statements of months
                        that have ended (prices, monthly fees' methods): the correction of a past
                        month, for this start only (no variable); without it such a configuration
                        is refused against the data folder, naming each entry, and nothing starts
  -h, --help            this text

Also LOG_LEVEL=DEBUG|INFO|WARN|ERROR|SILENT (default INFO) and POWERTOOLS_METRICS_DISABLED=false
(print the business metrics). What to do once it runs: README.md, "Run it locally" and "Walkthrough".`;

/** A start this process refuses: one line saying what to do instead, exit code 2. */
function refuse(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

let values: ReturnType<typeof parseOptions>['values'];
function parseOptions() {
  return parseArgs({
    options: {
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      port: { type: 'string' },
      faults: { type: 'string' },
      'fault-kinds': { type: 'string' },
      'fault-seed': { type: 'string' },
      'reprice-ended-months': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  ({ values } = parseOptions());
} catch (err) {
  refuse(`${(err as Error).message} (npm start -- --help lists the options)`);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  refuse(
    `invalid port ${values.port ?? process.env.PORT}: give a whole number from 0 to 65535 (0: any free port)`,
  );
const dataDir = values['data-dir'] ?? process.env.SRS_DATA_DIR;
if (dataDir) {
  // Checked before anything starts: the embedded DynamoDB fails on such a folder with a trace, or waits forever.
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (err) {
    const { code } = err as NodeJS.ErrnoException;
    refuse(
      `the data folder ${dataDir} cannot be used (${code ?? (err as Error).message}): give a folder it may create or write`,
    );
  }
}
const configPath = values.config ?? process.env.SRS_CONFIG;
let faultSettings: ReturnType<typeof faultSettingsFrom>;
try {
  faultSettings = faultSettingsFrom({
    rate: values.faults ?? process.env.SRS_FAULTS,
    kinds: values['fault-kinds'] ?? process.env.SRS_FAULT_KINDS,
    seed: values['fault-seed'] ?? process.env.SRS_FAULT_SEED,
  });
} catch (err) {
  refuse((err as Error).message);
}
/**
 * The configuration against what the data folder's table holds: each refusal, and how to write it
 * anyway where it is an ended month the operator means to correct (the same start, plus the option).
 */
function refuseSeeding(err: SeedRefused): never {
  const file = configPath ?? 'config/local.json';
  const table = dataDir ? `the table in the data folder ${dataDir}` : 'the table';
  const sameStart = process.argv
    .slice(2)
    .map((arg) => (/^[\w./:=@,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`));
  console.error(
    [
      `npm start: seeding refuses the configuration ${file} against ${table}; nothing was started or written:`,
      ...err.refusals.map((refusal) => `  ${refusal}`),
      ...(err.endedMonths
        ? [
            `To correct those ended months on purpose (their statements change, which the SPs may have read already), start once with: npm start -- ${[...sameStart, '--reprice-ended-months'].join(' ')}`,
          ]
        : []),
    ].join('\n'),
  );
  process.exit(2);
}
/** A configuration or environment the stack cannot run with: its message says what, no trace. */
function exitOnInvalidSetup(err: Error): never {
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
    refuse(
      `port ${port} is already in use (another npm start?): stop that one, or start on another port: PORT=${port < 65535 ? port + 1 : port - 1} npm start`,
    );
  if (err instanceof SeedRefused) refuseSeeding(err);
  if (
    err instanceof UnusableDataFolder ||
    err instanceof InvalidEnvironment ||
    err instanceof InvalidConfiguration
  )
    refuse(err.message);
  throw err;
}
// Imported here, not above: the functions' modules read their environment (LOG_LEVEL) as they load.
const { startLocalStack, TABLE_NAME } = await import('./stack.js').catch(exitOnInvalidSetup);
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(configPath);
} catch (err) {
  exitOnInvalidSetup(err as Error);
}
const started = Date.now();
const stack = await startLocalStack({
  port,
  dataDir,
  config,
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  repriceEndedMonths: values['reprice-ended-months'] === true,
  ...(faultSettings ? { faults: new FaultInjector(faultSettings) } : {}),
}).catch(exitOnInvalidSetup);
// The shipped demo secrets are printed (the README lists them); those of another file are not.
const secretOf = (secret: string | undefined) =>
  configPath ? `secret in ${configPath}` : `secret ${secret}`;
const resumed = stack.stepFunctions.list().filter((e) => e.status === 'RUNNING').length;
const clients = stack.config.serviceProviders
  .filter((sp) => sp.clientSecret)
  .map((sp) => `    ${sp.clientId.padEnd(14)} ${secretOf(sp.clientSecret)}   (${sp.name})`)
  .join('\n');
const partnerClients = stack.config.isps
  .flatMap((isp) => isp.clients.filter((c) => c.clientSecret).map((c) => ({ ...c, issuer: isp.issuer })))
  .map(
    (c) =>
      `    ${c.clientId.padEnd(14)} ${secretOf(c.clientSecret)}   (${c.issuer}; scope ${c.scopes.join(' ')})`,
  )
  .join('\n');

// The operator's CLI finds this stack through this file (`npm run admin -- --local …`).
const httpPort = Number(new URL(stack.baseUrl).port);
writeEndpointsFile({
  pid: process.pid,
  baseUrl: stack.baseUrl,
  httpPort,
  dynamoEndpoint: stack.dynamoEndpoint,
  tableName: TABLE_NAME,
  region: 'local',
  dataDir: dataDir ?? null,
  startedAt: new Date().toISOString(),
});
process.on('exit', () => removeEndpointsFile(httpPort));

console.log(`
Smart Registration Service — local stack ready in ${Date.now() - started} ms
  Demo portal       ${stack.baseUrl}/demo-portal   (Bob's journey in a browser: a demo signing portal)
  API               ${stack.baseUrl}/api
  API docs          ${stack.baseUrl}/docs   (OpenAPI: ${stack.baseUrl}/openapi.json)
  OAuth token       ${stack.baseUrl}/oauth2/token   (client credentials; scopes ${Object.values(SCOPES).join(' ')})
  Introspection     ${stack.baseUrl}/oauth2/introspect   (RFC 7662; order tokens: ${stack.baseUrl}/isp/v1/jwks.json)
  SMS outbox        ${stack.baseUrl}/_local/sms.html
  Executions        ${stack.baseUrl}/_local/executions
  Queues            ${stack.baseUrl}/_local/queues   (webhook deliveries, dead letters)
${faultSettings ? `  Faults            ${faultSettings.rate} of ${faultSettings.kinds.join(', ')} calls fail (seed ${faultSettings.seed}; counts: ${stack.baseUrl}/_local/faults)\n` : ''}  Data              ${dataDir ? `persisted in ${dataDir}${resumed ? ` (${resumed} waiting identifications resumed)` : ''}` : 'in memory (use --data-dir to keep it)'}
  Admin CLI         npm run admin -- --local --help   (this stack's table: ${TABLE_NAME} at ${stack.dynamoEndpoint})
  Demo SP clients:
${clients}
  Partner clients (token introspection):
${partnerClients}
Press Ctrl-C to stop.`);

// The stack serves the committed OpenAPI documents: after a schema or route change without
// `npm run openapi` they are stale, which one line says (a developer mid-change still wants the
// stack, so it runs on). Checked after the banner: loading the generator and generating the two
// documents to compare takes about 0.1 s of CPU, up to 0.26 s on a busy 2-core machine, which the
// ready time does not wait for.
setImmediate(async () => {
  try {
    const { staleOpenApiWarning } = await import('../scripts/openapi-document.js');
    const warning = staleOpenApiWarning();
    if (warning) console.warn(warning);
  } catch (err) {
    console.warn(
      `Warning: the OpenAPI documents could not be generated to compare with docs/ (${(err as Error).message}): /openapi.json and /docs serve the committed ones.`,
    );
  }
});

/**
 * How long a stop waits for the work in flight (requests, task functions, deliveries: the stack
 * refuses new requests meanwhile) before it exits without it. A function waiting on a partner or a
 * webhook endpoint could otherwise hold it for as long as that takes.
 */
const STOP_WAIT_MS = 20_000;
/**
 * A signal repeated sooner than this after the first is the same Ctrl-C reaching the process twice:
 * the terminal sends it to the whole process group, and npm relays it to its child, which is this
 * process where the shell runs the script in its place (bash as sh does): 1 in 4 stops under load
 * ended at once. A person pressing Ctrl-C again presses it later.
 */
const SAME_SIGNAL_MS = 1000;
let stoppingSince: number | undefined;
const stop = async (signal: string) => {
  if (stoppingSince !== undefined) {
    if (performance.now() - stoppingSince < SAME_SIGNAL_MS) return;
    // A second Ctrl-C: whoever pressed it does not want to wait.
    console.error(`npm start: ${signal} again: stopped without waiting for the work in flight`);
    process.exit(1);
  }
  stoppingSince = performance.now();
  console.log(`\n${signal}: stopping…`);
  const waited = setTimeout(() => {
    console.error(
      `npm start: the work in flight did not finish within ${STOP_WAIT_MS / 1000} s; stopped without waiting for it`,
    );
    process.exit(1);
  }, STOP_WAIT_MS);
  await stack.close();
  clearTimeout(waited);
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
