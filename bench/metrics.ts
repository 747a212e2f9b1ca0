/**
 * What CloudWatch would report for the embedded stack, for the benchmark's cost model: Lambda
 * invocations and durations per function, API Gateway requests per route, Cognito token requests,
 * the DynamoDB capacity consumed per operation, entity and function, and the other AWS API calls
 * (Step Functions, SNS) each function makes. Off unless a stack is given an
 * instance (`startLocalStack({ metrics })`); while `recording` is false every hook is a pass-through.
 *
 * DynamoDB capacity comes from dynalite itself: while recording, each request is given
 * `ReturnConsumedCapacity: 'TOTAL'` on its way in and the `ConsumedCapacity` of the answer is
 * summed (and removed again when the caller had not asked for it, so the caller sees the same
 * answer). dynalite applies DynamoDB's size rules (reads per 4 KB, halved when eventually
 * consistent; writes per 1 KB, the larger of the old and new item) but leaves out two things that
 * DynamoDB bills, added here by the same rules:
 *   - a write to an item that carries a global secondary index's keys (projection ALL) costs the
 *     same write units again in the index, and a write that removes the item from the index too;
 *     an index of projection KEYS_ONLY costs one unit when the item enters or leaves it, nothing
 *     for a write that keeps its keys;
 *     the metrics know an item carries index keys from having seen it written with them;
 *   - a conditional write whose condition fails still consumes one write unit.
 * Each DynamoDB request (and Step Functions or SNS call) is attributed to the function whose
 * invocation sent it: invocations run in an AsyncLocalStorage context, and the client socket an
 * SDK request leaves on (Node's `http.client.request.start` diagnostics channel) is matched to the
 * connection the emulation receives it on. Durations are wall-clock time in this process, where
 * all functions share one event loop: they are not Lambda's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { GLOBAL_INDEXES, TABLE_KEYS } from '../lambdas/adapters/dynamo/table-schema.js';
import { replayWithAnswer } from '../local/dynalite-replay.js';
import type { MetricsHooks } from '../local/metrics-hooks.js';

export interface FunctionFigures {
  invocations: number;
  errors: number;
  /** Sum of the wall-clock durations in ms (in-process: includes time the event loop spent elsewhere). */
  totalMs: number;
  /** Sum of each invocation's duration rounded up to Lambda's 1 ms billing granularity. */
  billedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** The DynamoDB requests this function's invocations sent, and the capacity they consumed. */
  dynamo: DynamoFigures;
  /** Calls to the other emulated AWS APIs (`StepFunctions`, `SNS`) this function's invocations made. */
  serviceCalls: Record<string, number>;
  /** Log lines its invocations wrote (stdout and stderr), and their bytes: CloudWatch Logs events. */
  logEvents: number;
  logBytes: number;
}

export interface DynamoFigures {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

export interface MetricsSnapshot {
  functions: Record<string, FunctionFigures>;
  /** API Gateway requests by route (`POST /api/verify`), with the status classes answered. */
  apiRequests: Record<string, { requests: number; status: Record<string, number> }>;
  /** Cognito client-credentials token requests. */
  tokenRequests: number;
  /** By `<Operation> <entity>`, the entity being the partition key's prefix (`GetItem REG`). */
  dynamo: Record<string, DynamoFigures>;
  /** By the function that sent the request; `(no function)` for the stack's own calls (seeding, tools). */
  dynamoByFunction: Record<string, DynamoFigures>;
  dynamoTotal: DynamoFigures;
}

const METERED_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan']);
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const INDEX_KEY_ATTRIBUTES = GLOBAL_INDEXES.map((gsi) => [gsi.partitionKey.name, gsi.sortKey.name]);
const MAX_SAMPLES = 1_000_000;
const OUTSIDE_FUNCTIONS = '(no function)';
const CLIENT_REQUEST_START = 'http.client.request.start';

type AttributeMap = Record<string, Record<string, unknown>>;

interface DynamoRequest {
  TableName?: string;
  Key?: AttributeMap;
  Item?: AttributeMap;
  IndexName?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: AttributeMap;
  UpdateExpression?: string;
  ReturnConsumedCapacity?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

const stringOf = (value: Record<string, unknown> | undefined): string =>
  typeof value?.S === 'string' ? value.S : JSON.stringify(value ?? null);

export class LocalMetrics implements MetricsHooks {
  /** Whether the hooks record; false makes them pass-throughs (the stack runs unmetered). */
  recording: boolean;
  private functions = new Map<string, { invocations: number; errors: number; durations: number[] }>();
  private api = new Map<string, { requests: number; status: Record<string, number> }>();
  private tokens = 0;
  /** By `<function>\t<Operation> <entity>`. */
  private dynamo = new Map<string, DynamoFigures>();
  private readonly invocation = new AsyncLocalStorage<string>();
  /** Local port of a client socket → the function whose request it carries now. */
  private readonly socketOwners = new Map<number, string>();
  /** By `<function>\t<service>`. */
  private serviceCalls = new Map<string, number>();
  private unsubscribeClients: (() => void) | undefined;
  /** Items seen written with a global secondary index's keys (`PK SK` → index names). */
  private indexedItems = new Map<string, string[]>();
  /** By function: the log lines and bytes its invocations wrote. */
  private logs = new Map<string, { events: number; bytes: number }>();
  private releaseStreams: (() => void) | undefined;

