/**
 * Figure 1 — verify overhead: POST /api/verify through the local HTTP stack against raw GetItem
 * calls on the same embedded DynamoDB, in the same process, at the same concurrency and count.
 * The ratio verify_rps / getitem_rps says how much of the storage round trip's throughput the
 * stack keeps (goal ≥ 0.8, i.e. the stack adds at most 25 %).
 *
 * A third path separates the local HTTP transport (fetch client and Node HTTP server, in this one
 * process) from the gateway and handler: GET /.well-known/jwks.json, answered by the local server
 * without API Gateway emulation or a function.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../lambdas/adapters/dynamo/table-schema.js';
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
}

export interface VerifyOverheadFigures {
  calls: number;
  concurrency: number;
  rounds: number;
  getItem: ThroughputFigures;
  verify: ThroughputFigures;
  /** The local HTTP round trip alone (no gateway, no function). */
  transport: ThroughputFigures;
  /** verify rps / GetItem rps. */
  ratio: number;
  /**
   * Derived, assuming the one busy thread's time per call adds up: GetItem time / (verify time −
   * transport time), i.e. the ratio if the HTTP client and server cost nothing.
   */
  ratioWithoutTransport: number;
  /** The ratio of each round, to show its spread. */
  roundRatios: number[];
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

function figures(result: PoolResult): ThroughputFigures {
  return {
    rps: round(result.completed / (result.elapsedMs / 1000), 1),
    failed: result.failed,
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
    errors: results.flatMap((r) => r.errors),
  };
}

export async function measureVerifyOverhead(
  stack: LocalStack,
  options: VerifyOverheadOptions,
): Promise<VerifyOverheadFigures> {
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
  const transport = async () => {
    const res = await fetch(`${stack.baseUrl}/.well-known/jwks.json`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`jwks answered ${res.status}`);
  };

  try {
    // Warm up both paths (JIT, sockets, the claimed-identity cache) before measuring.
    await runPool(options.warmup, options.concurrency, options.deadline, getItem);
    await runPool(options.warmup, options.concurrency, options.deadline, verify);
    await runPool(options.warmup, options.concurrency, options.deadline, transport);

    const rounds = Math.max(1, options.rounds);
    const perRound = Math.max(1, Math.floor(options.calls / rounds));
    const raw: PoolResult[] = [];
    const http: PoolResult[] = [];
    const bare: PoolResult[] = [];
    for (let i = 0; i < rounds; i++) {
      raw.push(await runPool(perRound, options.concurrency, options.deadline, getItem));
      http.push(await runPool(perRound, options.concurrency, options.deadline, verify));
      bare.push(await runPool(perRound, options.concurrency, options.deadline, transport));
    }
    const getItemFigures = figures(merge(raw));
    const verifyFigures = figures(merge(http));
    const transportFigures = figures(merge(bare));
    const perCall = (f: ThroughputFigures) => (f.rps > 0 ? 1 / f.rps : 0);
    const withoutTransport = perCall(verifyFigures) - perCall(transportFigures);
    const rps = (r: PoolResult) => r.completed / (r.elapsedMs / 1000);
    return {
      calls: perRound * rounds,
      concurrency: options.concurrency,
      rounds,
      getItem: getItemFigures,
      verify: verifyFigures,
      transport: transportFigures,
      ratio: round(verifyFigures.rps / getItemFigures.rps, 3),
      ratioWithoutTransport: withoutTransport > 0 ? round(perCall(getItemFigures) / withoutTransport, 3) : 0,
      roundRatios: raw.map((r, i) => round(rps(http[i] as PoolResult) / rps(r), 3)),
    };
  } finally {
    db.destroy();
  }
}
