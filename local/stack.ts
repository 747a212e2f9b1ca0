/**
 * The embedded stack: everything `npm start` runs, in one process, with no AWS and no Docker.
 * It emulates AWS services only — API Gateway, Cognito, Step Functions, SNS — around an embedded
 * DynamoDB, and runs the handler modules of lambdas/ in-process. No business rule lives here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createAccessTokenVerifier } from '../lambdas/adapters/access-token.js';
import { createRepository, type Repository } from '../lambdas/adapters/dynamo/repository.js';
import { assertPartnerSecretsConfigured } from '../lambdas/adapters/env.js';
import { applyLogLevelEnv } from '../lambdas/adapters/logger.js';
import { publicJwkOf } from '../lambdas/adapters/order-token-keys.js';
import {
  oauthClientsOf,
  partnerSecretVariables,
  type ServiceConfig,
} from '../lambdas/core/service-config.js';
import { LOCAL_STAGE } from '../lambdas/core/stage.js';
import { EVENT_SOURCE_FUNCTIONS } from '../lambdas/event-sources.js';
import {
  type GatewayResponseType,
  gatewayProblemBody,
  gatewayProblemHeaders,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
} from '../lambdas/http/gateway-responses.js';
import { routesOfStage } from '../lambdas/routes.js';
import { seedConfig } from '../lambdas/usecases/seed-config.js';
import type { EnvironmentSources } from '../lib/function-environment.js';
import type { QueueName, SecretName } from '../lib/function-permissions.js';
import { LocalApiGateway, MAX_PAYLOAD_BYTES } from './api-gateway.js';
import { LocalAuthorizationServer, loadOrCreateSigningKey } from './cognito.js';
import { checkEnabledMethods, checkPartnerKeys, loadConfig } from './config.js';
import { embeddedDocumentClient, startDynamo } from './dynamodb.js';
import { LocalDynamoStream, type OnFailureMessage } from './dynamodb-streams.js';
import { type FaultInjector, sdkAttemptOf } from './faults.js';
import { localFunctionEnvironments, localFunctions } from './function-environment.js';
import { loadHandler } from './handler-modules.js';
import { concurrentInvocations, invokeFunction, lambdaContext } from './lambda-context.js';
import type { MetricsHooks } from './metrics-hooks.js';
import { isOwnConnection, watchOwnConnections } from './own-connections.js';
import { type LocalSecrets, loadOrCreateLocalSecrets, withTestIspKey } from './secrets.js';
import { LocalSmsOutbox } from './sns.js';
import { LocalSqs } from './sqs.js';
import { LocalStepFunctions, type LocalStepFunctionsOptions } from './stepfunctions.js';
import { LocalTimeToLive } from './time-to-live.js';

/** The delivery queue's dead-letter queue, by its name in the stack (lib/event-sources.ts, without the stage prefix). */
const DEAD_LETTERS: QueueName = 'webhook-dead-letters';