  constructor(options: { recording?: boolean } = {}) {
    this.recording = options.recording ?? true;
  }

  /** Clears the figures (not what is known about indexed items: that is the table's state). */
  reset(): void {
    this.functions.clear();
    this.api.clear();
    this.tokens = 0;
    this.dynamo.clear();
    this.serviceCalls.clear();
    this.logs.clear();
  }

  /**
   * Counts what the functions write to stdout and stderr while recording — in Lambda each line is
   * a CloudWatch Logs event — and keeps it off this process's output (the other lines pass).
   */
  captureFunctionLogs(): () => void {
    if (this.releaseStreams) return this.releaseStreams;
    const restores = [process.stdout, process.stderr].map((stream) => {
      const write = stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const fn = this.invocation.getStore();
        if (fn === undefined) return write.call(stream, chunk, ...(rest as [BufferEncoding]));
        if (this.recording) {
          const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
          const entry = this.logs.get(fn) ?? { events: 0, bytes: 0 };
          for (const line of text.split('\n'))
            if (line.length > 0) {
              entry.events += 1;
              entry.bytes += Buffer.byteLength(line, 'utf8');
            }
          this.logs.set(fn, entry);
        }
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof stream.write;
      return () => {
        stream.write = write;
      };
    });
    this.releaseStreams = () => {
      for (const restore of restores) restore();
      this.releaseStreams = undefined;
    };
    return this.releaseStreams;
  }

  /**
   * An AWS API call (Step Functions, SNS) the emulation served, attributed to the function whose
   * invocation made it by the client's port (`req.socket.remotePort` on the serving side).
   */
  recordServiceCall(service: string, clientPort: number | undefined): void {
    if (!this.recording) return;
    const key = `${this.socketOwners.get(clientPort ?? 0) ?? OUTSIDE_FUNCTIONS}\t${service}`;
    this.serviceCalls.set(key, (this.serviceCalls.get(key) ?? 0) + 1);
  }

  /** Times one invocation of a function, as Lambda's Invocations, Errors and Duration metrics do. */
  invoke<T>(functionName: string, call: () => Promise<T>): Promise<T> {
    // Not an async function: the invocation's own promise, without two more turns to adopt it.
    if (this.recording) return this.invocation.run(functionName, () => this.timed(functionName, call));
    // Not recording, but keeping the functions' lines off the output: they still need their context.
    return this.releaseStreams ? this.invocation.run(functionName, call) : call();
  }

  private async timed<T>(functionName: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let failed = false;
    try {
      return await call();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const entry = this.functions.get(functionName) ?? { invocations: 0, errors: 0, durations: [] };
      entry.invocations += 1;
      if (failed) entry.errors += 1;
      if (entry.durations.length < MAX_SAMPLES) entry.durations.push(performance.now() - started);
      this.functions.set(functionName, entry);
    }
  }

  recordApiRequest(route: string, statusCode: number): void {
    if (!this.recording) return;
    const entry = this.api.get(route) ?? { requests: 0, status: {} };
    entry.requests += 1;
    const statusClass = `${Math.floor(statusCode / 100)}xx`;
    entry.status[statusClass] = (entry.status[statusClass] ?? 0) + 1;
    this.api.set(route, entry);
  }

