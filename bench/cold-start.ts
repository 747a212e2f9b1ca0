/**
 * Figure 3 — cold-start footprint per function: the bundle as CDK builds it (lib/bundling.ts:
 * esbuild, minified ESM, the AWS SDK inside) and its initialisation time — fresh Node processes
 * importing the bundle until the handler is ready — against its floor: a bare handler bundled the
 * same way with the same AWS clients (bench/floors/: none, DynamoDB GetItem, + Step Functions,
 * + SNS, + SQS), which no function with those clients can undercut. The empty handler stays as the
 * absolute reference. A further reference, not a floor: the empty handler behind the mandated HTTP
 * edge (bench/floors/edge.ts), which the functions without clients are also compared with.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Metafile } from 'esbuild';
import { keys } from '../lambdas/adapters/dynamo/table-schema.js';
import { aslHandlerNames } from '../lambdas/asl-tasks.js';
import type { IspConfig, SpSetup } from '../lambdas/core/domain.js';
import { sha256 } from '../lambdas/core/idempotency.js';
import type { Order } from '../lambdas/core/order.js';
import { IspConfigSchema } from '../lambdas/core/service-config.js';
import { EVENT_SOURCE_FUNCTIONS } from '../lambdas/event-sources.js';
import { PAPER_START_BODY } from '../lambdas/http/white-paper.js';
import { handlerNames } from '../lambdas/routes.js';
import type { TermsLink } from '../lambdas/usecases/ports/orders.js';
import { bundleFunction } from '../lib/bundling.js';
import { type EnvironmentSources, functionEnvironment } from '../lib/function-environment.js';
import type { SecretName } from '../lib/function-permissions.js';
import {
  BOOTSTRAP,
  type BootstrapSettings,
  type RatioInterval,
  ratioInterval,
  type Verdict,
} from './ratio-interval.js';
import { median, round } from './stats.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EMPTY_HANDLER = 'empty-handler';
/** The floors, by file in bench/floors/ (each one's AWS clients are read from its own bundle). */
/** The floors (bench/floors/<name>.ts), the empty handler first. */
export const FLOOR_FILES = ['empty', 'dynamodb', 'dynamodb-sfn', 'dynamodb-sns', 'dynamodb-sqs'] as const;
/** The edge reference (bench/floors/edge.ts): the empty handler in the project's middy chain. */
export const EDGE_REFERENCE = 'reference:edge';
/** Issue 12's goal: a function's import (init without clients) at most 1.2× its floor's. */
export const FLOOR_RATIO_GOAL = 1.2;

/** The figures of one fresh process, as the ratios and their intervals read them (ms). */
export interface SampleFigures {
  importMs: number;
  importCpuMs: number;
  readyMs: number;
  readyCpuMs: number;
}

/** Each figure's ratio to the floor, its interval and verdict (bench/ratio-interval.ts). */
export interface FloorIntervals {
  importMs: RatioInterval;
  importCpuMs: RatioInterval;
  readyMs: RatioInterval;
  readyCpuMs: RatioInterval;
}

export interface Contributor {
  name: string;
  kb: number;
}

export interface FunctionFootprint {
  name: string;
  /** index.mjs as it is deployed (bytes / 1024). */
  bundleKb: number;
  /**
   * Its lazy modules beside it (`lazy/*.mjs`, ADR 0023), together: loaded by the requests that need
   * them, never at import.
   */
  lazyKb?: number;
  /** Median over the samples: process start → handler ready (what the ratio uses). */
  readyMs: number;
  /** Median over the samples: the `await import(bundle)` alone. */
  importMs: number;
  /**
   * Median over the samples: the main thread's CPU time during the import (process.threadCpuUsage).
   * Unlike importMs it does not grow while the process waits for a core, so on a loaded machine it
   * shows what the bundle costs; importMs is what a cold start waits for on a quiet one.
   */
  importCpuMs?: number;
  /**
   * Median over the samples: the main thread's CPU time from process start to handler ready — the
   * whole init's CPU, Node's own start included (what the goal reads for a function without clients,
   * whose floor's import is a millisecond), steady on a loaded machine where readyMs is not.
   */
  readyCpuMs?: number;
  /** readyMs / the empty handler's readyMs. */
  initRatio: number;
  /** The AWS SDK clients in the bundle (`@aws-sdk/client-*`, `@aws-sdk/lib-*` packages). */
  clients: string[];
  /** The floor with the same clients (`floor:dynamodb`), if there is one. */
  floor?: string;
  /** importMs / the floor's importMs (its samples alternating with this function's). */
  importRatioToFloor?: number;
  /** importCpuMs / the floor's importCpuMs. */
  importCpuRatioToFloor?: number;
  /** readyCpuMs / the floor's readyCpuMs. */
  readyCpuRatioToFloor?: number;
  /** The floor's medians, from the samples taken alternately with this function's. */
  floorMs?: {
    readyMs: number;
    importMs: number;
    importCpuMs?: number;
    readyCpuMs?: number;
    firstCallMs?: number;
    coldMs?: number;
  };
  /** readyMs / the floor's readyMs. */
  readyRatioToFloor?: number;
  /**
   * Per figure: the point ratio (median over median: the *RatioToFloor fields), its bootstrap
   * interval over the pairs and its verdict against FLOOR_RATIO_GOAL. A ratio to a floor median of
   * 0 ms is null there and left out of the *RatioToFloor fields: not measurable.
   */
  intervals?: FloorIntervals;
  /** The verdict of the goal's figure: floorRatio's (the import's with clients, the init's without). */
  floorVerdict?: Verdict;
  /**
   * The samples the ratios come from, in the order taken: the floor's i-th process started right
   * before the function's i-th. With the run's bootstrap settings they give the intervals again.
   */
  pairedSamples?: { own: SampleFigures[]; floor: SampleFigures[] };
  /**
   * For a function without AWS clients: against the edge reference (the empty handler in the
   * project's middy chain with Powertools Logger), its samples alternating with this function's —
   * the share of its distance to the empty floor that is the edge every HTTP function must have.
   */
  edge?: {
    readyMs: number;
    importMs: number;
    importCpuMs: number;
    readyCpuMs: number;
    /** readyMs / the reference's readyMs. */
    readyRatio: number;
    /** importCpuMs / the reference's importCpuMs. */
    importCpuRatio: number;
    /** readyCpuMs / the reference's readyCpuMs. */
    readyCpuRatio: number;
    /** With a first call (FIRST_CALLS): the reference's first invocation, with the function's request. */
    firstCallMs?: number;
    coldMs?: number;
    /** coldMs / the reference's coldMs. */
    coldRatio?: number;
  };
  /**
   * The ratio the goal reads: the import's, for a function with AWS clients; the whole init's for
   * one without (the empty floor imports in about a millisecond: a ratio to it measures noise).
   */
  floorRatio?: number;
  samples: number;
  /**
   * Median over the samples: the first invocation, in the same process right after the import (the
   * functions in FIRST_CALLS and the floors; every AWS call answered by the stub endpoint).
   */
  firstCallMs?: number;
  /** The statuses the first invocation answered, one per sample (which path it took). */
  firstCallStatuses?: number[];
  /** Median over the samples of init + the first invocation: what a cold start really costs. */
  coldMs?: number;
  /** coldMs / the floor's coldMs (its samples alternating with this function's). */
  coldRatioToFloor?: number;
  /** The five largest inputs (files) in the output, from esbuild's metafile. */
  topInputs: Contributor[];
  /** The five largest packages (or source folders) in the output. */
  topPackages: Contributor[];
  error?: string;
}

