/**
 * Figure 1 — verify overhead: the verify call against raw GetItem calls on the same embedded
 * DynamoDB, in the same process, at the same concurrency and count. The ratio verify_rps /
 * getitem_rps says how much of the storage round trip's throughput the stack keeps.
 *
 * Verify is measured twice: POST /api/verify over the local HTTP server (fetch client and Node
 * HTTP server in this one process), and the same request handed to the API Gateway emulation's
 * in-process entry (route match, proxy event, the deployed middy handler, its GetItem) without the
 * HTTP client and server — the goal (≥ 0.8, i.e. the gateway and the function add at most 25 % to
 * the storage round trip) reads that one. A fourth path prices the local HTTP transport alone:
 * GET /.well-known/jwks.json, answered by the local server without the gateway or a function.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../lambdas/adapters/dynamo/table-schema.js';
import type { GatewayRequest } from '../local/api-gateway.js';
import { type LocalStack, TABLE_NAME } from '../local/stack.js';
import { type LatencySummary, type PoolResult, round, runPool, summarize } from './stats.js';

export interface VerifyOverheadOptions {
  calls: number;
  concurrency: number;
  warmup: number;
  /** Measured rounds, alternating GetItem and verify (each round does calls / rounds of each). */
  rounds: number;
  /** Epoch ms after which no new call starts. */
  deadline: number;
}

export interface ThroughputFigures extends LatencySummary {
  rps: number;
  failed: number;
  /** This process's CPU time per completed call, ms (all its threads). */
  cpuMsPerCall: number;
}

export interface VerifyOverheadFigures {
  calls: number;
  concurrency: number;
  rounds: number;
  getItem: ThroughputFigures;
  /** POST /api/verify over the local HTTP server. */
  verify: ThroughputFigures;
  /** The same request through the API Gateway emulation's in-process entry: no HTTP client or server. */
  inProcess: ThroughputFigures;
  /** The local HTTP round trip alone (no gateway, no function). */
  transport: ThroughputFigures;
  /** verify (over HTTP) rps / GetItem rps. */
  ratio: number;
  /** Measured: in-process verify rps / GetItem rps — the goal's figure. */
  ratioInProcess: number;
  /**
   * GetItem's CPU time per call / in-process verify's: the same ratio by CPU time instead of wall
   * time, which other processes on a shared machine skew less.
   */
  cpuRatioInProcess: number;
  /**
   * Derived, assuming the one busy thread's time per call adds up: GetItem time / (verify time −
   * transport time), i.e. the ratio if the HTTP client and server cost nothing (a cross-check of
   * `ratioInProcess`).
   */
  ratioWithoutTransport: number;
  /** The ratio of each round (verify over HTTP), to show its spread. */
  roundRatios: number[];
  /** The in-process ratio of each round. */
  roundRatiosInProcess: number[];
  /** The in-process ratio by CPU time of each round. */
  roundCpuRatiosInProcess: number[];
}

export const VERIFY_MSISDN = '41790000001';

/** The verify request of the white paper's example, for a registration the benchmark seeds. */
export function verifyBody(msisdn: string) {
  return JSON.stringify({
    msisdn,
    claimedIdentity: 'test-client',
    assuranceLevel: 3,
    distinguishedName: 'gn=Hans, sn=Muster',
  });
}

/** `maxAttempts` above the SDK's 3 for a reader that must get through injected faults. */
export function documentClient(endpoint: string, maxAttempts?: number): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      ...(maxAttempts ? { maxAttempts } : {}),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
}

export async function postVerify(baseUrl: string, body: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * The request as the local HTTP server hands it to the gateway for `postVerify`'s fetch (undici's
 * default headers), so that the in-process path builds the same proxy event.
 */
export function verifyGatewayRequest(baseUrl: string, body: string): GatewayRequest {
  const url = new URL('/api/verify', baseUrl);
  const bytes = Buffer.from(body, 'utf8');
  return {
    method: 'POST',
    url,
    headers: {
      host: url.host,
      connection: 'keep-alive',
      'content-type': 'application/json',
      accept: '*/*',
      'accept-language': '*',
      'sec-fetch-mode': 'cors',
      'user-agent': 'node',
      'accept-encoding': 'gzip, deflate',
      'content-length': String(bytes.length),
    },
    body: bytes,
    sourceIp: '127.0.0.1',
  };
}

function figures(result: PoolResult): ThroughputFigures {
  return {
    rps: round(result.completed / (result.elapsedMs / 1000), 1),
    failed: result.failed,
    cpuMsPerCall: result.completed ? round(result.cpuMs / result.completed, 3) : 0,
    ...summarize(result.durations),
  };
}

function merge(results: PoolResult[]): PoolResult {
  return {
    completed: results.reduce((s, r) => s + r.completed, 0),
    failed: results.reduce((s, r) => s + r.failed, 0),
    skipped: results.reduce((s, r) => s + r.skipped, 0),
    durations: results.flatMap((r) => r.durations),
    elapsedMs: results.reduce((s, r) => s + r.elapsedMs, 0),
    cpuMs: results.reduce((s, r) => s + r.cpuMs, 0),
    errors: results.flatMap((r) => r.errors),
  };
}

