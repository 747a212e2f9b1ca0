/**
 * Figure 2 — lifecycle throughput (and the counts behind figures 4 and 5): N identifications, at
 * most `concurrency` in flight, each driven over HTTP as an SP, a partner and a person drive it:
 *
 *   start (POST /api/identifications) → the Test-ISP simulator's JSON API (signed ISP events and
 *   evidence) → the terms SMS (emulated SNS) → the terms page (GET, then POST accept=yes) → the
 *   state machine registers the person → POST /api/verify answers 200.
 *
 * Lost and duplicated orders are counted from the table afterwards, not from the driver.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../lambdas/core/order.js';
import { oauthClientsOf, type ServiceConfig } from '../lambdas/core/service-config.js';
import type { OutboxMessage } from '../local/sns.js';
import { type LocalStack, TABLE_NAME } from '../local/stack.js';
import type { LocalMetrics, MetricsSnapshot } from './metrics.js';
import { type LatencySummary, round, runPool, summarize, withTimeout } from './stats.js';
import { documentClient, postVerify, verifyBody } from './verify-overhead.js';

export const SP_CLIENT = 'demo-portal';

export interface LifecycleOptions {
  n: number;
  concurrency: number;
  /** Epoch ms after which no new identification starts. */
  deadline: number;
  /** Longest wait for one step (the SMS, the execution's end). */
  stepTimeoutMs: number;
  /** Verify calls measured after the run, to price verify on its own. */
  verifySample: number;
}

export interface TableCounts {
  /** Orders of the run's mobile numbers found in the table. */
  orders: number;
  /** Of the identifications started, those whose order reached terms-accepted with its registration written. */
  completed: number;
  /** Started but not completed (per the table). */
  lost: number;
  /** Orders beyond one per identification. */
  duplicated: number;
  registrations: number;
}

export interface MemoryFigures {
  /** RSS of the benchmark process (stack and driver) when the run started. */
  startRssMb: number;
  /** Highest RSS sampled (every 25 ms) during the run. */
  peakRssMb: number;
  peakHeapUsedMb: number;
}

export interface LifecycleFigures {
  n: number;
  concurrency: number;
  attempted: number;
  /** Identifications the driver saw through to a positive verify. */
  driverCompleted: number;
  driverFailed: number;
  skipped: number;
  elapsedMs: number;
  completionsPerSecond: number;
  endToEnd: LatencySummary;
  table: TableCounts;
  executions: { count: number; succeeded: number; stateTransitions: number; transitionsPerExecution: number };
  smsSent: number;
  memory: MemoryFigures;
  errors: string[];
  /** What CloudWatch would report for the run. */
  metrics: MetricsSnapshot;
  /** Verify calls alone, after the run (their figures price verify per million). */
  verifySample: { calls: number; failed: number; metrics: MetricsSnapshot };
}

