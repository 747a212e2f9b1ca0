/**
 * Faults at scale (`npm run bench -- --faults 0.05`): N identifications, `concurrency` at a time,
 * against the local stack run as its own process with a data folder, while
 *
 * - the emulations fail a share of the outside calls (local/faults.ts): DynamoDB throttling and
 *   500s, SNS publish failures, task invocations failing like a Lambda service error;
 * - the partner (bench/fake-partner.ts, behind the generic HTTP adapter) answers its order API with
 *   5xx or too late, and delivers its messages twice or out of order;
 * - the process is killed (SIGKILL) once mid-run and started again on the same data folder.
 *
 * The parties behave as the docs ask them to: the SP retries a start with the same Idempotency-Key,
 * the partner re-sends a message (new jti) on 5xx, the person reloads the link. The product's own
 * retries do the rest. Afterwards the outcome is counted from the table and the SMS outbox, not
 * from the driver; the stack's log lines (INFO) are scanned for the run's person data and tokens.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepository } from '../lambdas/adapters/dynamo/repository.js';
import type { Order } from '../lambdas/core/order.js';
import { type ServiceConfig, ServiceConfigSchema } from '../lambdas/core/service-config.js';
import { loadConfig } from '../local/config.js';
import { seededRandom } from '../local/faults.js';
import type { OutboxMessage } from '../local/sns.js';
import { TABLE_NAME } from '../local/stack.js';
import {
  FAULT_PARTNER,
  FAULT_PARTNER_METHOD,
  FAULT_PARTNER_TIMEOUT_MS,
  FAULT_PARTNER_TOKEN_ENV,
  FakePartner,
  type PartnerPlan,
} from './fake-partner.js';
import { mobileOf, ordersByMobile, SP_CLIENT, spToken, TERMS_LINK } from './lifecycle.js';
import { freePort, StackProcess } from './stack-process.js';
import { type LatencySummary, runPool, summarize } from './stats.js';
import { documentClient } from './verify-overhead.js';

export interface FaultRunOptions {
  n: number;
  concurrency: number;
  /** Share of calls failed at each injection point, 0 to 1. */
  rate: number;
  seed: number;
  /** The stack is killed and started again when this many identifications have started (0: never). */
  restartAfter: number;
  /** Longest one identification may take, its retries included. */
  identificationTimeoutMs: number;
  log?: (message: string) => void;
}

export const DEFAULT_FAULT_RUN: Omit<FaultRunOptions, 'seed'> = {
  n: 1000,
  concurrency: 20,
  rate: 0.05,
  restartAfter: 500,
  identificationTimeoutMs: 240_000,
};

/** Every tenth identification the partner reports as given up by the person. */
export const planOf = (index: number): PartnerPlan => (index % 10 === 3 ? 'cancel' : 'accept');

export interface FailedCase {
  index: number;
  refId: string;
  /** The order's reason: the error the state machine caught when its retries ran out. */
  reason: string | null;
}

export interface FaultRunFigures {
  options: Omit<FaultRunOptions, 'log'>;
  elapsedMs: number;
  endToEnd: LatencySummary;
  restart: { afterStarted: number; downMs: number } | null;
  /** Faults injected, by point and variant. */
  injected: Record<string, number>;
  /** Retries observed: by the emulations (SDK attempts, ASL Retry), by the partner, by the parties. */
  retries: Record<string, number>;
  /** How the service answered the partner's messages (applied, duplicate, stale, 409, …). */
  partnerAnswers: Record<string, number>;
  /** Final status per identification, read from the table. */
  outcomes: Record<string, number>;
  /** Each identification: its plan, the refId the SP was answered, its orders' count, its final status. */
  finalStatuses: { index: number; plan: PartnerPlan; refId: string | null; orders: number; status: string }[];
  expected: Record<PartnerPlan, number>;
  /** Identifications whose order is missing, not final, or final in a status its plan cannot explain. */
  lost: number;
  lostCases: string[];
  /** Orders beyond one per identification. */
  duplicatedOrders: number;
  /** Each identification with more than one order: its orders' refIds, creation times and statuses. */
  duplicateCases: string[];
  /** Registrations of the run's numbers, and those whose refId is not the accepted order's. */
  registrations: { count: number; notOfAcceptedOrder: number };
  failed: FailedCase[];
  sms: {
    sent: number;
    /** Extra SMS with the same text: an SNS answer was lost after delivery and the SDK retried. */
    sameMessageAgain: number;
    /** Extra SMS with a new link: the SMS step ran again after it had sent (a task fault after the run, the restart). */
    newLinkAgain: number;
    /** Cancelled identifications that got an SMS (must be 0). */
    unexpected: number;
  };
  logScan: { lines: number; needles: number; hits: { line: number; what: string }[] };
  /** Times the stack process ended on its own (not the planned kill). */
  unexpectedStackExits: number;
  /** What the driver saw go wrong (for reading, not counting). */
  driverErrors: string[];
  invariants: { name: string; ok: boolean; detail: string }[];
}