export const TABLE_NAME = 'smart-registration';
/** The SP client the demo portal signs in with (config/local.json). */
export const DEMO_PORTAL_CLIENT_ID = 'demo-portal';
/** The state machine the stack runs (statemachines/identification.asl.json). */
const STATE_MACHINE_NAME = 'identification';
export const STATE_MACHINE_ARN = `arn:aws:states:local:000000000000:stateMachine:${STATE_MACHINE_NAME}`;
const ASL_PATH = fileURLToPath(new URL(`../statemachines/${STATE_MACHINE_NAME}.asl.json`, import.meta.url));

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Persist the table, keys, outbox and running executions here; in memory when absent. */
  dataDir?: string | undefined;
  config?: ServiceConfig;
  /** Fixed DynamoDB port (tests restarting a stack in one process need the same one). */
  dynamoPort?: number;
  rateLimits?: boolean;
  stepFunctions?: Pick<LocalStepFunctionsOptions, 'taskOverrides' | 'retryIntervalMs'>;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * How long handlers serve configuration from memory (`CONFIG_CACHE_SECONDS`). 0 (the default
   * here) lets tests see config changes at once; AWS uses 60, so that verify costs one GetItem.
   * Read when a handler module loads: the first stack in a process decides.
   */
  configCacheSeconds?: number;
  /**
   * How often a verify function instance writes its pending usage counts and its answers' metric
   * sums (`VERIFY_COUNT_FLUSH_SECONDS`, 1 as in AWS; 0 writes with every call). Read when the verify
   * handler module loads: the first stack in a process decides.
   */
  verifyCountFlushSeconds?: number;
  /** Seconds between the Time to Live emulation's sweeps (default 60; 0: only `timeToLive.sweep()`). */
  timeToLiveSweepSeconds?: number;
  /** Record what CloudWatch would report (invocations, durations, API requests, DynamoDB units). */
  metrics?: MetricsHooks;
  /** For tests: the stack, once bound, waits for this before it serves (it answers 503 meanwhile). */
  startupGate?: Promise<void>;
  /** Transient faults the emulations inject (DynamoDB, SNS, task invocations); none when absent. */
  faults?: FaultInjector;
  webhooks?: {
    /** Seconds between delivery attempts (`WEBHOOK_RETRY_DELAYS`); the default spans about a day. */
    retryDelaysSeconds?: number[];
    /** How long a receiver may take (`WEBHOOK_TIMEOUT_MS`); 10 s by default. */
    timeoutMs?: number;
    /** How soon a message the delivery function failed on comes back (SQS visibility timeout). */
    visibilityTimeoutSeconds?: number;
  };
  /**
   * The pause before the change feed's first retry of a failing batch and the longest one (ms; 100
   * doubling up to 30 000 by default): tests shorten them to watch a record's retries run out.
   */
  changeFeed?: { retryPauseMs?: number; maxRetryPauseMs?: number };
  /**
   * Event source mappings left disabled (a mapping's `Enabled: false` in AWS), by function: the
   * function gets no records from its stream. Tests disable one to watch what happens without it.
   */
  disabledEventSources?: readonly string[];
  /**
   * Seed a configuration that changes the statements of months that have ended (prices, monthly
   * fees' methods): the operator's correction of a past month (`seed --reprice-ended-months`).
   */
  repriceEndedMonths?: boolean;
}

export interface LocalStack {
  baseUrl: string;
  dynamoEndpoint: string;
  config: ServiceConfig;
  auth: LocalAuthorizationServer;
  repository: Repository;
  stepFunctions: LocalStepFunctions;
  outbox: LocalSmsOutbox;
  /** DynamoDB Time to Live, emulated: `sweep(at)` deletes what has expired at that time. */
  timeToLive: LocalTimeToLive;
  sqs: LocalSqs;
  stream: LocalDynamoStream;
  /**
   * Per event-sourced function, the discarded batches whose on-failure message the destination
   * refused (Lambda's DestinationDeliveryFailures metric): those records are lost.
   */
  destinationDeliveryFailures: ReadonlyMap<string, number>;
  /** The API Gateway emulation's in-process entry (the benchmark calls it without the HTTP server). */
  gateway: LocalApiGateway;
  /**
   * Each function's environment, by handler, as the CDK stack gives it (lib/function-environment.ts)
   * with the emulations' values; the process holds them all.
   */
  functionEnvironments: ReadonlyMap<string, Readonly<Record<string, string>>>;
  close(): Promise<void>;
}

/**
 * Handler modules load once per process and keep their SDK clients, like a warm Lambda container.
 * A later stack in the same process (tests) therefore listens on the ports of the first one.
 */