/**
 * Seeds the registration the benchmark's verify calls find and checks that verify answers 200 for
 * it over HTTP; returns the request body.
 */
export async function seedVerifyRegistration(stack: LocalStack): Promise<string> {
  const now = new Date();
  await stack.repository.putRegistration({
    msisdn: VERIFY_MSISDN,
    serialNumber: 'SRS-BENCHMARK',
    evidenceId: randomUUID(),
    loa: 3,
    jurisdictions: ['ZERTES', 'EIDAS'],
    givenName: 'Hans',
    familyName: 'Muster',
    nationalities: ['CH'],
    termsAcceptedAt: now.toISOString(),
    validUntil: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
    refId: randomUUID(),
    issuer: 'Test-ISP',
  });
  const body = verifyBody(VERIFY_MSISDN);
  const first = await postVerify(stack.baseUrl, body);
  if (first !== 200) throw new Error(`verify of the seeded registration answered ${first}, not 200`);
  return body;
}

export async function measureVerifyOverhead(
  stack: LocalStack,
  options: VerifyOverheadOptions,
): Promise<VerifyOverheadFigures> {
  const body = await seedVerifyRegistration(stack);

  const db = documentClient(stack.dynamoEndpoint);
  const get = new GetCommand({ TableName: TABLE_NAME, Key: keys.registration(VERIFY_MSISDN) });
  const getItem = async () => {
    const out = await db.send(get);
    if (!out.Item) throw new Error('GetItem found no registration');
  };
  const verify = async () => {
    const status = await postVerify(stack.baseUrl, body);
    if (status !== 200) throw new Error(`verify answered ${status}`);
  };
  const gatewayRequest = verifyGatewayRequest(stack.baseUrl, body);
  const inProcess = async () => {
    // A fresh request object per call, as the server makes one per request (the body is the same).
    const out = await stack.gateway.handle({ ...gatewayRequest, headers: { ...gatewayRequest.headers } });
    if (out.statusCode !== 200) throw new Error(`verify in process answered ${out.statusCode}`);
  };
  const transport = async () => {
    const res = await fetch(`${stack.baseUrl}/.well-known/jwks.json`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`jwks answered ${res.status}`);
  };

  try {
    // Warm up both paths (JIT, sockets, the claimed-identity cache) before measuring.
    await runPool(options.warmup, options.concurrency, options.deadline, getItem);
    await runPool(options.warmup, options.concurrency, options.deadline, verify);
    await runPool(options.warmup, options.concurrency, options.deadline, inProcess);
    await runPool(options.warmup, options.concurrency, options.deadline, transport);

    const rounds = Math.max(1, options.rounds);
    const perRound = Math.max(1, Math.floor(options.calls / rounds));
    const raw: PoolResult[] = [];
    const http: PoolResult[] = [];
    const direct: PoolResult[] = [];
    const bare: PoolResult[] = [];
    for (let i = 0; i < rounds; i++) {
      raw.push(await runPool(perRound, options.concurrency, options.deadline, getItem));
      http.push(await runPool(perRound, options.concurrency, options.deadline, verify));
      direct.push(await runPool(perRound, options.concurrency, options.deadline, inProcess));
      bare.push(await runPool(perRound, options.concurrency, options.deadline, transport));
    }
    const getItemFigures = figures(merge(raw));
    const verifyFigures = figures(merge(http));
    const inProcessFigures = figures(merge(direct));
    const transportFigures = figures(merge(bare));
    const perCall = (f: ThroughputFigures) => (f.rps > 0 ? 1 / f.rps : 0);
    const withoutTransport = perCall(verifyFigures) - perCall(transportFigures);
    const rps = (r: PoolResult) => r.completed / (r.elapsedMs / 1000);
    const cpuPerCall = (r: PoolResult) => r.cpuMs / Math.max(1, r.completed);
    return {
      calls: perRound * rounds,
      concurrency: options.concurrency,
      rounds,
      getItem: getItemFigures,
      verify: verifyFigures,
      inProcess: inProcessFigures,
      transport: transportFigures,
      ratio: round(verifyFigures.rps / getItemFigures.rps, 3),
      ratioInProcess: round(inProcessFigures.rps / getItemFigures.rps, 3),
      cpuRatioInProcess: inProcessFigures.cpuMsPerCall
        ? round(getItemFigures.cpuMsPerCall / inProcessFigures.cpuMsPerCall, 3)
        : 0,
      ratioWithoutTransport: withoutTransport > 0 ? round(perCall(getItemFigures) / withoutTransport, 3) : 0,
      roundRatios: raw.map((r, i) => round(rps(http[i] as PoolResult) / rps(r), 3)),
      roundRatiosInProcess: raw.map((r, i) => round(rps(direct[i] as PoolResult) / rps(r), 3)),
      roundCpuRatiosInProcess: raw.map((r, i) =>
        round(cpuPerCall(r) / cpuPerCall(direct[i] as PoolResult), 3),
      ),
    };
  } finally {
    db.destroy();
  }
}