  recordTokenRequest(): void {
    if (this.recording) this.tokens += 1;
  }

  snapshot(): MetricsSnapshot {
    const byOperation = new Map<string, DynamoFigures>();
    const byFunction = new Map<string, DynamoFigures>();
    const dynamoTotal = emptyDynamo();
    for (const [key, figures] of this.dynamo) {
      const [fn = OUTSIDE_FUNCTIONS, operation = ''] = key.split('\t');
      addDynamo(byOperation, operation, figures);
      addDynamo(byFunction, fn, figures);
      addTo(dynamoTotal, figures);
    }
    const callsByFunction = new Map<string, Record<string, number>>();
    for (const [key, count] of this.serviceCalls) {
      const [fn = OUTSIDE_FUNCTIONS, service = ''] = key.split('\t');
      const calls = callsByFunction.get(fn) ?? {};
      calls[service] = (calls[service] ?? 0) + count;
      callsByFunction.set(fn, calls);
    }
    const functions: Record<string, FunctionFigures> = {};
    for (const [name, entry] of [...this.functions].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...entry.durations].sort((a, b) => a - b);
      functions[name] = {
        invocations: entry.invocations,
        errors: entry.errors,
        totalMs: round(sorted.reduce((sum, d) => sum + d, 0)),
        billedMs: sorted.reduce((sum, d) => sum + Math.max(1, Math.ceil(d)), 0),
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        dynamo: byFunction.get(name) ?? emptyDynamo(),
        serviceCalls: callsByFunction.get(name) ?? {},
        logEvents: this.logs.get(name)?.events ?? 0,
        logBytes: this.logs.get(name)?.bytes ?? 0,
      };
    }
    const sorted = (map: Map<string, DynamoFigures>) =>
      Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));
    return {
      functions,
      apiRequests: Object.fromEntries([...this.api].sort(([a], [b]) => a.localeCompare(b))),
      tokenRequests: this.tokens,
      dynamo: sorted(byOperation),
      dynamoByFunction: sorted(byFunction),
      dynamoTotal,
    };
  }

  /**
   * Puts the recording in front of dynalite's request listener (in-process, no extra hop): while
   * recording, asks each request for its consumed capacity and sums it from the answer.
   */
  instrumentDynalite(server: Server): void {
    const listeners = server.listeners('request') as RequestListener[];
    const original = listeners[0];
    if (!original || listeners.length !== 1) throw new Error('Expected dynalite’s one request listener');
    server.removeAllListeners('request');
    this.followClientSockets();
    server.once('close', () => this.unsubscribeClients?.());
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (!this.recording || req.method !== 'POST' || !METERED_OPERATIONS.has(operation)) {
        original(req, res);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('error', () => res.destroy());
      req.on('end', () => this.meter(operation, Buffer.concat(chunks), req, res, original));
    });
  }

  /** Remembers which function each client socket's current request belongs to (set before it is written). */
  private followClientSockets(): void {
    if (this.unsubscribeClients) return;
    const onClientRequest = (message: unknown) => {
      if (!this.recording) return;
      const { request } = message as { request: ClientRequest };
      const owner = this.invocation.getStore() ?? OUTSIDE_FUNCTIONS;
      const bind = (socket: Socket) => {
        if (socket.localPort) this.socketOwners.set(socket.localPort, owner);
        else socket.once('connect', () => socket.localPort && this.socketOwners.set(socket.localPort, owner));
      };
      if (request.socket) bind(request.socket);
      else request.once('socket', bind);
    };
    subscribe(CLIENT_REQUEST_START, onClientRequest);
    this.unsubscribeClients = () => {
      unsubscribe(CLIENT_REQUEST_START, onClientRequest);
      this.unsubscribeClients = undefined;
    };
  }

  private meter(
    operation: string,
    raw: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
    original: RequestListener,
  ): void {
    let request: DynamoRequest | undefined;
    try {
      request = JSON.parse(raw.toString('utf8')) as DynamoRequest;
    } catch {
      // Not JSON: dynalite answers it as it would.
    }
    let body = raw;
    const askedFor = request?.ReturnConsumedCapacity;
    if (request && (askedFor === undefined || askedFor === 'NONE')) {
      body = Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'TOTAL' }), 'utf8');
    }
    replayWithAnswer(original, req, res, body, (answer, statusCode) => {
      if (!request) return undefined;
      this.account(req, operation, request, statusCode, answer as Parameters<LocalMetrics['account']>[4]);
      if (answer.ConsumedCapacity && (askedFor === undefined || askedFor === 'NONE')) {
        const { ConsumedCapacity: _, ...rest } = answer;
        return rest;
      }
      return undefined;
    });
  }

  private account(
    req: IncomingMessage,
    operation: string,
    request: DynamoRequest,
    statusCode: number,
    answer: { ConsumedCapacity?: { CapacityUnits?: number }; __type?: string },
  ): void {
    const isWrite = WRITE_OPERATIONS.has(operation);
    const keyOf = request.Key ?? request.Item;
    const partition =
      keyOf?.[TABLE_KEYS.partitionKey.name] ??
      request.ExpressionAttributeValues?.[
        /(:\w+)/.exec(request.KeyConditionExpression?.split(/\s+and\s+/i)[0] ?? '')?.[1] ?? ''
      ];
    const entity = request.IndexName
      ? `${request.IndexName}:${stringOf(partition).split('#')[0]}`
      : stringOf(partition).split('#')[0];
    const owner = this.socketOwners.get(req.socket.remotePort ?? 0) ?? OUTSIDE_FUNCTIONS;
    const key = `${owner}\t${operation} ${entity}`;
    const figures = this.dynamo.get(key) ?? emptyDynamo();
    figures.requests += 1;
    let units = answer.ConsumedCapacity?.CapacityUnits ?? 0;
    if (statusCode >= 400) {
      // DynamoDB charges a write whose condition failed (one unit for these small items).
      units = isWrite && /ConditionalCheckFailed/.test(answer.__type ?? '') ? 1 : 0;
    } else if (isWrite && keyOf) {
      units += this.indexUnits(operation, request, keyOf, units);
    }
    if (isWrite) figures.writeUnits += units;
    else figures.readUnits += units;
    this.dynamo.set(key, figures);
  }

  /**
   * What a successful write also wrote in the indexes: the same units again in each index of
   * projection ALL the item is or was in; in an index of projection KEYS_ONLY one unit (a few
   * bytes), and only when the item enters or leaves it — a write that keeps its index keys does
   * not write such an index.
   */
  private indexUnits(operation: string, request: DynamoRequest, keyOf: AttributeMap, units: number): number {
    const itemKey = `${stringOf(keyOf[TABLE_KEYS.partitionKey.name])} ${stringOf(keyOf[TABLE_KEYS.sortKey.name])}`;
    const before = this.indexedItems.get(itemKey) ?? [];
    let after = before;
    if (operation === 'PutItem') {
      after = GLOBAL_INDEXES.filter((_, i) =>
        (INDEX_KEY_ATTRIBUTES[i] ?? []).every((name) => request.Item?.[name] !== undefined),
      ).map((gsi) => gsi.indexName);
    } else if (operation === 'DeleteItem') {
      after = [];
    } else if (operation === 'UpdateItem') {
      const sets = request.UpdateExpression ?? '';
      const added = GLOBAL_INDEXES.filter((_, i) =>
        (INDEX_KEY_ATTRIBUTES[i] ?? []).some((name) => sets.includes(name)),
      ).map((gsi) => gsi.indexName);
      after = [...new Set([...before, ...added])];
    }
    if (after.length) this.indexedItems.set(itemKey, after);
    else this.indexedItems.delete(itemKey);
    let added = 0;
    for (const gsi of GLOBAL_INDEXES) {
      const was = before.includes(gsi.indexName);
      const is = after.includes(gsi.indexName);
      if (gsi.projection === 'ALL' && (was || is)) added += units;
      else if (gsi.projection === 'KEYS_ONLY' && was !== is) added += 1;
    }
    return added;
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const emptyDynamo = (): DynamoFigures => ({ requests: 0, readUnits: 0, writeUnits: 0 });

function addTo(target: DynamoFigures, figures: DynamoFigures): void {
  target.requests += figures.requests;
  target.readUnits += figures.readUnits;
  target.writeUnits += figures.writeUnits;
}

function addDynamo(map: Map<string, DynamoFigures>, key: string, figures: DynamoFigures): void {
  const target = map.get(key) ?? emptyDynamo();
  addTo(target, figures);
  map.set(key, target);
}