let processPorts: { http: number; dynamo: number } | undefined;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const config = options.config ?? loadConfig();
  await checkPartnerKeys(config);
  checkEnabledMethods(config);
  // What CDK puts in the environment of the functions that open orders (context partnerSecrets),
  // here from the configuration; a secret the shell does not hold fails the start, naming it.
  const partnerSecrets = partnerSecretVariables(config);
  assertPartnerSecretsConfigured(partnerSecrets);
  process.env.PARTNER_SECRETS = partnerSecrets.join(',');
  // Every function runs in this one process, each invocation in its own context (see there).
  await concurrentInvocations();
  const stream = new LocalDynamoStream(TABLE_NAME, ['PK', 'SK']);
  const dynamo = await startDynamo({
    stream,
    dataDir: options.dataDir,
    tableName: TABLE_NAME,
    stage: LOCAL_STAGE,
    port: options.dynamoPort ?? processPorts?.dynamo,
    metrics: options.metrics,
    faults: options.faults,
  });

  const db = embeddedDocumentClient(dynamo.endpoint);
  const repository = createRepository(db, TABLE_NAME);
  // Before anything listens: the data folder's key files and SMS outbox read, the configuration
  // seeded. A file that is no JSON, or a configuration seeding refuses against what the table holds
  // (a data folder's ended months, a published terms text), fails the start with nothing written, no
  // port open and the table closed again. The Test-ISP signs with the key pair generated for this
  // stack; its public half is registered.
  let secrets: LocalSecrets;
  let key: Awaited<ReturnType<typeof loadOrCreateSigningKey>>;
  let outbox: LocalSmsOutbox;
  try {
    secrets = await loadOrCreateLocalSecrets(options.dataDir);
    key = await loadOrCreateSigningKey(options.dataDir);
    outbox = new LocalSmsOutbox(options.dataDir, options.faults);
    const seed = () =>
      seedConfig(repository, withTestIspKey(config, secrets.testIspPublicJwk), {
        repriceEndedMonths: options.repriceEndedMonths === true,
        // npm start names its own option, in the whole command to run, after the refusals.
        repriceHint: false,
      });
    await (options.faults ? options.faults.withoutFaults(seed) : seed());
  } catch (err) {
    db.destroy();
    await dynamo.close();
    throw err;
  }

  // Bind first, so the issuer and the public URLs carry the real port; until the stack is ready,
  // a request is answered 503 with Retry-After (never accepted and left hanging).
  let serveReady: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  // Before any function runs: a stop tells their calls from a caller's (serveReady).
  watchOwnConnections();
  const server = createServer((req, res) => {
    if (serveReady) return serveReady(req, res);
    req.resume();
    sendUnavailable(res, 'starting');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port || processPorts?.http || (options.port ?? 3000), host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  processPorts = { http: port, dynamo: Number(new URL(dynamo.endpoint).port) };
  const baseUrl = `http://${host}:${port}`;

  const secretValues = localSecretValues(secrets, config);
  const sqs = new LocalSqs(`${baseUrl}/_aws/sqs`);
  // The environment the CDK stack gives each function (lib/function-environment.ts), with the
  // emulations' values; all functions share this process, so it holds them all.
  const functionEnvironments = localFunctionEnvironments(localFunctions(LOCAL_STAGE, ASL_PATH), {
    stage: LOCAL_STAGE,
    // Any other value fails the start as the functions' logger reads it (adapters/env.ts names it).
    logLevel: (options.logLevel ?? process.env.LOG_LEVEL ?? 'WARN') as EnvironmentSources['logLevel'],
    tableName: TABLE_NAME,
    publicBaseUrl: baseUrl,
    // The OAuth token endpoint and the access tokens' issuer: Cognito's user pool in AWS.
    tokenUrl: `${baseUrl}/oauth2/token`,
    accessTokenIssuer: baseUrl,
    // RETENTION_* from the shell, if any, stay (retentionEnvironment is the deployment's context).
    retentionEnvironment: {},
    stateMachineArn(machine) {
      if (machine !== STATE_MACHINE_NAME)
        throw new Error(`The embedded stack runs no state machine ${machine}`);
      return STATE_MACHINE_ARN;
    },
    secretValue: (name) => secretValues[name],
    partnerSecrets,
    // What the shell holds (assertPartnerSecretsConfigured checked it is there).
    partnerSecretValue: (name) => process.env[name] ?? '',
    secretsRevision: undefined,
    queueUrl: (name) => sqs.urlOf(name),
    smsSenderId: undefined,
  });
  Object.assign(process.env, functionEnvironments.process, {
    // What only the emulations need: their endpoints, credentials the SDK accepts, their settings.
    AWS_REGION: 'eu-central-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SFN: `${baseUrl}/_aws/sfn`,
    AWS_ENDPOINT_URL_SNS: `${baseUrl}/_aws/sns`,
    AWS_ENDPOINT_URL_SQS: `${baseUrl}/_aws/sqs`,
    WEBHOOK_RETRY_DELAYS: options.webhooks?.retryDelaysSeconds?.join(',') ?? '',
    WEBHOOK_TIMEOUT_MS: String(options.webhooks?.timeoutMs ?? ''),
    CONFIG_CACHE_SECONDS: String(options.configCacheSeconds ?? 0),
    VERIFY_COUNT_FLUSH_SECONDS: String(options.verifyCountFlushSeconds ?? 1),
    // The business metrics' EMF lines are for CloudWatch: written only when asked for.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // The demo portal links to the local SMS outbox.
    DEMO_PORTAL_SMS_OUTBOX_URL: `${baseUrl}/_local/sms.html`,
  });
  // The functions' shared logger was built when this module loaded, before this environment: it
  // takes the level now, as a container does at init (else useStack's SILENT went unheard).
  applyLogLevelEnv();
  delete process.env.AWS_PROFILE;
  // A data folder from before GSI2: its orders get their index keys, as `admin index-orders` does in
  // AWS; a new table is marked indexed the same way (no orders yet), so erasure uses GSI2 alone.
  const index = async () => {
    if (dynamo.tableUpgraded || !(await repository.ordersIndexedByMobile()))
      await repository.indexOrdersByMobile();
  };
  await (options.faults ? options.faults.withoutFaults(index) : index());
  const timeToLive = new LocalTimeToLive(db, TABLE_NAME);
  const sweepSeconds = options.timeToLiveSweepSeconds ?? 60;
  if (sweepSeconds > 0) timeToLive.start(sweepSeconds * 1000);

  const auth = new LocalAuthorizationServer(baseUrl, key, oauthClientsOf(config));
  const gateway = new LocalApiGateway({
    routes: routesOfStage(LOCAL_STAGE),
    stage: LOCAL_STAGE,
    rateLimits: options.rateLimits,
    metrics: options.metrics,
    verifyToken: createAccessTokenVerifier({ issuer: baseUrl, jwks: auth.jwks }),
  });
  await options.startupGate;
  const stepFunctions = new LocalStepFunctions({
    aslPath: ASL_PATH,
    stateMachineArn: STATE_MACHINE_ARN,
    dataDir: options.dataDir,
    ...options.stepFunctions,
    metrics: options.metrics,
    faults: options.faults,
  });

  // The stack's dead-letter queues: webhook-dead-letters for the deliveries and the fan-out's
  // discarded change-feed batches, one of its own for the relay's (lambdas/event-sources.ts).
  const deadLetterQueues = new Set<QueueName>([DEAD_LETTERS]);
  for (const { source } of EVENT_SOURCE_FUNCTIONS)
    if (source.kind === 'table-stream') deadLetterQueues.add(source.onFailureQueue);
  for (const name of deadLetterQueues) sqs.createQueue(name);
  const destinationDeliveryFailures = new Map<string, number>();
  for (const fn of EVENT_SOURCE_FUNCTIONS) {
    const invoke = async <E, R>(event: E): Promise<R> => {
      // Lambda-shaped context, as the API and task functions get (Powertools reads it).
      const context = lambdaContext(fn.handler, randomUUID(), fn.timeoutSeconds * 1000);
      const call = async () =>
        invokeFunction(
          await loadHandler<(e: E, c: typeof context) => Promise<R>>(fn.handler),
          event,
          context,
        );
      return options.metrics ? options.metrics.invoke(fn.handler, call) : call();
    };
    if (fn.source.kind === 'queue') {
      sqs.createQueue(fn.source.queue, {
        deadLetter: DEAD_LETTERS,
        maxReceiveCount: fn.source.maxReceiveCount,
      });
      sqs.subscribe(fn.source.queue, (records) => invoke({ Records: records }), {
        functionName: fn.handler,
        batchSize: fn.source.batchSize,
        visibilityTimeoutSeconds:
          options.webhooks?.visibilityTimeoutSeconds ?? fn.source.visibilityTimeoutSeconds,
      });
    } else if (!options.disabledEventSources?.includes(fn.handler)) {
      // Discarded records' metadata go to the mapping's on-failure queue, as in the stack.
      const onFailureQueue = fn.source.onFailureQueue;
      const deadLetters = sqs.urlOf(onFailureQueue);
      stream.subscribe((records) => invoke({ Records: records }), {
        ...fn.source,
        ...options.changeFeed,
        functionArn: `arn:aws:lambda:local:000000000000:function:${fn.handler}`,
        onFailure: (message) => {
          const sent = sqs.handleAwsRequest(
            'AmazonSQS.SendMessage',
            JSON.stringify({ QueueUrl: deadLetters, MessageBody: message }),
          );
          if (sent.status === 200) return;
          // Lambda counts a send its destination refused (DestinationDeliveryFailures) and the feed
          // goes on: the discarded records are lost. Said here with their sequence numbers, no data.
          destinationDeliveryFailures.set(fn.handler, (destinationDeliveryFailures.get(fn.handler) ?? 0) + 1);
          const { DDBStreamBatchInfo: batch } = JSON.parse(message) as OnFailureMessage;
          const refusal = String((sent.body as { __type?: string }).__type).replace(/^.*#/, '');
          console.error(
            `[local] ${fn.handler}: the on-failure destination ${onFailureQueue} refused the discarded records ${batch.startSequenceNumber}-${batch.endSequenceNumber} (${refusal}); they are lost`,
          );
        },
      });
    }
  }

  // Requests still being handled: closing waits for them, as a draining gateway does, so that no
  // handler writes to the table after it is closed.
  const inFlight = new Set<Promise<void>>();
  const drainRequests = async () => {
    for (let round = 0; round < 20 && inFlight.size > 0; round++) await Promise.allSettled([...inFlight]);
  };
  // Once stopping, a request from outside is refused at once (503, Connection: close): admitted, it
  // would be one more for each drain round to wait for, and callers under load kept a stop going
  // round after round (47 s, some 2,800 requests served meanwhile, with 60 callers). The functions
  // that finish their work are still answered: by the emulations (/_aws/) and by the stack's own
  // routes they call (the Test-ISP's messages to the ISP callbacks, the demo portal's API calls),
  // else a stop cut an identification in half (its done event taken, its evidence refused).
  let stopping = false;
  serveReady = (req, res) => {
    if (stopping && !isOwnConnection(req.socket) && !pathAsSent(req.url ?? '/').startsWith('/_aws/')) {
      req.resume();
      sendUnavailable(res, 'stopping');
      return;
    }
    const handled = serve(req, res, {
      baseUrl,
      auth,
      gateway,
      stepFunctions,
      outbox,
      sqs,
      metrics: options.metrics,
      faults: options.faults,
    }).catch((err: Error) => {
      // No path or query in the log: they may carry tokens.
      console.error(`[local] ${req.method} request failed: ${err.name}`);
      if (!res.headersSent) sendGatewayProblem(res, 'DEFAULT_5XX');
    });
    inFlight.add(handled);
    handled.finally(() => inFlight.delete(handled));
  };
  stepFunctions.resumeSaved();

  return {
    baseUrl,
    dynamoEndpoint: dynamo.endpoint,
    config,
    auth,
    repository,
    stepFunctions,
    outbox,
    timeToLive,
    sqs,
    stream,
    destinationDeliveryFailures,
    gateway,
    functionEnvironments: functionEnvironments.byFunction,
    async close() {
      stopping = true;
      // Idle keep-alive connections go now; a busy one is closed after its answer.
      server.closeIdleConnections();
      await timeToLive.stop();
      await drainRequests();
      await stepFunctions.close();
      // Task functions finishing above may have called the emulations over HTTP (SNS, SFN).
      await drainRequests();
      // Then the queue and the change feed: a running delivery or fan-out finishes, and from then on
      // the feed refuses writes, so nothing reaches the table after it is closed.
      await sqs.close();
      await stream.close();
      await drainRequests();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dynamo.close();
    },
  };
}

/**
 * What the secrets of Secrets Manager hold in AWS, here: the keys generated for this stack (the
 * order-token key set is the public half of its signing key), and the demo portal's client
 * credentials from the local configuration.
 */
function localSecretValues(secrets: LocalSecrets, config: ServiceConfig): Record<SecretName, string> {
  const demoPortal = oauthClientsOf(config).find((c) => c.clientId === DEMO_PORTAL_CLIENT_ID);
  return {
    serialNumberKey: secrets.serialNumberKey,
    orderTokenPrivateJwk: JSON.stringify(secrets.orderTokenPrivateJwk),
    orderTokenPublicJwks: JSON.stringify({ keys: [publicJwkOf(secrets.orderTokenPrivateJwk)] }),
    testIspPrivateJwk: JSON.stringify(secrets.testIspPrivateJwk),
    demoPortalClientId: demoPortal?.clientId ?? '',
    demoPortalClientSecret: demoPortal?.clientSecret ?? '',
    demoPortalCookieKey: secrets.demoPortalCookieKey,
  };
}

interface Services {
  baseUrl: string;
  auth: LocalAuthorizationServer;
  gateway: LocalApiGateway;
  stepFunctions: LocalStepFunctions;
  outbox: LocalSmsOutbox;
  sqs: LocalSqs;
  metrics?: MetricsHooks | undefined;
  faults?: FaultInjector | undefined;
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  res.writeHead(status, headers);
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  send(res, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(body));

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The stack's own 503 (local only: a deployed API neither starts nor stops): `starting` while it
 * starts (retry in a moment), `stopping` once it stops (the connection closes: nothing follows).
 */
function sendUnavailable(res: ServerResponse, state: 'starting' | 'stopping'): void {
  const body = {
    type: `${PROBLEM_TYPE_BASE}${state}`,
    title: 'Service unavailable',
    status: 503,
    detail:
      state === 'starting' ? 'The service is starting; retry in a moment.' : 'The local stack is stopping.',
  };
  send(
    res,
    503,
    {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Cache-Control': 'no-store',
      ...(state === 'starting' ? { 'Retry-After': '1' } : { Connection: 'close' }),
    },
    JSON.stringify(body),
  );
}

/** An answer the gateway gives itself, from the same table as API Gateway's gateway responses. */
function sendGatewayProblem(
  res: ServerResponse,
  type: GatewayResponseType,
  headers: Record<string, string> = {},
): void {
  const body = gatewayProblemBody(type);
  send(res, body.status, { ...gatewayProblemHeaders(type), ...headers }, JSON.stringify(body));
}

/**
 * The request's URL. A target that starts with `/` is a path, `//` and `//x/y` too: the URL parser
 * reads `//x/y` against a base as scheme-relative (the host `x`, the path `/y`) and fails on `//`.
 * An absolute target (a proxy's) is read as it is; undefined for one that is no URL (`http://[`).
 * Its `pathname` has dot segments resolved: routing reads pathAsSent instead.
 */
function requestUrl(target: string, baseUrl: string): URL | undefined {
  try {
    return target.startsWith('/') ? new URL(`${new URL(baseUrl).origin}${target}`) : new URL(target, baseUrl);
  } catch {
    return undefined;
  }
}

/**
 * The path of a request target as it was sent, for routing (ADR 0027, addendum): no dot segment
 * resolved (`/terms/%2e%2e` and `/terms/..` are not `/`, as the URL parser makes them) and no
 * backslash read as a slash, so that no spelling of a path reaches another resource; characters
 * the URL standard percent-encodes in a path are encoded as it does.
 */
function pathAsSent(target: string): string {
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '') || '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what it encodes.
  return path.replace(/[\u0000-\u0020"<>`{}\u007f-\uffff]/g, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate, as the URL parser writes it
    }
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, s: Services): Promise<void> {
  const method = req.method ?? 'GET';
  const body = await readBody(req, MAX_PAYLOAD_BYTES);
  if (body === undefined) {
    req.resume();
    return sendGatewayProblem(res, 'REQUEST_TOO_LARGE', { Connection: 'close' });
  }
  const url = requestUrl(req.url ?? '/', s.baseUrl);
  // A caller's malformed request line is its 400, never a 500.
  if (!url) return sendGatewayProblem(res, 'DEFAULT_4XX');
  const path = pathAsSent(req.url ?? '/');

  // Cognito (authorization server)
  if (path === '/oauth2/token' && method === 'POST') {
    s.metrics?.recordTokenRequest();
    const out = await s.auth.token({
      headers: req.headers as Record<string, string | undefined>,
      authorizationLines: req.headersDistinct.authorization?.length,
      body: body.toString('utf8'),
    });
    return sendJson(res, out.status, out.body, out.headers);
  }
  if (path === '/.well-known/jwks.json' && method === 'GET') return sendJson(res, 200, s.auth.jwks);
  if (path === '/.well-known/oauth-authorization-server' && method === 'GET')
    return sendJson(res, 200, s.auth.metadata);

  // AWS service endpoints the SDK clients are pointed at
  if (path.replace(/\/$/, '') === '/_aws/sfn' && method === 'POST') {
    s.metrics?.recordServiceCall('StepFunctions', req.socket.remotePort);
    const out = await s.stepFunctions.handleAwsRequest(
      req.headers['x-amz-target'] as string | undefined,
      body.toString('utf8'),
    );
    return sendJson(res, out.status, out.body, { 'Content-Type': 'application/x-amz-json-1.0' });
  }
  if (path.replace(/\/$/, '') === '/_aws/sns' && method === 'POST') {
    s.metrics?.recordServiceCall('SNS', req.socket.remotePort);
    const out = s.outbox.handleAwsRequest(
      body.toString('utf8'),
      sdkAttemptOf(req.headers['amz-sdk-request']),
    );
    return send(res, out.status, { 'Content-Type': out.contentType }, out.body);
  }

  if (path.startsWith('/_aws/sqs') && method === 'POST') {
    s.metrics?.recordServiceCall('SQS', req.socket.remotePort);
    const out = s.sqs.handleAwsRequest(
      req.headers['x-amz-target'] as string | undefined,
      body.toString('utf8'),
    );
    return sendJson(res, out.status, out.body, { 'Content-Type': 'application/x-amz-json-1.0' });
  }

  // Local inspection pages
  if ((path === '/_local/sms' || path === '/_local/sms.html') && method === 'GET') {
    const wantsHtml = path.endsWith('.html') || /text\/html/.test(req.headers.accept ?? '');
    if (wantsHtml) return send(res, 200, { 'Content-Type': 'text/html; charset=utf-8' }, s.outbox.html());
    return sendJson(res, 200, s.outbox.list());
  }
  if (path === '/_local/executions' && method === 'GET') return sendJson(res, 200, s.stepFunctions.list());
  if (path === '/_local/faults' && method === 'GET')
    return sendJson(res, 200, s.faults ? { settings: s.faults.settings, ...s.faults.counts() } : null);
  if (path === '/_local/queues' && method === 'GET') return sendJson(res, 200, s.sqs.list());
  if (path === '/' && method === 'GET')
    return send(res, 200, { 'Content-Type': 'text/html; charset=utf-8' }, indexPage(s.baseUrl));

  // API Gateway
  const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
  const out = await s.gateway.handle({
    method,
    url,
    path,
    headers: req.headers,
    distinctHeaders: req.headersDistinct,
    body,
    sourceIp,
  });
  send(res, out.statusCode, out.headers, out.body);
}

function indexPage(baseUrl: string): string {
  const links = [
    ['/docs', 'API documentation'],
    ['/openapi.json', 'OpenAPI 3.1 document'],
    ['/.well-known/oauth-authorization-server', 'OAuth 2.0 authorization server metadata'],
    ['/_local/sms.html', 'SMS outbox (emulated SNS)'],
    ['/_local/executions', 'State machine executions (emulated Step Functions)'],
    ['/_local/queues', 'Queues (emulated SQS): webhook deliveries and the dead letters'],
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Smart Registration Service (local)</title></head>
<body style="font-family:system-ui,sans-serif;margin:2rem"><h1>Smart Registration Service — local stack</h1>
<p>Running at ${baseUrl}. See the README for the walkthrough.</p><ul>
${links.map(([href, label]) => `<li><a href="${href}">${label}</a></li>`).join('\n')}
</ul></body></html>`;
}
