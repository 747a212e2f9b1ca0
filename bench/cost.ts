/**
 * Figure 4 — the AWS cost of one completed identification and of a million verify calls: the
 * counts measured in the lifecycle run (what CloudWatch would report: invocations, durations,
 * API requests, state transitions, consumed DynamoDB units, SMS) times the price table in
 * bench/prices.json. SMS is priced on its own line, outside the total.
 */
import { readFileSync } from 'node:fs';
import type { LifecycleFigures } from './lifecycle.js';
import type { FunctionFigures, MetricsSnapshot } from './metrics.js';
import { round } from './stats.js';

export interface Prices {
  region: string;
  regionName: string;
  currency: string;
  entered: string;
  note: string;
  lambda: { architecture: string; perGbSecond: number; perMillionRequests: number };
  apiGatewayRest: { perMillionRequests: number };
  stepFunctionsStandard: { perThousandStateTransitions: number };
  dynamoDbOnDemand: { perMillionWriteRequestUnits: number; perMillionReadRequestUnits: number };
  waf: { perMillionRequests: number; perWebAclMonth: number; perRuleMonth: number };
  cognitoM2m: { perTokenRequest: number; perAppClientMonth: number };
  smsSwitzerland: { perMessage: number };
  cloudWatchLogs: { perGbIngested: number };
  xray: { perMillionTracesRecorded: number };
  assumptions: {
    lambdaMemoryMb: number;
    computeMs: number;
    roundTripMs: Record<string, number>;
    logs: {
      eventMetadataBytes: number;
      lambdaPlatformEventsPerInvocation: number;
      lambdaPlatformBytesPerInvocation: number;
      apiGatewayAccessLogBytesPerRequest: number;
      apiGatewayExecutionLogEventsPerRequest: number;
      apiGatewayExecutionLogBytesPerRequest: number;
      stepFunctionsLogEventsPerStateTransition: number;
      stepFunctionsLogBytesPerEvent: number;
    };
    xray: { sampledShare: number };
  };
}

export function loadPrices(path = new URL('./prices.json', import.meta.url)): Prices {
  return JSON.parse(readFileSync(path, 'utf8')) as Prices;
}

/** Functions and routes that a production deployment does not have: the Test-ISP simulator is the partner. */
export const PARTNER_SIDE_FUNCTIONS = new Set(['test-isp-simulator']);
const isPartnerRoute = (route: string) => / \/test-isp\//.test(route);
const VERIFY_FUNCTION = 'verify';
const VERIFY_ROUTE = 'POST /api/verify';

export interface CostLine {
  item: string;
  /** Per completed identification, or per verify call. */
  quantity: number;
  unit: string;
  /** Price per unit. */
  unitPrice: number;
  /** quantity × unitPrice, per identification or per million verify calls. */
  cost: number;
}

export interface CostBlock {
  lines: CostLine[];
  /** With the Lambda duration measured in-process locally. */
  totalMeasured: number;
  /** With the modelled Lambda duration (prices.json assumptions). */
  totalModelled: number;
}

export interface CostFigures {
  prices: Pick<Prices, 'region' | 'regionName' | 'currency' | 'entered' | 'note'>;
  completedIdentifications: number;
  verifyCalls: number;
  /** Per completed identification, SMS excluded. */
  perIdentification: CostBlock;
  /** The terms SMS per completed identification (priced apart). */
  smsPerIdentification: CostLine;
  perMillionVerify: CostBlock;
  /**
   * What does not grow with identifications: per SP, its Cognito app client and the access tokens
   * it fetches (one per hour when it caches each for its 1-hour lifetime; the run fetched
   * `tokenRequests` for all its identifications). The web ACL's monthly fees come on top once.
   */
  perServiceProviderMonth: { lines: CostLine[]; total: number; tokenRequestsInRun: number };
  /** Once per stage and month: the WAF web ACL and each of its rules. */
  perStageMonth: { wafWebAcl: number; wafPerRule: number };
  /** The modelled duration of an average invocation, per function (ms, before rounding up). */
  modelledDurationMs: Record<string, number>;
  /**
   * Each function's invocations per completed identification, as the run counted them (the change
   * feed's functions as often as their event filters let records through): the Lambda requests
   * line's parts.
   */
  invocationsPerIdentification: Record<string, number>;
}

/** computeMs plus each AWS round trip the average invocation made, one after another. */
export function modelledDurationMs(f: FunctionFigures, prices: Prices): number {
  if (f.invocations === 0) return 0;
  const { computeMs, roundTripMs } = prices.assumptions;
  const calls: Record<string, number> = { ...f.serviceCalls, DynamoDB: f.dynamo.requests };
  let ms = computeMs;
  for (const [service, count] of Object.entries(calls))
    ms += (count / f.invocations) * (roundTripMs[service] ?? 0);
  return ms;
}