interface Identification {
  index: number;
  plan: PartnerPlan;
  mobile: string;
  person: { firstName: string; lastName: string; dob: string; email: string };
  refId?: string;
  /** Why the driver gave up on it, if it did. */
  driverError?: string;
  /** How the service answered each of the partner's messages. */
  partnerAnswers?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FINAL = new Set(['terms-accepted', 'cancelled', 'failed']);

/** Letters for a number (names accept letters only): 0 → "aaa", 1 → "aab", … */
function lettersOf(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  }
  return out;
}

/** A distinct person per identification, so the log scan can look for each one's data. */
function personOf(tag: number, index: number) {
  // Born between 1940 and 1994 (a start call refuses a future date of birth).
  const day = new Date(Date.UTC(1940, 0, 1) + ((tag * 1000 + index) % 20_000) * 86_400_000);
  return {
    firstName: `Fr${lettersOf(index, 3)}`,
    lastName: `Zq${lettersOf(tag, 2)}${lettersOf(index, 3)}`,
    dob: day.toISOString().slice(0, 10),
    email: `fault.${tag}.${index}@example.org`,
  };
}

function runConfig(partnerUrl: string, publicJwk: object): ServiceConfig {
  const config = loadConfig();
  config.isps.push({
    issuer: FAULT_PARTNER,
    adapter: 'http',
    loa: 4,
    jurisdictions: ['EIDAS'],
    realtimeMethods: [FAULT_PARTNER_METHOD],
    offline: false,
    webflow: true,
    timeoutSeconds: 3600,
    orderValiditySeconds: 3600,
    keys: [publicJwk],
    settings: {
      ordersUrl: `${partnerUrl}/orders`,
      auth: { type: 'bearer', tokenEnv: FAULT_PARTNER_TOKEN_ENV },
      timeoutMs: FAULT_PARTNER_TIMEOUT_MS,
      retries: 2,
      retryBaseDelayMs: 200,
    },
  } as never);
  const portal = config.serviceProviders.find((sp) => sp.clientId === SP_CLIENT);
  if (!portal) throw new Error(`${SP_CLIENT} missing from the local config`);
  portal.methods = { ...portal.methods, [FAULT_PARTNER]: '*' };
  return ServiceConfigSchema.parse(config);
}

/** The SMS outbox, read over HTTP by one poller (the stack is another process). */
class OutboxWatcher {
  private byPhone = new Map<string, OutboxMessage[]>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly baseUrl: string) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), 300);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async poll(): Promise<boolean> {
    if (this.polling) return false;
    this.polling = true;
    try {
      const res = await fetch(`${this.baseUrl}/_local/sms`, { signal: AbortSignal.timeout(10_000) });
      if (res.status !== 200) return false;
      const byPhone = new Map<string, OutboxMessage[]>();
      for (const m of ((await res.json()) as OutboxMessage[]).reverse())
        byPhone.set(m.phoneNumber, [...(byPhone.get(m.phoneNumber) ?? []), m]);
      this.byPhone = byPhone;
      return true;
    } catch {
      return false; // the stack is restarting
    } finally {
      this.polling = false;
    }
  }

  /** Oldest first. */
  of(phone: string): OutboxMessage[] {
    return this.byPhone.get(phone) ?? [];
  }
}

/**
 * An HTTP call retried the way a client of the service retries: on a network error (the stack is
 * down), 429, 5xx, and whatever `retryAlso` says; with backoff up to `deadline`.
 */