export interface ColdStartFigures {
  node: string;
  samples: number;
  /** Up to how many samples a function whose goal verdict is undecided was given (`samples`: none added). */
  maxSamples: number;
  /** How the intervals were formed: the goal, the confidence, the resamples and the seed. */
  intervals: BootstrapSettings & { goal: number; method: string };
  empty: FunctionFootprint;
  /** The bare handlers with each set of clients (bench/floors/). */
  floors: FunctionFootprint[];
  /** Reference, not a goal floor: the empty handler behind the mandated edge (bench/floors/edge.ts). */
  edge: FunctionFootprint;
  functions: FunctionFootprint[];
  /** The function whose bundle is smallest. */
  smallest: string;
  /** The smallest bundle among the functions with a DynamoDB client. */
  smallestWithDynamoDb: string;
  /**
   * Source maps: SOURCE_MAP_FUNCTIONS (those measured in this run) and their floors as deployed and
   * with Node's --enable-source-maps, which the stack no longer sets (ADR 0021); for the functions,
   * what their edge's lazy mapping costs when a stack is written.
   */
  sourceMaps?: SourceMapCost[];
}

/** The functions whose source-map costs are measured. */
export const SOURCE_MAP_FUNCTIONS = ['verify', 'identification-start'] as const;

/** Node's own source-map support, which the stack leaves off (ADR 0021). */
export const NODE_SOURCE_MAPS = '--enable-source-maps';

/** How many failing requests a function's source-map probe makes after its import. */
const MAPPED_STACKS = 3;

/**
 * One bundle's init and import as deployed (`without`) and with --enable-source-maps (`with`),
 * medians of paired samples.
 */
export interface SourceMapCost {
  name: string;
  /** index.mjs.map beside the bundle (bytes / 1024): what is read and parsed, at load with the flag. */
  mapKb: number;
  without: SourceMapMedians;
  with: SourceMapMedians;
  /** with / without, per figure. */
  ratio: { readyMs: number; importMs: number; importCpuMs: number; readyCpuMs: number };
  /** process.sourceMapsEnabled as each process reported it: [without, with] per sample. */
  sourceMapsEnabled: [boolean, boolean][];
  /** For a function: its floor, and its ratios to the floor's figures, both with the flag. */
  floor?: string;
  withRatioToFloor?: { readyMs: number; importMs: number; importCpuMs: number; readyCpuMs: number };
  /**
   * For a function: the main thread's CPU ms of formatting the stacks of MAPPED_STACKS unexpected
   * errors in a row (medians by position): the first reads and parses the map, as deployed (the
   * edge's hook, lambdas/http/stack-frames.ts) and with the flag (Node parses its map when it
   * first maps a stack); the later ones map frames only.
   */
  stackCpuMs?: { deployed: number[]; withFlag: number[] };
  /** Whether every stack formatted in those requests named TypeScript source files, both ways. */
  stacksMapped?: boolean;
  samples: number;
  error?: string;
}

interface SourceMapMedians {
  readyMs: number;
  importMs: number;
  importCpuMs: number;
  readyCpuMs: number;
}

/**
 * Every function the stack deploys: the route handlers, the state machine's task handlers and the
 * functions fed by an event source (the change feed's fan-out, the webhook delivery queue's consumer).
 */
export function deployedFunctions(): string[] {
  const asl = JSON.parse(readFileSync(join(ROOT, 'statemachines/identification.asl.json'), 'utf8')) as object;
  const eventSourced = EVENT_SOURCE_FUNCTIONS.map((f) => f.handler);
  return [...new Set([...handlerNames(), ...aslHandlerNames(asl), ...eventSourced])].sort();
}

/** A fresh EC P-256 key pair as JWKs (`kid` bench, ES256). */
function keyPair(): { privateJwk: string; publicJwks: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tag = { kid: 'bench', alg: 'ES256' };
  return {
    privateJwk: JSON.stringify({ ...privateKey.export({ format: 'jwk' }), ...tag }),
    publicJwks: JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), ...tag }] }),
  };
}

let orderTokenKeys: ReturnType<typeof keyPair> | undefined;

/** A stand-in for each secret value (the order-token pair's two halves match). */
function standInSecret(name: SecretName): string {
  orderTokenKeys ??= keyPair();
  switch (name) {
    case 'serialNumberKey':
      return 'benchmark-serial-number-key-0123456789abcdef';
    case 'orderTokenPrivateJwk':
      return orderTokenKeys.privateJwk;
    case 'orderTokenPublicJwks':
      return orderTokenKeys.publicJwks;
    case 'testIspPrivateJwk':
      return keyPair().privateJwk;
    case 'demoPortalClientId':
      return 'bench-demo-portal';
    case 'demoPortalClientSecret':
      return 'bench-demo-portal-secret';
    case 'demoPortalCookieKey':
      return 'bench-demo-portal-cookie-key-0123456789abcdef';
  }
}