interface Counts {
  invocations: number;
  billedMsMeasured: number;
  billedMsModelled: number;
  apiRequests: number;
  readUnits: number;
  writeUnits: number;
  logEvents: number;
  logBytes: number;
}

function countsOf(
  snapshot: MetricsSnapshot,
  prices: Prices,
  includeFunction: (name: string) => boolean,
  includeRoute: (route: string) => boolean,
): Counts {
  const counts: Counts = {
    invocations: 0,
    billedMsMeasured: 0,
    billedMsModelled: 0,
    apiRequests: 0,
    readUnits: 0,
    writeUnits: 0,
    logEvents: 0,
    logBytes: 0,
  };
  for (const [name, f] of Object.entries(snapshot.functions)) {
    if (!includeFunction(name)) continue;
    counts.invocations += f.invocations;
    counts.billedMsMeasured += f.billedMs;
    counts.billedMsModelled += f.invocations * Math.max(1, Math.ceil(modelledDurationMs(f, prices)));
    counts.readUnits += f.dynamo.readUnits;
    counts.writeUnits += f.dynamo.writeUnits;
    counts.logEvents += f.logEvents;
    counts.logBytes += f.logBytes;
  }
  for (const [route, r] of Object.entries(snapshot.apiRequests))
    if (includeRoute(route)) counts.apiRequests += r.requests;
  return counts;
}

const line = (item: string, quantity: number, unit: string, unitPrice: number, scale = 1): CostLine => ({
  item,
  quantity: round(quantity, 4),
  unit,
  unitPrice,
  cost: round(quantity * unitPrice * scale, 8),
});

const KB = 1024;
const GB = 1024 ** 3;

/**
 * CloudWatch Logs ingestion and X-Ray traces for these counts: the functions' own lines as
 * measured, the platform's, API Gateway's and (per identification) Step Functions' lines and the
 * sampled traces as prices.json assumes them.
 */
function observability(
  counts: Counts,
  per: number,
  prices: Prices,
  scale: number,
  workflow: { stateTransitions: number; executions: number } | undefined,
): CostLine[] {
  const a = prices.assumptions.logs;
  const perGb = prices.cloudWatchLogs.perGbIngested;
  const ingested = (events: number, bytes: number) => (bytes + events * a.eventMetadataBytes) / KB / per;
  const perKb = perGb / (GB / KB);
  const lines = [
    line(
      'CloudWatch Logs: the functions’ lines (measured at INFO)',
      ingested(counts.logEvents, counts.logBytes),
      'KB',
      perKb,
      scale,
    ),
    line(
      'CloudWatch Logs: Lambda platform lines (START, END, REPORT; assumed size)',
      ingested(
        counts.invocations * a.lambdaPlatformEventsPerInvocation,
        counts.invocations * a.lambdaPlatformBytesPerInvocation,
      ),
      'KB',
      perKb,
      scale,
    ),
    line(
      'CloudWatch Logs: API Gateway access and execution logs (INFO; assumed size)',
      ingested(
        counts.apiRequests * (1 + a.apiGatewayExecutionLogEventsPerRequest),
        counts.apiRequests * (a.apiGatewayAccessLogBytesPerRequest + a.apiGatewayExecutionLogBytesPerRequest),
      ),
      'KB',
      perKb,
      scale,
    ),
  ];
  if (workflow) {
    const events = workflow.stateTransitions * a.stepFunctionsLogEventsPerStateTransition;
    lines.push(
      line(
        'CloudWatch Logs: Step Functions execution events (level ALL; assumed size)',
        ingested(events, events * a.stepFunctionsLogBytesPerEvent),
        'KB',
        perKb,
        scale,
      ),
    );
  }
  const traces = (counts.apiRequests + (workflow?.executions ?? 0)) * prices.assumptions.xray.sampledShare;
  lines.push(
    line(
      `X-Ray traces recorded (${prices.assumptions.xray.sampledShare * 100} % sampled)`,
      traces / per,
      'trace',
      prices.xray.perMillionTracesRecorded / 1e6,
      scale,
    ),
  );
  return lines;
}