async function retried(
  what: string,
  deadline: number | (() => number),
  counts: Map<string, number>,
  call: () => Promise<Response>,
  retryAlso: (status: number, text: string) => boolean = () => false,
): Promise<{ status: number; text: string }> {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      counts.set(what, (counts.get(what) ?? 0) + 1);
      await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt - 1, 5)));
    }
    let status = 0;
    let text = '';
    try {
      const res = await call();
      status = res.status;
      text = await res.text();
    } catch {
      status = 0;
    }
    const again = status === 0 || status === 429 || status >= 500 || retryAlso(status, text);
    if (!again) return { status, text };
    if (Date.now() > (typeof deadline === 'number' ? deadline : deadline()))
      throw new Error(`${what}: still ${status} when the time was up`);
  }
}

export async function runFaultRun(options: FaultRunOptions): Promise<FaultRunFigures> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const tag = 10 + Math.floor(seededRandom(options.seed)() * 90);
  const work = mkdtempSync(join(tmpdir(), 'srs-fault-run-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const random = seededRandom(options.seed + 1);
  let runEnd = Number.POSITIVE_INFINITY;
  const partner = new FakePartner(options.rate, random, () => runEnd);
  await partner.start();
  const config = runConfig(partner.url, partner.publicJwk as object);
  const configPath = join(work, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));

  const logLines: string[] = [];
  let crashed = false;
  const stack = new StackProcess({
    port: await freePort(),
    dataDir,
    configPath,
    onLine: (line) => logLines.push(line),
    ...(process.env.FAULT_RUN_LOG ? { logFile: process.env.FAULT_RUN_LOG } : {}),
    // A stack that dies on its own ends the run: waiting out every identification would say nothing more.
    onUnexpectedExit: (report) => {
      crashed = true;
      runEnd = Date.now();
      log(`the stack died on its own: ${report}`);
    },
    env: {
      LOG_LEVEL: 'INFO',
      SRS_FAULTS: String(options.rate),
      SRS_FAULT_SEED: String(options.seed),
      [FAULT_PARTNER_TOKEN_ENV]: partner.token,
    },
  });
  const driverRetries = new Map<string, number>();
  const driverErrors: string[] = [];
  const identifications: Identification[] = [];
  const secrets = new Set<string>();
  let restart: FaultRunFigures['restart'] = null;
  let restarting: Promise<void> | undefined;

  try {
    log(`starting the stack (faults ${options.rate}, seed ${options.seed}) with a data folder`);
    await stack.start();
    const bearer = await spToken(stack.baseUrl, config);
    secrets.add(bearer);
    const outbox = new OutboxWatcher(stack.baseUrl);
    outbox.start();

    const restartStack = async (afterStarted: number) => {
      log(`killing the stack (SIGKILL) after ${afterStarted} started, and starting it again`);
      const down = Date.now();
      await stack.kill();
      // Seeded anew: the restarted process does not replay the first one's fault sequence.
      await stack.start();
      restart = { afterStarted, downMs: Date.now() - down };
      log(`the stack is back after ${restart.downMs} ms`);
    };

    const identify = async (index: number) => {
      const until = Date.now() + options.identificationTimeoutMs;
      const deadline = () => (crashed ? 0 : until);
      const mobile = mobileOf(tag, index);
      const idn: Identification = { index, plan: planOf(index), mobile, person: personOf(tag, index) };
      identifications.push(idn);
      if (options.restartAfter > 0 && index === options.restartAfter) restarting = restartStack(index);

      // The SP starts, retrying with the same Idempotency-Key until it gets its answer.
      const start = await retried(
        'SP start call',
        deadline,
        driverRetries,
        () =>
          fetch(`${stack.baseUrl}/api/identifications`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${bearer}`,
              'content-type': 'application/json',
              'idempotency-key': `fault-run-${tag}-${index}`,
            },
            body: JSON.stringify({
              ...idn.person,
              language: 'en',
              mobile,
              issuer: FAULT_PARTNER,
              method: FAULT_PARTNER_METHOD,
            }),
            signal: AbortSignal.timeout(40_000),
          }),
        (status, text) => status === 409 && text.includes('idempotency-key-in-use'),
      );
      if (start.status !== 201)
        throw new Error(`start answered ${start.status}: ${start.text.slice(0, 200)}`);
      const { refId, targetURL } = JSON.parse(start.text) as { refId: string; targetURL: string };
      idn.refId = refId;
      const orderToken = new URL(targetURL).searchParams.get('token');
      if (orderToken) secrets.add(orderToken);

      // The partner identifies the person (or reports that the person gave up).
      const answers = await partner.identify(refId, idn.plan);
      idn.partnerAnswers = answers.map((a) => `${a.kind}:${a.outcome ?? a.status}`);
      const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 409);
      if (unexpected.length)
        driverErrors.push(`#${index} partner messages answered ${idn.partnerAnswers.join(',')}`);

      // The person opens the newest terms link and accepts.
      if (idn.plan === 'accept') await acceptNewestLink(idn, refId, deadline);
      await untilFinal(refId, deadline);
    };

    const statusOf = async (refId: string, deadline: () => number): Promise<string> => {
      const res = await retried('SP status call', deadline, driverRetries, () =>
        fetch(`${stack.baseUrl}/api/identifications/${refId}`, {
          headers: { authorization: `Bearer ${bearer}` },
          signal: AbortSignal.timeout(20_000),
        }),
      );
      if (res.status !== 200) throw new Error(`status answered ${res.status}`);
      return (JSON.parse(res.text) as { statuses: { status: string }[] }).statuses.at(-1)?.status ?? '';
    };

    const untilFinal = async (refId: string, deadline: () => number) => {
      while (!FINAL.has(await statusOf(refId, deadline))) {
        if (Date.now() > deadline()) throw new Error(`${refId} not final in time`);
        await sleep(500);
      }
    };

    const acceptNewestLink = async (idn: Identification, refId: string, deadline: () => number) => {
      let tried = 0;
      for (let round = 0; ; round++) {
        const messages = outbox.of(idn.mobile);
        if (messages.length > tried) {
          tried = messages.length;
          const link = messages.at(-1)?.message.match(TERMS_LINK)?.[0];
          if (!link) throw new Error('an SMS without a terms link');
          secrets.add(link);
          const opened = await retried('person opens the link', deadline, driverRetries, () =>
            fetch(link, { signal: AbortSignal.timeout(20_000) }),
          );
          if (opened.status === 200) {
            const accepted = await retried('person accepts', deadline, driverRetries, () =>
              fetch(link, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: 'accept=yes',
                signal: AbortSignal.timeout(20_000),
              }),
            );
            // 410: accepted by an earlier attempt whose answer was lost.
            if (accepted.status === 200 || accepted.status === 410) return;
          } else if (opened.status === 410) {
            return;
          }
          // 404: a newer SMS replaced this link; wait for it.
        }
        if (Date.now() > deadline()) throw new Error(`no usable terms link for ${refId}`);
        // An order that ended without SMS (failed, its retries ran out) needs no acceptance.
        if (round % 8 === 7 && FINAL.has(await statusOf(refId, deadline))) return;
        await sleep(250);
      }
    };

    log(`${options.n} identifications, ${options.concurrency} at a time, through ${FAULT_PARTNER}`);
    const pool = await runPool(options.n, options.concurrency, Number.POSITIVE_INFINITY, async (index) => {
      try {
        await identify(index);
      } catch (err) {
        const idn = identifications.find((i) => i.index === index);
        if (idn) idn.driverError ??= (err as Error).message.slice(0, 300);
        throw err;
      }
    });
    runEnd = Date.now();
    await restarting;
    for (const e of pool.errors) driverErrors.push(e);
    for (const e of stack.unexpectedExits) driverErrors.push(`the stack died: ${e}`);
    outbox.stop();
    while (!(await outbox.poll())) await sleep(200);

    log('counting from the table and the SMS outbox');
    const counted = await countOutcomes(stack.dynamoEndpoint, identifications, outbox);
    const elapsedMs = Date.now() - started;
    await stack.stop();
    await partner.stop();

    const emulation = countFaultLines(logLines);
    const injected = { ...emulation.injected, ...Object.fromEntries(partner.injected) };
    const retries: Record<string, number> = {
      ...emulation.retried,
      'partner order API (adapter, same Idempotency-Key)': partner.adapterRetries,
      'partner message re-sent (5xx or stack down)': partner.redeliveries,
      ...Object.fromEntries([...driverRetries].map(([k, v]) => [k, v])),
    };
    const logScan = scanLogs(logLines, identifications, secrets);
    const figures: Omit<FaultRunFigures, 'invariants'> = {
      options: { ...options, log: undefined } as Omit<FaultRunOptions, 'log'>,
      elapsedMs,
      endToEnd: summarize(pool.durations),
      restart,
      injected,
      retries,
      partnerAnswers: Object.fromEntries(partner.answers),
      ...counted,
      logScan,
      unexpectedStackExits: stack.unexpectedExits.length,
      driverErrors: driverErrors.slice(0, 50),
    };
    return { ...figures, invariants: invariantsOf(figures) };
  } finally {
    await stack.stop().catch(() => undefined);
    await partner.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

async function countOutcomes(
  dynamoEndpoint: string,
  identifications: Identification[],
  outbox: OutboxWatcher,
): Promise<
  Pick<
    FaultRunFigures,
    | 'outcomes'
    | 'finalStatuses'
    | 'expected'
    | 'lost'
    | 'lostCases'
    | 'duplicatedOrders'
    | 'duplicateCases'
    | 'registrations'
    | 'failed'
    | 'sms'
  >
> {
  // Faults are still on: this reader retries more than the SDK's default 3 attempts.
  const db = documentClient(dynamoEndpoint, 12);
  const repository = createRepository(db, TABLE_NAME);
  try {
    const byMobile = await ordersByMobile(db, new Set(identifications.map((i) => i.mobile)));
    const outcomes: Record<string, number> = {};
    const finalStatuses: FaultRunFigures['finalStatuses'] = [];
    const expected: Record<PartnerPlan, number> = { accept: 0, cancel: 0 };
    const lostCases: string[] = [];
    const failed: FailedCase[] = [];
    let duplicatedOrders = 0;
    const duplicateCases: string[] = [];
    let registrations = 0;
    let notOfAcceptedOrder = 0;
    const sms = { sent: 0, sameMessageAgain: 0, newLinkAgain: 0, unexpected: 0 };

    for (const idn of identifications) {
      expected[idn.plan] += 1;
      const orders = byMobile.get(idn.mobile) ?? [];
      duplicatedOrders += Math.max(0, orders.length - 1);
      if (orders.length > 1)
        duplicateCases.push(
          `#${idn.index} (answered ${idn.refId ?? 'nothing'}): ${orders
            .map((o) => `${o.refId} created ${o.createdAt} ${o.statuses.map((s) => s.status).join('>')}`)
            .join('; ')}`,
        );
      const order: Order | undefined = orders.find((o) => o.refId === idn.refId) ?? orders[0];
      const last = order?.statuses.at(-1);
      const status = last
        ? last.status === 'cancelled'
          ? `cancelled/${last.kind}`
          : last.status
        : 'no order';
      outcomes[status] = (outcomes[status] ?? 0) + 1;
      finalStatuses.push({
        index: idn.index,
        plan: idn.plan,
        refId: idn.refId ?? null,
        orders: orders.length,
        status,
      });

      const registration = await repository.getRegistration(idn.mobile.slice(1));
      if (registration) registrations += 1;
      if (registration && registration.refId !== order?.refId) notOfAcceptedOrder += 1;

      const fits =
        (idn.plan === 'accept' && status === 'terms-accepted' && registration?.refId === order?.refId) ||
        (idn.plan === 'cancel' && status === 'cancelled/user');
      if (status === 'failed')
        failed.push({ index: idn.index, refId: order?.refId ?? '', reason: last?.reason ?? null });
      else if (!fits)
        lostCases.push(`#${idn.index} (${idn.plan}): ${status}${idn.refId ? '' : ', no refId'}`);

      const messages = outbox.of(idn.mobile);
      sms.sent += messages.length;
      if (idn.plan === 'cancel') sms.unexpected += messages.length;
      const texts = new Set<string>();
      for (const m of messages) {
        if (texts.has(m.message)) sms.sameMessageAgain += 1;
        else if (texts.size > 0) sms.newLinkAgain += 1;
        texts.add(m.message);
      }
    }
    return {
      outcomes,
      finalStatuses: finalStatuses.sort((a, b) => a.index - b.index),
      expected,
      lost: lostCases.length,
      lostCases,
      duplicatedOrders,
      duplicateCases,
      registrations: { count: registrations, notOfAcceptedOrder },
      failed,
      sms,
    };
  } finally {
    db.destroy();
  }
}

/** Sums the `[fault] injected …` and `[fault] retry …` lines of every process of the run. */
export function countFaultLines(lines: readonly string[]): {
  injected: Record<string, number>;
  retried: Record<string, number>;
} {
  const injected: Record<string, number> = {};
  const retried: Record<string, number> = {};
  for (const line of lines) {
    const m = /^\[fault\] (injected|retry) (\S+) (.+)$/.exec(line);
    if (!m) continue;
    const bucket = m[1] === 'injected' ? injected : retried;
    const key = `${m[2]} ${m[3]}`;
    bucket[key] = (bucket[key] ?? 0) + 1;
  }
  return { injected, retried };
}

/**
 * Looks for the run's person data and tokens in the stack's log lines: each person's names, date
 * of birth, e-mail, mobile number (with and without +), the order tokens, terms links and the SP's
 * access token; and for anything shaped like a JWT, a terms link or a phone number at all.
 */
export function scanLogs(
  lines: readonly string[],
  identifications: readonly Identification[],
  secrets: ReadonlySet<string>,
): FaultRunFigures['logScan'] {
  const needles = new Map<string, string>();
  for (const idn of identifications) {
    needles.set(idn.person.firstName, 'first name');
    needles.set(idn.person.lastName, 'last name');
    needles.set(idn.person.dob, 'date of birth');
    needles.set(idn.person.email, 'e-mail');
    needles.set(idn.mobile, 'mobile number');
    needles.set(idn.mobile.slice(1), 'mobile number');
  }
  for (const secret of secrets) {
    needles.set(secret, 'token or link');
    const termsToken = /\/terms\/([\w-]+)/.exec(secret)?.[1];
    if (termsToken) needles.set(termsToken, 'terms link token');
  }
  const shapes: [RegExp, string][] = [
    [/eyJ[\w-]{8,}\.[\w-]{8,}/, 'a JWT'],
    [/\/terms\/[\w-]{20,}/, 'a terms link'],
    [/\+\d{9,15}\b/, 'a phone number'],
  ];
  const hits: { line: number; what: string }[] = [];
  lines.forEach((line, i) => {
    for (const word of line.split(/[^\w@.+-]+/)) {
      const what = needles.get(word);
      if (what) hits.push({ line: i + 1, what });
    }
    for (const [shape, what] of shapes) if (shape.test(line)) hits.push({ line: i + 1, what });
  });
  return { lines: lines.length, needles: needles.size, hits: hits.slice(0, 100) };
}

function invariantsOf(f: Omit<FaultRunFigures, 'invariants'>): FaultRunFigures['invariants'] {
  const unexplainedFailures = f.failed.filter((c) => !c.reason);
  return [
    {
      name: 'the stack never ended on its own',
      ok: f.unexpectedStackExits === 0,
      detail: String(f.unexpectedStackExits),
    },
    { name: 'no identification lost', ok: f.lost === 0, detail: f.lostCases.slice(0, 10).join('; ') || '0' },
    {
      name: 'no order duplicated',
      ok: f.duplicatedOrders === 0,
      detail: [String(f.duplicatedOrders), ...f.duplicateCases.slice(0, 10)].join('; '),
    },
    {
      name: 'one registration per accepted identification, of its order',
      ok:
        f.registrations.notOfAcceptedOrder === 0 &&
        f.registrations.count === (f.outcomes['terms-accepted'] ?? 0),
      detail: `${f.registrations.count} registrations, ${f.registrations.notOfAcceptedOrder} of another order`,
    },
    {
      name: 'every failed identification carries its reason',
      ok: unexplainedFailures.length === 0,
      detail: `${f.failed.length} failed, ${unexplainedFailures.length} without a reason`,
    },
    {
      name: 'SMS only to identifications that reached the terms, again only as at least once',
      ok: f.sms.unexpected === 0,
      detail: `${f.sms.sent} sent, ${f.sms.sameMessageAgain} same text again, ${f.sms.newLinkAgain} new link again, ${f.sms.unexpected} to cancelled ones`,
    },
    {
      name: 'no person data or token in any log line',
      ok: f.logScan.hits.length === 0,
      detail: `${f.logScan.lines} lines, ${f.logScan.needles} values looked for, ${f.logScan.hits.length} hits`,
    },
  ];
}