/** Stand-ins for the values a deployed function's environment takes from its stacks. */
const STAND_IN_SOURCES: EnvironmentSources = {
  stage: 'test',
  // The benchmark measures the work, not the log lines a DEBUG or INFO stage would write.
  logLevel: 'WARN',
  tableName: 'smart-registration',
  publicBaseUrl: 'https://srs.example.com',
  tokenUrl: 'https://srs-bench.auth.eu-central-2.amazoncognito.com/oauth2/token',
  accessTokenIssuer: 'https://cognito-idp.eu-central-2.amazonaws.com/eu-central-2_bench',
  retentionEnvironment: {},
  stateMachineArn: (machine) => `arn:aws:states:eu-central-2:000000000000:stateMachine:${machine}`,
  secretValue: standInSecret,
  partnerSecrets: [],
  partnerSecretValue: () => '',
  secretsRevision: undefined,
  queueUrl: (name) => `https://sqs.eu-central-2.amazonaws.com/000000000000/${name}`,
  smsSenderId: undefined,
};

/**
 * What a deployed function finds in its environment at init (no network is touched at import): the
 * variables Lambda sets, and those the stack gives the function (lib/function-environment.ts), from
 * stand-in values that `sources` may replace. No NODE_OPTIONS, as deployed (ADR 0021): the
 * source-map line (sourceMapCosts) adds --enable-source-maps to weigh what it would cost.
 */
export function lambdaEnvironment(
  name: string,
  sources: Partial<EnvironmentSources> = {},
): Record<string, string> {
  const environment = functionEnvironment(name, { ...STAND_IN_SOURCES, ...sources });
  return {
    AWS_REGION: 'eu-central-2',
    AWS_DEFAULT_REGION: 'eu-central-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    ...environment,
  };
}