function block(counts: Counts, per: number, prices: Prices, extra: CostLine[], scale: number): CostBlock {
  const gb = prices.assumptions.lambdaMemoryMb / 1024;
  const p = prices;
  const measured = line(
    `Lambda duration, measured locally (${p.assumptions.lambdaMemoryMb} MB ${p.lambda.architecture})`,
    ((counts.billedMsMeasured / 1000) * gb) / per,
    'GB-s',
    p.lambda.perGbSecond,
    scale,
  );
  const modelled = line(
    `Lambda duration, modelled (${p.assumptions.lambdaMemoryMb} MB ${p.lambda.architecture})`,
    ((counts.billedMsModelled / 1000) * gb) / per,
    'GB-s',
    p.lambda.perGbSecond,
    scale,
  );
  const common = [
    line('Lambda requests', counts.invocations / per, 'invocation', p.lambda.perMillionRequests / 1e6, scale),
    line(
      'API Gateway (REST) requests',
      counts.apiRequests / per,
      'request',
      p.apiGatewayRest.perMillionRequests / 1e6,
      scale,
    ),
    line('WAF requests', counts.apiRequests / per, 'request', p.waf.perMillionRequests / 1e6, scale),
    line(
      'DynamoDB read request units',
      counts.readUnits / per,
      'RRU',
      p.dynamoDbOnDemand.perMillionReadRequestUnits / 1e6,
      scale,
    ),
    line(
      'DynamoDB write request units',
      counts.writeUnits / per,
      'WRU',
      p.dynamoDbOnDemand.perMillionWriteRequestUnits / 1e6,
      scale,
    ),
    ...extra,
  ];
  const sum = (lines: CostLine[]) =>
    round(
      lines.reduce((s, l) => s + l.cost, 0),
      8,
    );
  return {
    lines: [...common, measured, modelled],
    totalMeasured: sum([...common, measured]),
    totalModelled: sum([...common, modelled]),
  };
}

const HOURS_PER_MONTH = 730;

function perSpMonth(prices: Prices, tokenRequestsInRun: number): CostFigures['perServiceProviderMonth'] {
  const lines = [
    line('Cognito M2M app client', 1, 'client-month', prices.cognitoM2m.perAppClientMonth),
    line(
      'Cognito M2M token requests (one per hour)',
      HOURS_PER_MONTH,
      'token',
      prices.cognitoM2m.perTokenRequest,
    ),
  ];
  return {
    lines,
    total: round(
      lines.reduce((s, l) => s + l.cost, 0),
      4,
    ),
    tokenRequestsInRun,
  };
}

export function costModel(lifecycle: LifecycleFigures, prices: Prices): CostFigures {
  const completed = Math.max(1, lifecycle.table.completed);
  const identificationFunction = (name: string) =>
    name !== VERIFY_FUNCTION && !PARTNER_SIDE_FUNCTIONS.has(name);
  const lifecycleCounts = countsOf(
    lifecycle.metrics,
    prices,
    identificationFunction,
    (route) => route !== VERIFY_ROUTE && !isPartnerRoute(route),
  );
  const perIdentification = block(
    lifecycleCounts,
    completed,
    prices,
    [
      line(
        'Step Functions (Standard) state transitions',
        lifecycle.executions.stateTransitions / completed,
        'transition',
        prices.stepFunctionsStandard.perThousandStateTransitions / 1000,
      ),
      ...observability(lifecycleCounts, completed, prices, 1, {
        stateTransitions: lifecycle.executions.stateTransitions,
        executions: lifecycle.executions.count,
      }),
    ],
    1,
  );
  const sample = lifecycle.verifySample;
  const calls = Math.max(1, sample.calls);
  const verifyCounts = countsOf(
    sample.metrics,
    prices,
    (name) => name === VERIFY_FUNCTION,
    (route) => route === VERIFY_ROUTE,
  );
  const perMillionVerify = block(
    verifyCounts,
    calls,
    prices,
    observability(verifyCounts, calls, prices, 1e6, undefined),
    1e6,
  );
  const modelled: Record<string, number> = {};
  for (const [name, f] of Object.entries({ ...lifecycle.metrics.functions, ...sample.metrics.functions })) {
    modelled[name] = round(modelledDurationMs(f, prices), 1);
  }
  const invocationsPerIdentification: Record<string, number> = {};
  for (const [name, f] of Object.entries(lifecycle.metrics.functions)) {
    if (identificationFunction(name))
      invocationsPerIdentification[name] = round(f.invocations / completed, 2);
  }
  return {
    prices: {
      region: prices.region,
      regionName: prices.regionName,
      currency: prices.currency,
      entered: prices.entered,
      note: prices.note,
    },
    completedIdentifications: lifecycle.table.completed,
    verifyCalls: sample.calls,
    perIdentification,
    smsPerIdentification: line(
      'SMS to Switzerland (terms link)',
      lifecycle.smsSent / completed,
      'message',
      prices.smsSwitzerland.perMessage,
    ),
    perMillionVerify,
    perServiceProviderMonth: perSpMonth(prices, lifecycle.metrics.tokenRequests),
    perStageMonth: { wafWebAcl: prices.waf.perWebAclMonth, wafPerRule: prices.waf.perRuleMonth },
    modelledDurationMs: modelled,
    invocationsPerIdentification,
  };
}