export const TERMS_LINK = /https?:\/\/\S+\/terms\/[\w-]+/;
/** The verify sample after the run starts no call after this. */
const SAMPLE_BUDGET_MS = 30_000;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** An access token of the SP client (client credentials). */
export async function spToken(baseUrl: string, config: ServiceConfig): Promise<string> {
  const secret = oauthClientsOf(config).find((c) => c.clientId === SP_CLIENT)?.clientSecret;
  if (!secret) throw new Error(`No local client ${SP_CLIENT}`);
  const res = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${SP_CLIENT}:${secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token request answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function expectStatus(stage: string, res: Response, expected: number): Promise<string> {
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${stage} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/** Waits for SMS per phone number (the outbox calls back; nothing polls). */
class SmsWaiter {
  private readonly waiting = new Map<string, (m: OutboxMessage) => void>();
  private readonly arrived = new Map<string, OutboxMessage>();
  readonly stop: () => void;

  constructor(stack: LocalStack) {
    this.stop = stack.outbox.onMessage((m) => {
      const resolve = this.waiting.get(m.phoneNumber);
      if (resolve) resolve(m);
      else this.arrived.set(m.phoneNumber, m);
    });
  }

  next(phoneNumber: string, timeoutMs: number): Promise<OutboxMessage> {
    const early = this.arrived.get(phoneNumber);
    if (early) {
      this.arrived.delete(phoneNumber);
      return Promise.resolve(early);
    }
    const promise = new Promise<OutboxMessage>((resolve) => this.waiting.set(phoneNumber, resolve));
    return withTimeout(promise, timeoutMs, `SMS to ${phoneNumber}`).finally(() =>
      this.waiting.delete(phoneNumber),
    );
  }
}

/** Unique mobile numbers per run: +41 77 <2-digit run tag> <5-digit index>. */
export function mobileOf(tag: number, index: number): string {
  return `+4177${String(tag).padStart(2, '0')}${String(index).padStart(5, '0')}`;
}

function memorySampler() {
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  timer.unref();
  return (): MemoryFigures => {
    clearInterval(timer);
    const m = process.memoryUsage();
    return {
      startRssMb: mb(start.rss),
      peakRssMb: mb(Math.max(peakRss, m.rss)),
      peakHeapUsedMb: mb(Math.max(peakHeap, m.heapUsed)),
    };
  };
}

/** The run's orders in the table, by mobile number (a Query on the SP's index partition). */
export async function ordersByMobile(
  db: DynamoDBDocumentClient,
  mobiles: ReadonlySet<string>,
): Promise<Map<string, Order[]>> {
  const byMobile = new Map<string, Order[]>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :sp',
        ExpressionAttributeValues: { ':sp': `SP#${SP_CLIENT}` },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as Order[]) {
      const mobile = item.person?.mobile;
      if (!mobile || !mobiles.has(mobile)) continue;
      byMobile.set(mobile, [...(byMobile.get(mobile) ?? []), item]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return byMobile;
}

/** Counts the run's orders and registrations in the table. */
async function countFromTable(stack: LocalStack, mobiles: Set<string>): Promise<TableCounts> {
  const db = documentClient(stack.dynamoEndpoint);
  try {
    const ordersByMobileMap = await ordersByMobile(db, mobiles);

    let completed = 0;
    let registrations = 0;
    for (const mobile of mobiles) {
      const orders = ordersByMobileMap.get(mobile) ?? [];
      const msisdn = mobile.replace(/\D/g, '');
      const reg = await stack.repository.getRegistration(msisdn);
      if (reg) registrations += 1;
      const accepted = orders.find((o) => o.statuses.at(-1)?.status === 'terms-accepted');
      if (accepted && reg?.refId === accepted.refId) completed += 1;
    }
    const orders = [...ordersByMobileMap.values()].reduce((sum, list) => sum + list.length, 0);
    return {
      orders,
      completed,
      lost: mobiles.size - completed,
      duplicated: orders - ordersByMobileMap.size,
      registrations,
    };
  } finally {
    db.destroy();
  }
}

export async function runLifecycle(
  stack: LocalStack,
  metrics: LocalMetrics,
  options: LifecycleOptions,
): Promise<LifecycleFigures> {
  const tag = 10 + Math.floor(Math.random() * 90);
  const sms = new SmsWaiter(stack);
  const mobiles = new Set<string>();
  const refIds = new Set<string>();
  const smsBefore = stack.outbox.list().length;

  metrics.reset();
  metrics.recording = true;
  const memory = memorySampler();
  let result: Awaited<ReturnType<typeof runPool>>;
  try {
    const bearer = await spToken(stack.baseUrl, stack.config);
    result = await runPool(options.n, options.concurrency, options.deadline, async (i) => {
      const signal = AbortSignal.timeout(options.stepTimeoutMs);
      const mobile = mobileOf(tag, i);
      mobiles.add(mobile);
      const smsArrives = sms.next(mobile, options.stepTimeoutMs);
      smsArrives.catch(() => undefined);

      const started = await fetch(`${stack.baseUrl}/api/identifications`, {
        signal,
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${tag}-${i}`,
        },
        body: JSON.stringify({
          dob: '1978-02-28',
          email: 'hans.muster@example.com',
          firstName: 'Hans',
          language: 'en',
          lastName: 'Muster',
          mobile,
          issuer: 'Test-ISP',
          method: 'test',
        }),
      });
      const { refId } = JSON.parse(await expectStatus('start', started, 201)) as { refId: string };
      refIds.add(refId);

      // The partner identifies the person: signed events and evidence to the ISP callbacks.
      await expectStatus(
        'simulator',
        await fetch(`${stack.baseUrl}/test-isp/api/orders/${refId}`, {
          signal,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'data-ready' }),
        }),
        200,
      );

      const link = (await smsArrives).message.match(TERMS_LINK)?.[0];
      if (!link) throw new Error('the SMS carries no terms link');
      await expectStatus('terms page', await fetch(link, { signal }), 200);
      await expectStatus(
        'terms accept',
        await fetch(link, {
          signal,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'accept=yes',
        }),
        200,
      );

      const execution = await withTimeout(
        stack.stepFunctions.settled(refId),
        options.stepTimeoutMs,
        `execution ${refId}`,
      );
      if (execution.status !== 'SUCCEEDED')
        throw new Error(`execution ${execution.status}: ${execution.error}`);
      const status = await postVerify(stack.baseUrl, verifyBody(mobile.replace(/\D/g, '')));
      if (status !== 200) throw new Error(`verify answered ${status}`);
    });
  } finally {
    sms.stop();
  }
  const memoryFigures = memory();
  const runMetrics = metrics.snapshot();

  // Verify on its own, for registered persons of the run (its cost per call, apart from the lifecycle).
  metrics.reset();
  const registered = [...mobiles].map((m) => m.replace(/\D/g, ''));
  const sample =
    registered.length === 0
      ? { completed: 0, failed: 0 }
      : await runPool(options.verifySample, options.concurrency, Date.now() + SAMPLE_BUDGET_MS, async (i) => {
          const status = await postVerify(
            stack.baseUrl,
            verifyBody(registered[i % registered.length] as string),
          );
          if (status !== 200 && status !== 404) throw new Error(`verify answered ${status}`);
        });
  const sampleMetrics = metrics.snapshot();
  metrics.recording = false;

  const executions = stack.stepFunctions.list().filter((e) => refIds.has(e.name));
  const stateTransitions = executions.reduce((sum, e) => sum + e.stateTransitions, 0);
  const table = await countFromTable(stack, mobiles);
  return {
    n: options.n,
    concurrency: options.concurrency,
    attempted: mobiles.size,
    driverCompleted: result.completed,
    driverFailed: result.failed,
    skipped: result.skipped,
    elapsedMs: round(result.elapsedMs, 0),
    completionsPerSecond: round(table.completed / (result.elapsedMs / 1000), 2),
    endToEnd: summarize(result.durations),
    table,
    executions: {
      count: executions.length,
      succeeded: executions.filter((e) => e.status === 'SUCCEEDED').length,
      stateTransitions,
      transitionsPerExecution: round(executions.length ? stateTransitions / executions.length : 0, 2),
    },
    smsSent: stack.outbox.list().length - smsBefore,
    memory: memoryFigures,
    errors: result.errors,
    metrics: runMetrics,
    verifySample: { calls: sample.completed, failed: sample.failed, metrics: sampleMetrics },
  };
}