/** An API Gateway proxy event for the first calls, as the gateway hands a request to the function. */
function request(
  method: 'GET' | 'POST',
  path: string,
  resource: string,
  headers: Record<string, string>,
  body: string | null,
  pathParameters: Record<string, string> | null = null,
  queryStringParameters: Record<string, string> | null = null,
): unknown {
  return {
    httpMethod: method,
    path,
    resource,
    headers: { host: 'srs.example.com', ...headers },
    pathParameters,
    queryStringParameters,
    requestContext: { requestId: 'bench-first-call' },
    isBase64Encoded: false,
    body,
  };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The partner whose message isp-callback's first call reads: its key pair and registration. */
const BENCH_PARTNER = 'Bench-ISP';
const BENCH_PARTNER_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** The order the bench partner reports on, opened with it and waiting for it (`initialized`). */
const BENCH_ORDER_REF_ID = '6f0e9f57-3c8a-4d3e-9b1a-2f4c8e7d5a10';
/** An order started without a method, whose person opens the choice page with the link's token. */
const BENCH_CHOICE_REF_ID = '0d4c7b2e-8a1f-4e6d-b3c5-9f2a7e1d6c48';
const BENCH_CHOICE_TOKEN = 'bench-method-choice-link-0123456789abcdef';
/** An identified person's order waiting for the acceptance of the terms, and its SMS link's secret. */
const BENCH_TERMS_REF_ID = '3b9d2f61-7c4e-4a85-9e0d-5f1a8c2b7e93';
const BENCH_TERMS_TOKEN = 'bench-terms-link-token-0123456789abcdefghij';
/** The SP of the bench's orders, whose setup the stub answers: the start call's caller. */
const BENCH_SP = 'bench-sp';

/**
 * The items the stub endpoint answers a GetItem with (any other read finds nothing): the bench
 * partner's registration with its public key, as `config-items.ts` stores it, and the order it
 * reports on, as `order-items.ts` stores it (the GSI keys and expiry left out: no read here uses them);
 * for the method choice page, an order started without a method, its SP's setup, and the bench
 * partner again as the catalogue (a Query of the `CATALOGUE` partition answers every item in it).
 */
export function stubItems(): Record<string, unknown>[] {
  const at = new Date(Date.now() - 60_000).toISOString();
  // As the configuration holds a partner: the schema fills in what the bench leaves to its defaults.
  const isp: IspConfig = IspConfigSchema.parse({
    issuer: BENCH_PARTNER,
    adapter: 'test-isp',
    loa: 3,
    jurisdictions: ['ZERTES'],
    realtimeMethods: ['video', 'eid'],
    offline: false,
    webflow: true,
    defaultLocale: 'de',
    timeoutSeconds: 3600,
    orderValiditySeconds: 1800,
    keys: [{ ...BENCH_PARTNER_KEY.publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256' }],
  });
  const order: Order = {
    refId: BENCH_ORDER_REF_ID,
    // The SP whose setup the stub holds (the bench's start call's caller); not the client of the
    // start call's first call in bundle-contents, which finds no setup.
    clientId: BENCH_SP,
    issuer: BENCH_PARTNER,
    adapter: 'test-isp',
    method: 'video',
    loa: 3,
    jurisdictions: ['ZERTES'],
    offline: false,
    person: {
      firstName: 'Hans',
      lastName: 'Muster',
      dob: '1978-02-28',
      email: 'hans.muster@example.ch',
      mobile: '+41791234567',
      language: 'de',
    },
    redirectUrl: null,
    state: null,
    ispOrderId: 'bench-isp-order',
    targetURL: 'https://isp.example.com/identify/bench',
    createdAt: at,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    timeoutSeconds: 3600,
    statuses: [
      { status: 'created', date: at, reason: null, kind: null },
      { status: 'initialized', date: at, reason: null, kind: null },
    ],
    evidenceId: null,
    version: 2,
  };
  const sp: SpSetup = {
    clientId: order.clientId,
    name: 'Bench SP',
    methods: { [BENCH_PARTNER]: '*' },
    jurisdictions: ['ZERTES'],
    loas: [3],
    // Video identification under ZertES is for financial intermediaries (core/catalogue.ts).
    financialIntermediary: true,
    amlContracts: [],
    claimedIdentities: [],
  };
  const choosing: Order = {
    ...order,
    refId: BENCH_CHOICE_REF_ID,
    issuer: null,
    adapter: null,
    method: null,
    loa: null,
    jurisdictions: [],
    ispOrderId: null,
    targetURL: null,
    methodChoice: {
      tokenHash: sha256(BENCH_CHOICE_TOKEN),
      jurisdiction: null,
      assuranceLevel: null,
      expiresAt: order.expiresAt,
    },
    statuses: [{ status: 'created', date: at, reason: null, kind: null }],
    version: 1,
  };
  // Identified (the evidence imported), the terms SMS sent, the lifecycle waiting on its task token.
  const termsLink: TermsLink = {
    tokenHash: sha256(BENCH_TERMS_TOKEN),
    refId: BENCH_TERMS_REF_ID,
    language: 'de',
    createdAt: at,
    expiresAt: order.expiresAt,
  };
  const accepting: Order = {
    ...order,
    refId: BENCH_TERMS_REF_ID,
    statuses: [
      ...order.statuses,
      { status: 'waiting-for-doc', date: at, reason: null, kind: null },
      { status: 'data-ready', date: at, reason: null, kind: null },
    ],
    evidenceId: 'bench-evidence',
    termsSms: { sentAt: at, expiresAt: termsLink.expiresAt, tokenHash: termsLink.tokenHash, count: 1 },
    waitTokens: { terms: 'bench-terms-task-token' },
    version: 5,
  };
  return [
    { ...keys.isp(isp.issuer), ...isp },
    { ...keys.order(order.refId), ...order },
    { ...keys.spSetup(sp.clientId), ...sp },
    { ...keys.order(choosing.refId), ...choosing },
    { ...keys.termsToken(termsLink.tokenHash), ...termsLink },
    { ...keys.order(accepting.refId), ...accepting },
  ];
}

/**
 * A message of the bench partner about its order, as the partner's request to isp-callback: a
 * compact JWS as a partner signs it (ES256, docs/isp-integration.md) with `claims` beside `iss`,
 * `iat` and `jti` — by default its status event `waiting-for-doc` (the person is being identified),
 * the bench's first call. Issued when called: the callback accepts a message only within ±5
 * minutes of its `iat`, and a function's samples (which read it once) take far less; its `jti` is
 * remembered by a write the stub accepts, so the samples may repeat it.
 */
export function benchPartnerMessage(
  kind: 'event' | 'evidence' = 'event',
  claims: Record<string, unknown> = { event: 'waiting-for-doc' },
): unknown {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: 'ES256', typ: `isp-${kind}+jwt`, kid: 'bench' })}.${part({
    iss: BENCH_PARTNER,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    refId: BENCH_ORDER_REF_ID,
    ...claims,
  })}`;
  const signature = sign('sha256', Buffer.from(signed), {
    key: BENCH_PARTNER_KEY.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  const path = kind === 'event' ? '/isp/v1/events' : '/isp/v1/evidence';
  return request(
    'POST',
    path,
    path,
    { 'content-type': 'application/jose' },
    `${signed}.${signature.toString('base64url')}`,
  );
}

/**
 * The first invocation a cold start is measured with, per function: a valid request, every AWS
 * call answered by the stub endpoint (an empty item, or one of stubItems), each answering the
 * status of its path (FIRST_CALL_STATUS: a sample answering another fails). Verify: the path of an
 * unknown key, its negative answer (404) after its two GetItems, the decision and its metric. The
 * terms page's acceptance (POST): the acceptance form checked by its schema, which that call loads
 * with zod (ADR 0020's two-step rules moved it out of the import), the terms link the stub holds
 * read and used, its order (identified, waiting for the acceptance) read, the acceptance recorded
 * and the lifecycle's task token completed, 200. The demo portal's signer form (POST): its schema
 * loaded with zod and checked, the journey cookie written, and the service's verify called over
 * HTTP (PUBLIC_BASE_URL points at the stub, which answers 200: the redirect to the ready page, 303).
 * isp-callback, a partner's status event: the JWS checked against the partner's registered key (the
 * stub answers the registration, stubItems), its `jti` remembered, its claims read, the order read
 * (the stub answers it) and moved to `waiting-for-doc`, 200. method-choice-page, the page the person
 * opens from the SMS link (GET): the order found by its link's token, the SP's setup and the
 * catalogue read (the stub answers them, stubItems), the bench partner's methods offered, 200. The
 * start call (POST /api/identifications): the white paper's body with the bench partner's `issuer`
 * and `method` and an Idempotency-Key, read by the zod-free readers (its Latin names without the
 * Unicode name pattern), the key locked, the caller's SP setup and the catalogue read, the method
 * decided, the order token signed for the partner, the order written, its lifecycle started (Step
 * Functions), its usage recorded and the key completed, 201. A function's floor makes its own calls
 * (`{}`: one GetItem, a task token completed, …); the edge reference, for a function without AWS
 * clients, the function's request.
 */
export const FIRST_CALLS: Readonly<Record<string, unknown>> = {
  'method-choice-page': request(
    'GET',
    `/method-choice/${BENCH_CHOICE_REF_ID}`,
    '/method-choice/{refId}',
    {},
    null,
    { refId: BENCH_CHOICE_REF_ID },
    { token: BENCH_CHOICE_TOKEN },
  ),
  /** A getter: the partner message is signed when read (its `iat` now, a new `jti`). */
  get 'isp-callback'() {
    return benchPartnerMessage();
  },
  'identification-start': {
    ...(request(
      'POST',
      '/api/identifications',
      '/api/identifications',
      { 'content-type': 'application/json', 'idempotency-key': 'bench-first-call-1' },
      JSON.stringify({ ...PAPER_START_BODY, issuer: BENCH_PARTNER, method: 'video' }),
    ) as Record<string, unknown>),
    requestContext: { requestId: 'bench-first-call', authorizer: { claims: { client_id: BENCH_SP } } },
  },
  verify: request(
    'POST',
    '/api/verify',
    '/api/verify',
    { 'content-type': 'application/json' },
    JSON.stringify({
      msisdn: '41791234567',
      claimedIdentity: 'bench-client',
      assuranceLevel: 3,
      distinguishedName: 'gn=Hans, sn=Muster, cn=Hans Muster, c=CH',
    }),
  ),
  'terms-page': request(
    'POST',
    `/terms/${BENCH_TERMS_TOKEN}`,
    '/terms/{token}',
    FORM,
    'accept=yes&pseudonym=Hans+Muster',
    { token: BENCH_TERMS_TOKEN },
  ),
  'demo-portal': request(
    'POST',
    '/demo-portal',
    '/demo-portal',
    FORM,
    'firstName=Hans&lastName=Muster&mobile=%2B41791234567&need=aes-zertes',
  ),
};

/**
 * What each first call answers on the path FIRST_CALLS describes: a sample whose first call answers
 * anything else fails, and the function's figure is that error, not a time of another path.
 */
export const FIRST_CALL_STATUS: Readonly<Record<keyof typeof FIRST_CALLS & string, number>> = {
  'method-choice-page': 200,
  'isp-callback': 200,
  'identification-start': 201,
  // Verify's negative answer: the person is not registered (the paper's 404).
  verify: 404,
  'terms-page': 200,
  // The redirect to the ready page after the service's positive verify.
  'demo-portal': 303,
};

/**
 * Runs in the fresh process: import the bundle, check the handler, print the two times; with an
 * event, invoke the handler once and print that time too. With BENCH_FAILING_REQUESTS, that many
 * requests fail with an unexpected error (their event's headers throw when first read), each
 * answered 500 with a log line that formats the error's stack: the CPU time of each formatting
 * (Error.prepareStackTrace, wrapped) and whether it named TypeScript files. The result is the last
 * line (a metric's EMF line may come before it); the SDK's kept-alive sockets would hold the
 * process, so it exits.
 */
const PROBE = `
const cpu0 = process.threadCpuUsage();
const t0 = performance.now();
const m = await import(process.env.BENCH_BUNDLE_URL);
const t1 = performance.now();
const cpu = process.threadCpuUsage(cpu0);
const readyCpu = process.threadCpuUsage();
if (typeof m.handler !== 'function') throw new Error('no handler export');
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-2:000000000000:function:bench', memoryLimitInMB: '512',
  awsRequestId: 'bench-first-call', logGroupName: 'bench', logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000,
};
let firstCallMs;
let firstCallStatus;
if (process.env.BENCH_FIRST_EVENT) {
  const answer = await m.handler(JSON.parse(process.env.BENCH_FIRST_EVENT), context);
  firstCallMs = performance.now() - t1;
  firstCallStatus = answer?.statusCode;
  // A first call that took another path than the one it stands for measured something else.
  const expected = process.env.BENCH_FIRST_STATUS;
  if (expected && String(firstCallStatus) !== expected)
    throw new Error('the first call answered ' + firstCallStatus + ', not ' + expected + ': ' + String(answer?.body ?? '').replace(/\\s+/g, ' ').slice(0, 200));
}
let stackCpuMs;
let stacksMapped;
if (process.env.BENCH_FAILING_REQUESTS) {
  stackCpuMs = [];
  stacksMapped = [];
  const format = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, trace) => {
    const before = process.threadCpuUsage();
    const stack = format(error, trace);
    const spent = process.threadCpuUsage(before);
    stackCpuMs.push((spent.user + spent.system) / 1000);
    stacksMapped.push(String(stack).includes('.ts:'));
    return stack;
  };
  for (let i = 0; i < Number(process.env.BENCH_FAILING_REQUESTS); i++) {
    let thrown = false;
    const event = { httpMethod: 'GET', path: '/bench', resource: '/bench', pathParameters: null,
      queryStringParameters: null, requestContext: { requestId: 'bench-failing' }, isBase64Encoded: false, body: null };
    Object.defineProperty(event, 'headers', { get() {
      if (thrown) return {};
      thrown = true;
      throw new TypeError('bench: an unexpected error');
    } });
    const status = (await m.handler(event, context))?.statusCode;
    if (status !== 500) throw new Error('a failing request answered ' + status);
  }
}
process.stdout.write('\\n' + JSON.stringify({ importMs: t1 - t0, importCpuMs: (cpu.user + cpu.system) / 1000, readyMs: t1, readyCpuMs: (readyCpu.user + readyCpu.system) / 1000, firstCallMs, firstCallStatus, sourceMapsEnabled: process.sourceMapsEnabled, stackCpuMs, stacksMapped }) + '\\n', () => process.exit(0));
`;

/**
 * An AWS endpoint for the first calls: every request (DynamoDB's JSON protocol) is answered with
 * `{}`, i.e. no item or a write done, so that the first invocation runs the SDK's whole request
 * path — serialise, sign, send, parse — with no network and no state; but a GetItem of one of
 * `items` (by default `stubItems()`) answers that item, and a Query of a partition (`PK = :pk`) the
 * items in it.
 */
export async function stubAwsEndpoint(
  items: readonly Record<string, unknown>[] = stubItems(),
): Promise<{ server: Server; url: string }> {
  const itemAt = new Map(items.map((item) => [`${item.PK}\n${item.SK}`, item]));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let answer = '{}';
      const target = String(req.headers['x-amz-target']);
      const { Key, KeyConditionExpression, ExpressionAttributeValues } = JSON.parse(
        Buffer.concat(chunks).toString('utf8') || '{}',
      ) as {
        Key?: { PK?: { S?: string }; SK?: { S?: string } };
        KeyConditionExpression?: string;
        ExpressionAttributeValues?: Record<string, { S?: string }>;
      };
      if (target.endsWith('.GetItem')) {
        const item = itemAt.get(`${Key?.PK?.S}\n${Key?.SK?.S}`);
        if (item) answer = JSON.stringify({ Item: marshall(item, { removeUndefinedValues: true }) });
      } else if (target.endsWith('.Query') && KeyConditionExpression === 'PK = :pk') {
        const found = items.filter((item) => item.PK === ExpressionAttributeValues?.[':pk']?.S);
        const Items = found.map((item) => marshall(item, { removeUndefinedValues: true }));
        answer = JSON.stringify({ Items, Count: Items.length, ScannedCount: Items.length });
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Sample {
  importMs: number;
  importCpuMs: number;
  readyMs: number;
  readyCpuMs: number;
  firstCallMs?: number;
  /** The HTTP status the first call answered: which path it took. */
  firstCallStatus?: number;
  /** Whether the process ran with --enable-source-maps. */
  sourceMapsEnabled: boolean;
  /** With failing requests: each formatted stack's main-thread CPU ms, and whether it named `.ts` files. */
  stackCpuMs?: number[];
  stacksMapped?: boolean[];
}

const AWS_SDK_CLIENT = /^@aws-sdk\/(?:client|lib)-/;

/** A bundle's largest files and packages and its AWS clients (what chooses its floor), from its metafile. */
export function contributors(
  metafile: Metafile,
  outfile: string,
): { files: Contributor[]; packages: Contributor[]; clients: string[] } {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outfile))?.[1];
  const files: Contributor[] = [];
  const packages = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    files.push({ name: path, kb: input.bytesInOutput / 1024 });
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    packages.set(pkg, (packages.get(pkg) ?? 0) + input.bytesInOutput);
  }
  const top = (list: Contributor[]) =>
    list
      .sort((a, b) => b.kb - a.kb)
      .slice(0, 5)
      .map((c) => ({ name: c.name, kb: round(c.kb, 1) }));
  return {
    files: top(files),
    packages: top([...packages].map(([name, bytes]) => ({ name, kb: bytes / 1024 }))),
    clients: [...packages]
      .filter(([name, bytes]) => AWS_SDK_CLIENT.test(name) && bytes > 0)
      .map(([name]) => name)
      .sort(),
  };
}

/**
 * One fresh process importing the bundle: its import time and its time from start to handler
 * ready; with a first call (an event and the stub endpoint), the first invocation's time.
 */
async function probe(
  name: string,
  bundle: string,
  outdir: string,
  /** With `status`, the probe fails unless the first call answers it (FIRST_CALL_STATUS). */
  firstCall?: { event: unknown; endpoint: string; status?: number },
  /** With Node's --enable-source-maps (not deployed: ADR 0021); with `stacks`, that many failing requests after the import. */
  sourceMaps?: { flag: boolean; stacks?: number },
): Promise<Sample> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], {
    env: {
      ...(sourceMaps?.flag ? { NODE_OPTIONS: NODE_SOURCE_MAPS } : {}),
      ...(sourceMaps?.stacks ? { BENCH_FAILING_REQUESTS: String(sourceMaps.stacks) } : {}),
      // A first call's requests to the service itself (the demo portal's) go to the stub too.
      ...lambdaEnvironment(
        name,
        firstCall
          ? { publicBaseUrl: firstCall.endpoint, tokenUrl: `${firstCall.endpoint}/oauth2/token` }
          : {},
      ),
      BENCH_BUNDLE_URL: pathToFileURL(bundle).href,
      ...(firstCall
        ? { BENCH_FIRST_EVENT: JSON.stringify(firstCall.event), AWS_ENDPOINT_URL: firstCall.endpoint }
        : {}),
      ...(firstCall?.status ? { BENCH_FIRST_STATUS: String(firstCall.status) } : {}),
    },
    cwd: outdir,
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Sample;
}

interface Floor {
  name: string;
  bundle: string;
}

/** Medians of a series of samples (the first call's only where every sample has one). */
function medians(samples: Sample[]): {
  readyMs: number;
  importMs: number;
  importCpuMs: number;
  readyCpuMs: number;
  firstCallMs?: number;
  coldMs?: number;
} {
  const out = {
    readyMs: round(median(samples.map((s) => s.readyMs)), 1),
    importMs: round(median(samples.map((s) => s.importMs)), 1),
    importCpuMs: round(median(samples.map((s) => s.importCpuMs)), 1),
    readyCpuMs: round(median(samples.map((s) => s.readyCpuMs)), 1),
  };
  const calls = samples.map((s) => s.firstCallMs);
  if (!calls.length || calls.some((c) => c === undefined)) return out;
  return {
    ...out,
    firstCallMs: round(median(calls as number[]), 1),
    coldMs: round(median(samples.map((s) => s.readyMs + (s.firstCallMs ?? 0))), 1),
  };
}

/** The figures the ratios read, of each sample. */
const FIGURES = ['importMs', 'importCpuMs', 'readyMs', 'readyCpuMs'] as const;

function figuresOf(sample: Sample): SampleFigures {
  const { importMs, importCpuMs, readyMs, readyCpuMs } = sample;
  return { importMs, importCpuMs, readyMs, readyCpuMs };
}

/** Each figure's ratio of the function's samples to the floor's (paired by position), with its interval. */
function floorIntervals(own: Sample[], floor: Sample[]): FloorIntervals {
  const interval = (figure: (typeof FIGURES)[number]) =>
    ratioInterval(
      own.map((sample) => sample[figure]),
      floor.map((sample) => sample[figure]),
      FLOOR_RATIO_GOAL,
    );
  return {
    importMs: interval('importMs'),
    importCpuMs: interval('importCpuMs'),
    readyMs: interval('readyMs'),
    readyCpuMs: interval('readyCpuMs'),
  };
}

/** The figure the goal reads: the import's for a function with AWS clients, the whole init's for one without. */
const goalFigure = (clients: string[]): keyof FloorIntervals => (clients.length ? 'importMs' : 'readyMs');

/**
 * Bundles a function and samples its cold start. With a floor for its clients, each sample of the
 * function follows one of the floor, so that both see the same moment of a shared machine's load;
 * the ratios are those of the two medians, each with its bootstrap interval over the pairs. With
 * `more`, a function whose goal verdict is undecided gets further rounds of `samples` pairs, up to
 * `more.maxSamples` in all, none started after `more.deadline`.
 */
async function footprint(
  name: string,
  entry: string,
  outdir: string,
  samples: number,
  floorFor: (clients: string[]) => Floor | undefined = () => undefined,
  /** Where the first calls go: a function with an event in FIRST_CALLS gets one, its floor too (`{}`). */
  endpoint?: string,
  /** The edge reference, sampled alternately too when the function has no AWS clients. */
  edgeReference?: Floor,
  more?: { maxSamples: number; deadline: number },
): Promise<FunctionFootprint> {
  const { main: result, lazy } = await bundleFunction(entry, join(outdir, name), { metafile: true });
  const bundle = join(outdir, name, 'index.mjs');
  const { files, packages, clients } = contributors(result.metafile as Metafile, `${name}/index.mjs`);
  const base = {
    name,
    bundleKb: round(statSync(bundle).size / 1024, 1),
    lazyKb: round(
      lazy.reduce((kb, { module }) => kb + statSync(join(outdir, name, module.file)).size, 0) / 1024,
      1,
    ),
    topInputs: files,
    topPackages: packages,
    clients,
  };
  const floor = floorFor(clients);
  const reference = clients.length ? undefined : edgeReference;
  const event = FIRST_CALLS[name];
  const firstCall = endpoint && event !== undefined ? { event, endpoint } : undefined;
  // The function's own first calls must answer what their path answers; the floors' and the edge's
  // make their own calls.
  const ownFirstCall = firstCall && { ...firstCall, status: FIRST_CALL_STATUS[name] };
  const own: Sample[] = [];
  const floors: Sample[] = [];
  const references: Sample[] = [];
  try {
    if (ownFirstCall && ownFirstCall.status === undefined)
      throw new Error(`${name} has a first call (FIRST_CALLS) but no status to expect (FIRST_CALL_STATUS)`);
    const takePairs = async (count: number) => {
      for (let i = 0; i < count; i++) {
        if (floor)
          floors.push(
            await probe(floor.name, floor.bundle, outdir, firstCall && { ...firstCall, event: {} }),
          );
        if (reference) references.push(await probe(reference.name, reference.bundle, outdir, firstCall));
        own.push(await probe(name, bundle, outdir, ownFirstCall));
      }
    };
    await takePairs(samples);
    // Undecided: more pairs, in rounds, until the interval clears the goal or the cap is reached.
    while (
      floor &&
      more &&
      own.length < more.maxSamples &&
      Date.now() <= more.deadline &&
      floorIntervals(own, floors)[goalFigure(clients)].verdict === 'undecided'
    )
      await takePairs(Math.min(samples, more.maxSamples - own.length));
  } catch (err) {
    const message = ((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n');
    return {
      ...base,
      readyMs: 0,
      importMs: 0,
      initRatio: 0,
      samples: own.length,
      // Node prints the thrown error as `Name: message` between the source excerpt and the stack.
      error: message.find((line) => /^\w+: /.test(line)) ?? message.at(-1) ?? '',
    };
  }
  const mine = {
    ...medians(own),
    ...(firstCall ? { firstCallStatuses: own.map((sample) => sample.firstCallStatus ?? 0) } : {}),
  };
  const edge = references.length ? againstEdge(mine, medians(references)) : undefined;
  if (!floor) return { ...base, ...mine, initRatio: 0, samples: own.length, ...(edge ? { edge } : {}) };
  const floorMs = medians(floors);
  // The point ratios are the intervals' (median over median of the unrounded samples); one to a
  // floor median of 0 ms is left out: not measurable.
  const intervals = floorIntervals(own, floors);
  const point = (figure: keyof FloorIntervals) => intervals[figure].ratio ?? undefined;
  const ratioFields = {
    importRatioToFloor: point('importMs'),
    importCpuRatioToFloor: point('importCpuMs'),
    readyRatioToFloor: point('readyMs'),
    readyCpuRatioToFloor: point('readyCpuMs'),
  };
  return {
    ...base,
    ...mine,
    initRatio: 0,
    samples: own.length,
    floor: floor.name,
    floorMs,
    ...(Object.fromEntries(
      Object.entries(ratioFields).filter(([, ratio]) => ratio !== undefined),
    ) as typeof ratioFields),
    intervals,
    floorVerdict: intervals[goalFigure(clients)].verdict,
    pairedSamples: { own: own.map(figuresOf), floor: floors.map(figuresOf) },
    ...(edge ? { edge } : {}),
    ...(mine.coldMs && floorMs.coldMs ? { coldRatioToFloor: round(mine.coldMs / floorMs.coldMs, 2) } : {}),
    ...(point(goalFigure(clients)) === undefined ? {} : { floorRatio: point(goalFigure(clients)) }),
  };
}

/** A function's medians against the edge reference's, from samples taken alternately. */
function againstEdge(
  mine: ReturnType<typeof medians>,
  reference: ReturnType<typeof medians>,
): NonNullable<FunctionFootprint['edge']> {
  return {
    readyMs: reference.readyMs,
    importMs: reference.importMs,
    importCpuMs: reference.importCpuMs,
    readyCpuMs: reference.readyCpuMs,
    readyRatio: round(mine.readyMs / reference.readyMs, 2),
    importCpuRatio: round(mine.importCpuMs / reference.importCpuMs, 2),
    readyCpuRatio: round(mine.readyCpuMs / reference.readyCpuMs, 2),
    ...(mine.coldMs && reference.coldMs
      ? {
          firstCallMs: reference.firstCallMs as number,
          coldMs: reference.coldMs,
          coldRatio: round(mine.coldMs / reference.coldMs, 2),
        }
      : {}),
  };
}

/**
 * Source maps: each of SOURCE_MAP_FUNCTIONS that this run bundled, and its floor, in fresh processes
 * as deployed and with Node's --enable-source-maps (ADR 0021). Every round samples each bundle both
 * ways (the order flipped every other round), the bundles one after another, so that the two sides
 * and the function and its floor see the same moments of a shared machine's load. A function's
 * processes then fail MAPPED_STACKS requests, to time the mapping of their stacks.
 */
async function sourceMapCosts(
  functions: FunctionFootprint[],
  outdir: string,
  samples: number,
): Promise<SourceMapCost[]> {
  const measured = functions.filter(
    (f) => (SOURCE_MAP_FUNCTIONS as readonly string[]).includes(f.name) && !f.error && f.floor,
  );
  const names = [...new Set(measured.flatMap((f) => [f.floor as string, f.name]))];
  const taken = new Map(names.map((name) => [name, { without: [] as Sample[], with: [] as Sample[] }]));
  const failed = new Map<string, string>();
  const isFunction = new Set(measured.map((f) => f.name));
  for (let i = 0; i < samples; i++)
    for (const name of names) {
      if (failed.has(name)) continue;
      const bundle = join(outdir, name, 'index.mjs');
      const pair = taken.get(name) as { without: Sample[]; with: Sample[] };
      const stacks = isFunction.has(name) ? MAPPED_STACKS : 0;
      try {
        for (const flag of i % 2 ? [true, false] : [false, true])
          (flag ? pair.with : pair.without).push(
            await probe(name, bundle, outdir, undefined, { flag, stacks }),
          );
      } catch (err) {
        failed.set(name, ((err as { stderr?: string }).stderr || (err as Error).message).trim());
      }
    }
  const costs = names.map((name): SourceMapCost => {
    const pair = taken.get(name) as { without: Sample[]; with: Sample[] };
    const map = join(outdir, name, 'index.mjs.map');
    const base = { name, mapKb: round((statSync(map, { throwIfNoEntry: false })?.size ?? 0) / 1024, 1) };
    const error = failed.get(name);
    if (error)
      return {
        ...base,
        without: { readyMs: 0, importMs: 0, importCpuMs: 0, readyCpuMs: 0 },
        with: { readyMs: 0, importMs: 0, importCpuMs: 0, readyCpuMs: 0 },
        ratio: { readyMs: 0, importMs: 0, importCpuMs: 0, readyCpuMs: 0 },
        sourceMapsEnabled: [],
        samples: 0,
        error: error.split('\n').at(-1) ?? error,
      };
    const without = initFigures(medians(pair.without));
    const withMaps = initFigures(medians(pair.with));
    return {
      ...base,
      without,
      with: withMaps,
      ratio: ratios(withMaps, without),
      sourceMapsEnabled: pair.without.map((s, k) => [
        s.sourceMapsEnabled,
        pair.with[k]?.sourceMapsEnabled ?? false,
      ]),
      ...(isFunction.has(name)
        ? {
            stackCpuMs: { deployed: stackMedians(pair.without), withFlag: stackMedians(pair.with) },
            stacksMapped: [...pair.without, ...pair.with].every(
              (s) => s.stacksMapped?.length === MAPPED_STACKS && s.stacksMapped.every(Boolean),
            ),
          }
        : {}),
      samples: pair.with.length,
    };
  });
  for (const f of measured) {
    const own = costs.find((c) => c.name === f.name);
    const floor = costs.find((c) => c.name === f.floor);
    if (!own || !floor || own.error || floor.error) continue;
    own.floor = floor.name;
    own.withRatioToFloor = ratios(own.with, floor.with);
  }
  return costs;
}

/** The median CPU ms of the first, second, … stack formatted in each sample. */
function stackMedians(samples: Sample[]): number[] {
  return Array.from({ length: MAPPED_STACKS }, (_, k) =>
    round(median(samples.map((s) => s.stackCpuMs?.[k] ?? Number.NaN)), 2),
  );
}

/** The init figures of a sample's medians (no first call is made with source maps). */
function initFigures({
  readyMs,
  importMs,
  importCpuMs,
  readyCpuMs,
}: ReturnType<typeof medians>): SourceMapMedians {
  return { readyMs, importMs, importCpuMs, readyCpuMs };
}

function ratios(a: SourceMapMedians, b: SourceMapMedians): SourceMapCost['ratio'] {
  return {
    readyMs: round(a.readyMs / b.readyMs, 2),
    importMs: round(a.importMs / b.importMs, 2),
    importCpuMs: round(a.importCpuMs / b.importCpuMs, 2),
    readyCpuMs: round(a.readyCpuMs / b.readyCpuMs, 2),
  };
}

export async function measureColdStarts(options: {
  functions?: string[] | undefined;
  samples: number;
  /**
   * Up to how many samples a function whose goal verdict is undecided after `samples` gets, in
   * further rounds of `samples` pairs (default `samples`: none added).
   */
  maxSamples?: number;
  /** Epoch ms after which no further function is measured. */
  deadline: number;
  /** The items the first calls' stub endpoint answers: stubItems() unless given. */
  stubItems?: readonly Record<string, unknown>[];
}): Promise<ColdStartFigures> {
  const names = options.functions?.length ? options.functions : deployedFunctions();
  const maxSamples = Math.max(options.samples, options.maxSamples ?? options.samples);
  const outdir = mkdtempSync(join(tmpdir(), 'srs-bench-bundles-'));
  const stub = await stubAwsEndpoint(options.stubItems);
  try {
    const floors: FunctionFootprint[] = [];
    for (const file of FLOOR_FILES)
      floors.push(
        await footprint(
          `floor:${file}`,
          join(ROOT, 'bench', 'floors', `${file}.ts`),
          outdir,
          options.samples,
        ),
      );
    const empty = { ...(floors[0] as FunctionFootprint), name: EMPTY_HANDLER };
    const edge = await footprint(
      EDGE_REFERENCE,
      join(ROOT, 'bench', 'floors', 'edge.ts'),
      outdir,
      options.samples,
    );
    const edgeReference = edge.error
      ? undefined
      : { name: EDGE_REFERENCE, bundle: join(outdir, EDGE_REFERENCE, 'index.mjs') };
    const floorFor = (clients: string[]) => {
      const floor = floors.find((f) => f.clients.join() === clients.join() && !f.error);
      return floor && { name: floor.name, bundle: join(outdir, floor.name, 'index.mjs') };
    };
    const functions: FunctionFootprint[] = [];
    for (const name of names) {
      if (Date.now() > options.deadline) {
        functions.push({
          name,
          bundleKb: 0,
          readyMs: 0,
          importMs: 0,
          initRatio: 0,
          samples: 0,
          topInputs: [],
          topPackages: [],
          clients: [],
          error: 'not measured: time budget spent',
        });
        continue;
      }
      const f = await footprint(
        name,
        join(ROOT, 'lambdas', 'handlers', `${name}.ts`),
        outdir,
        options.samples,
        floorFor,
        stub.url,
        edgeReference,
        { maxSamples, deadline: options.deadline },
      );
      f.initRatio = f.readyMs && empty.readyMs ? round(f.readyMs / empty.readyMs, 2) : 0;
      functions.push(f);
    }
    for (const floor of [...floors, edge])
      floor.initRatio = floor.readyMs && empty.readyMs ? round(floor.readyMs / empty.readyMs, 2) : 0;
    const measured = functions.filter((f) => f.bundleKb > 0);
    // After the budget: the source-map line is left out rather than cut short.
    const sourceMaps =
      Date.now() > options.deadline ? [] : await sourceMapCosts(functions, outdir, options.samples);
    const smallestOf = (list: FunctionFootprint[]) =>
      list.reduce<FunctionFootprint | undefined>(
        (min, f) => (!min || f.bundleKb < min.bundleKb ? f : min),
        undefined,
      )?.name ?? '';
    return {
      node: process.version,
      samples: options.samples,
      maxSamples,
      intervals: {
        method: 'percentile bootstrap over the pairs of the ratio of medians',
        goal: FLOOR_RATIO_GOAL,
        ...BOOTSTRAP,
      },
      empty: { ...empty, initRatio: 1 },
      floors,
      edge,
      functions,
      smallest: smallestOf(measured),
      smallestWithDynamoDb: smallestOf(
        measured.filter((f) => f.clients.includes('@aws-sdk/client-dynamodb')),
      ),
      ...(sourceMaps.length ? { sourceMaps } : {}),
    };
  } finally {
    stub.server.close();
    rmSync(outdir, { recursive: true, force: true });
  }
}
