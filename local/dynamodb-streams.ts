/**
 * Emulates DynamoDB Streams (view type NEW_AND_OLD_IMAGES) on the embedded DynamoDB, which has
 * none, and Lambda's event source mapping for it. Every item that a successful PutItem, UpdateItem,
 * DeleteItem or BatchWriteItem on the table changed becomes a stream record with the item's images
 * before and after, as DynamoDB writes it: INSERT for an item that was not there (a put or an
 * update that creates it: no old image), MODIFY for one that was, REMOVE for one deleted (no new
 * image). A write DynamoDB refused (a condition that failed) writes no record, nor does a delete of
 * no item, nor a put or update that leaves the item as it was (the AWS developer guide, "Change data
 * capture for DynamoDB Streams"; observed: tecracer.com/blog/2021/01, "Why I had to update my
 * mental model of DynamoDB streams"). The images come from dynalite itself: a put's and a delete's
 * old image from the write's own answer (`ReturnValues` ALL_OLD, asked for on its way in and
 * removed from the answer again, so callers see DynamoDB's answer to what they asked), an update's
 * from a read just before it and its new image from its answer (ALL_NEW) or a read just after; a
 * put's new image is its item with the numbers as DynamoDB stores them (`1.0` is `1`), so that a
 * put of the same item in another notation is no change, as in DynamoDB. The
 * writes to one item wait for each other (the embedded stack answers requests concurrently), so that
 * nothing comes between those reads and the write, and an item's records are in its writes' order.
 * Limit: the stream lives in memory (records not yet consumed do not survive a restart).
 *
 * Each consumer (one per event source mapping: a stream may feed several functions, each reading it
 * at its own pace, as in AWS) gets the records in write order, in batches, as the event source
 * mapping of the stack (lambdas/event-sources.ts) hands them: a batch that reports a failed record is retried from
 * that record on, with growing pauses; one whose function fails (throws) is split in halves while it
 * has more than one record (bisect on error), each half then run as a batch of its own; a batch
 * still failing after the retry attempts, or a record older than the maximum record age, is
 * discarded and its metadata go to the on-failure destination, in the message Lambda sends there
 * (`DDBStreamBatchInfo`). What AWS documents of this and what is assumed: see `drain`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { isNonArrayObject } from '../lambdas/core/guards.js';
import { canonicalJson } from '../lambdas/core/idempotency.js';
import type { FilterPattern } from '../lambdas/event-sources.js';
import { askDynalite, type JsonAnswer, replayWithAnswer } from './dynalite-replay.js';
import { checkFilter, matchesFilter } from './event-filter.js';
import { logInvocationError } from './lambda-context.js';

type AttributeMap = Record<string, unknown>;

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: AttributeMap;
    NewImage?: AttributeMap;
    OldImage?: AttributeMap;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: 'NEW_AND_OLD_IMAGES';
  };
}

export interface StreamConsumerResult {
  batchItemFailures?: { itemIdentifier: string }[];
}

type Consumer = (records: StreamRecord[]) => Promise<StreamConsumerResult | undefined>;

/** The event source mapping's settings: those of the stack's (`StreamSource`) and where discards go. */
export interface StreamSubscription {
  batchSize: number;
  /** The mapping's event filter: the records it does not match are not handed over (local/event-filter.ts). */
  filter: FilterPattern;
  retryAttempts: number;
  maxRecordAgeSeconds: number;
  bisectBatchOnError: boolean;
  /** The on-failure destination: gets the JSON message Lambda sends for each discarded batch. */
  onFailure(message: string): void;
  /** The consumer function's ARN, as the message names it. */
  functionArn: string;
  /** The first retry's pause (ms); each further one doubles, up to `maxRetryPauseMs`. */
  retryPauseMs?: number;
  maxRetryPauseMs?: number;
}

/** Why records were discarded, as Lambda's on-failure message says. */
type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** The message Lambda sends the on-failure destination for a discarded batch: metadata, no data. */
export interface OnFailureMessage {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DiscardCondition;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: 'Unhandled' };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

/** The operations that write items: each is recorded (TransactWriteItems dynalite does not have). */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** A write request's members read here. */
interface WriteRequest {
  TableName?: string;
  Item?: AttributeMap;
  Key?: AttributeMap;
  ReturnValues?: string;
  RequestItems?: unknown;
}

/** One item a write request changes: its key, and its whole new item when the request gives it (a put). */
interface ItemWrite {
  key: AttributeMap;
  put?: AttributeMap;
}

type Mapping = StreamSubscription & { invoke: Consumer; retryPauseMs: number; maxRetryPauseMs: number };

export class LocalDynamoStream {
  /** Records written while no consumer was subscribed: each consumer starts with them (TRIM_HORIZON). */
  private readonly backlog: StreamRecord[] = [];
  private readonly mappings: StreamMapping[] = [];
  private sequence = 0;
  /** Set once the consumers have stopped: from then on writes are refused (the table closes next). */
  private refusing = false;
  /** Writes on their way through dynalite: closing waits for them. */
  private inFlight = 0;
  /** Per item key (lockKey), the last write queued for it: settles once that write is recorded. */
  private readonly writing = new Map<string, Promise<void>>();
  readonly arn: string;

  constructor(
    private readonly tableName: string,
    private readonly keyNames: string[],
    /** The clock of the records' creation times and their age (tests move it). */
    private readonly now: () => number = Date.now,
  ) {
    this.arn = `arn:aws:dynamodb:local:000000000000:table/${tableName}/stream/local`;
  }

  /**
   * Wraps the embedded DynamoDB's own request handling (before any other instrumentation: its own
   * reads of the images go to dynalite directly, neither metered nor faulted as the product's are).
   */
  instrument(server: Server): void {
    const listeners = server.listeners('request') as RequestListener[];
    const inner = listeners[0];
    if (!inner || listeners.length !== 1)
      throw new Error('Expected one request listener on the DynamoDB server');
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (req.method !== 'POST' || !WRITES.has(operation)) return inner(req, res);
      if (this.refusing) {
        // Shutting down: the table is about to close under a write that would reach it too late.
        res.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
            message: 'Closing',
          }),
        );
        return;
      }
      this.inFlight += 1;
      res.once('close', () => {
        this.inFlight -= 1;
      });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('error', () => res.destroy());
      req.on('end', () => this.intercept(operation, Buffer.concat(chunks), req, res, inner));
    });
  }

  /**
   * Lambda's event source mapping: records its filter matches go to `invoke`. Each mapping
   * reads the stream on its own: its batches, retries and discards are its own.
   */
  subscribe(invoke: Consumer, subscription: StreamSubscription) {
    checkFilter(subscription.filter);
    const mapping = new StreamMapping(
      { invoke, retryPauseMs: 100, maxRetryPauseMs: 30_000, ...subscription },
      [...this.backlog],
      this.arn,
      this.now,
    );
    this.mappings.push(mapping);
    mapping.wake();
  }

  /**
   * The records written so far that some mapping has not handed over or discarded yet (a batch
   * being worked on, or waiting for its retry, included): 0 once the feed has caught up.
   */
  unconsumed(): number {
    return this.mappings.reduce((sum, m) => sum + m.pending, 0);
  }

  /**
   * Stops the consumers and lets their running batches finish (their writes still go through),
   * then refuses further writes and waits for those on their way: nothing reaches a closed table.
   */
  async close(): Promise<void> {
    await Promise.all(this.mappings.map((m) => m.close()));
    this.refusing = true;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private intercept(
    operation: string,
    raw: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
    inner: RequestListener,
  ) {
    let request: WriteRequest | undefined;
    try {
      request = JSON.parse(raw.toString('utf8')) as WriteRequest;
    } catch {
      request = undefined;
    }
    const writes = request && this.itemWrites(operation, request);
    if (!request || !writes?.length) {
      // Another table's write, or one dynalite will refuse as malformed: nothing to record.
      replayWithAnswer(inner, req, res, raw, () => undefined);
      return;
    }
    const written = request;
    void this.exclusively(
      writes.map(({ key }) => this.lockKey(key)),
      () => this.write(operation, written, writes, raw, req, res, inner),
    );
  }

  /**
   * The items a write request changes in this table, numbers as DynamoDB stores them (a put's item
   * is its new image: `{ N: '1.0' }` is stored as `{ N: '1' }`); undefined when it names none in a
   * form it can have.
   */
  private itemWrites(operation: string, request: WriteRequest): ItemWrite[] | undefined {
    if (operation === 'BatchWriteItem') {
      const entries = isNonArrayObject(request.RequestItems)
        ? request.RequestItems[this.tableName]
        : undefined;
      if (!Array.isArray(entries)) return undefined;
      const writes: ItemWrite[] = [];
      for (const entry of entries as {
        PutRequest?: { Item?: unknown };
        DeleteRequest?: { Key?: unknown };
      }[]) {
        const item = entry?.PutRequest?.Item;
        const key = entry?.DeleteRequest?.Key;
        if (isNonArrayObject(item)) writes.push(this.putOf(item));
        else if (isNonArrayObject(key)) writes.push({ key: this.keyOf(storedItem(key)) });
        else return undefined;
      }
      return writes;
    }
    if (request.TableName !== this.tableName) return undefined;
    const source = operation === 'PutItem' ? request.Item : request.Key;
    if (!isNonArrayObject(source)) return undefined;
    return [operation === 'PutItem' ? this.putOf(source) : { key: this.keyOf(storedItem(source)) }];
  }

  private putOf(item: AttributeMap): ItemWrite {
    const put = storedItem(item);
    return { key: this.keyOf(put), put };
  }

  private keyOf(source: AttributeMap): AttributeMap {
    return Object.fromEntries(this.keyNames.filter((k) => k in source).map((k) => [k, source[k]]));
  }

  private lockKey(key: AttributeMap): string {
    return JSON.stringify(this.keyNames.map((k) => key[k] ?? null));
  }

  /**
   * Runs `write` once every earlier write to any of `keys` has finished, and holds the later ones
   * back until it has: an item's image read before a write, the write and its record are one step,
   * and an item's records are in the order its writes were applied (as DynamoDB Streams promises).
   * Each write queues behind the writes already queued for its keys, all at once, so none waits in
   * a circle.
   */
  private async exclusively(keys: string[], write: () => Promise<void>): Promise<void> {
    const unique = [...new Set(keys)];
    const earlier = unique.map((k) => this.writing.get(k));
    let finished = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    for (const k of unique) this.writing.set(k, done);
    try {
      await Promise.all(earlier);
      await write();
    } finally {
      finished();
      for (const k of unique) if (this.writing.get(k) === done) this.writing.delete(k);
    }
  }

  /**
   * Hands the write to dynalite and records what it changed. The old image of a put or a delete
   * is the write's own answer (asked for as ALL_OLD); an update's, and a batch's, is read just before
   * it (the item's lock keeps other writes out in between). The new image: a put's item, an
   * update's answer (ALL_NEW) — or, when its caller asked for other values, the item read just after.
   * The caller's answer is DynamoDB's to what it asked, without the values forced for the images.
   */
  private async write(
    operation: string,
    request: WriteRequest,
    writes: ItemWrite[],
    raw: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
    inner: RequestListener,
  ): Promise<void> {
    const readFirst = operation === 'UpdateItem' || operation === 'BatchWriteItem';
    const before = readFirst ? await Promise.all(writes.map(({ key }) => this.read(inner, req, key))) : [];
    const askedFor = request.ReturnValues ?? 'NONE';
    const forced =
      askedFor !== 'NONE' || operation === 'BatchWriteItem'
        ? undefined
        : operation === 'UpdateItem'
          ? 'ALL_NEW'
          : 'ALL_OLD';
    const body = forced ? Buffer.from(JSON.stringify({ ...request, ReturnValues: forced }), 'utf8') : raw;
    // Recorded before the caller has the answer: a write answered is in the stream.
    await new Promise<void>((resolve) =>
      replayWithAnswer(
        inner,
        req,
        res,
        body,
        async (answer, statusCode) => {
          // The caller sees DynamoDB's answer to what it asked, whether or not its record was written.
          const { Attributes: forcedValues, ...rest } = answer;
          const reply = forced && forcedValues !== undefined ? rest : undefined;
          try {
            // A write DynamoDB refused (a condition that failed, a malformed request) changed nothing.
            if (statusCode === 200)
              await this.recordWrite(operation, request, writes, before, answer, forced, inner, req);
          } catch (err) {
            // The write stands (DynamoDB applied it); its record is lost, which one line says.
            console.error(
              `[local] DynamoDB stream: the record of a ${operation} was not written (${(err as Error).name}: ${(err as Error).message})`,
            );
          } finally {
            resolve();
          }
          return reply;
        },
        // An answer that is no JSON (another content type, a body too large) wrote nothing; the
        // item's next write must not wait for it.
        resolve,
      ),
    );
  }

  /** The records of a write DynamoDB applied: its items' images before (`before`, or its answer) and after. */
  private async recordWrite(
    operation: string,
    request: WriteRequest,
    writes: ItemWrite[],
    before: (AttributeMap | undefined)[],
    answer: JsonAnswer,
    forced: string | undefined,
    inner: RequestListener,
    req: IncomingMessage,
  ): Promise<void> {
    const attributes = answer.Attributes as AttributeMap | undefined;
    if (operation === 'PutItem') this.record(writes[0] as ItemWrite, attributes, writes[0]?.put);
    else if (operation === 'DeleteItem') this.record(writes[0] as ItemWrite, attributes, undefined);
    else if (operation === 'UpdateItem') {
      const write = writes[0] as ItemWrite;
      const allNew = forced !== undefined || request.ReturnValues === 'ALL_NEW';
      this.record(write, before[0], allNew ? attributes : await this.read(inner, req, write.key));
    } else {
      // dynalite writes every item of a batch or none (it answers UnprocessedItems empty).
      for (const [i, write] of writes.entries()) this.record(write, before[i], write.put);
    }
  }

  /** The item under `key` as it is now (dynalite asked directly: the emulation's read, not the product's). */
  private async read(inner: RequestListener, like: IncomingMessage, key: AttributeMap) {
    const { statusCode, answer } = await askDynalite(inner, like, 'GetItem', {
      TableName: this.tableName,
      Key: key,
      ConsistentRead: true,
    });
    // A key dynalite cannot read is one it will not write under either (the write is refused).
    return statusCode === 200 ? (answer?.Item as AttributeMap | undefined) : undefined;
  }

  /**
   * The stream record of one item's write, as DynamoDB Streams writes it: INSERT for an item that
   * was not there, MODIFY for one that was, REMOVE for one deleted; none for a delete of no item or
   * a put or update that left the item as it was.
   */
  private record(
    write: ItemWrite,
    oldImage: AttributeMap | undefined,
    newImage: AttributeMap | undefined,
  ): void {
    if (!oldImage && !newImage) return;
    if (oldImage && newImage && sameItem(oldImage, newImage)) return;
    const eventName = !newImage ? 'REMOVE' : !oldImage ? 'INSERT' : 'MODIFY';
    const keys = write.key;
    this.sequence += 1;
    const streamRecord: StreamRecord = {
      eventID: `${this.sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'local',
      eventSourceARN: this.arn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(this.now() / 1000),
        Keys: keys,
        ...(newImage ? { NewImage: newImage } : {}),
        ...(oldImage ? { OldImage: oldImage } : {}),
        SequenceNumber: String(this.sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(newImage ?? oldImage ?? keys).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    if (!this.mappings.length) {
      this.backlog.push(streamRecord);
      return;
    }
    // The consumers subscribed at start took the backlog with them.
    this.backlog.length = 0;
    for (const mapping of this.mappings) mapping.push(streamRecord);
  }
}

/**
 * A number as DynamoDB stores it (and dynalite: big.js `toFixed`): in plain decimals, without
 * exponent, leading zeros, trailing zeros of the fraction or a sign on zero — `1.0`, `1e0` and `01`
 * are `1`. `text` is one DynamoDB accepted (the write succeeded); another is left as it is.
 */
export function storedNumber(text: string): string {
  const parts = /^(-?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!parts) return text;
  const [, sign, whole = '', fraction = '', exponent = '0'] = parts;
  const first = (whole + fraction).search(/[1-9]/);
  if (first < 0) return '0';
  const digits = (whole + fraction).slice(first).replace(/0+$/, '');
  // Where the decimal point falls in `digits`.
  const point = whole.length + Number(exponent) - first;
  const plain =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + plain;
}

/** An item (or a key) as DynamoDB stores it: its numbers, in maps, lists and number sets too, as `storedNumber`. */
function storedItem(item: Readonly<AttributeMap>): AttributeMap {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, storedValue(value)]));
}

function storedValue(value: unknown): unknown {
  if (!isNonArrayObject(value)) return value;
  if (typeof value.N === 'string') return { ...value, N: storedNumber(value.N) };
  if (Array.isArray(value.NS))
    return { ...value, NS: value.NS.map((n) => (typeof n === 'string' ? storedNumber(n) : n)) };
  if (isNonArrayObject(value.M)) return { ...value, M: storedItem(value.M) };
  if (Array.isArray(value.L)) return { ...value, L: value.L.map(storedValue) };
  return value;
}

/** Whether two stored items are the same item: members compared by name, a set's (SS, NS, BS) in any order. */
const sameItem = (a: AttributeMap, b: AttributeMap): boolean =>
  canonicalJson(setsSorted(a)) === canonicalJson(setsSorted(b));

function setsSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(setsSorted);
  if (!isNonArrayObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      (k === 'SS' || k === 'NS' || k === 'BS') && Array.isArray(v) ? [...v].sort() : setsSorted(v),
    ]),
  );
}

/** One event source mapping of the stream: its own position, batch, retries and discards. */
class StreamMapping {
  private running = false;
  /** Failed invocations of the batch at the head of the stream since it last moved. */
  private failures = 0;
  /**
   * The batch being worked on, as the number of stream records (from the head) of each of its parts
   * still to run, oldest first: one part once read, two after a split, and so on. A batch once read
   * is what its retries and halves resend; records written meanwhile wait for the next batch. Empty:
   * the next batch is read afresh, up to `batchSize` records.
   */
  private parts: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly consumer: Mapping,
    /** The records this mapping has not handed over or discarded yet, oldest first. */
    private readonly records: StreamRecord[],
    private readonly arn: string,
    private readonly now: () => number,
  ) {}

  /** The records not handed over or discarded yet. */
  get pending(): number {
    return this.records.length;
  }

  push(record: StreamRecord): void {
    this.records.push(record);
    this.wake();
  }

  /** Stops reading and lets a running batch finish. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  private matches(record: StreamRecord): boolean {
    return matchesFilter(this.consumer.filter, record);
  }

  wake(delayMs = 0): void {
    if (this.running || this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), delayMs);
  }

  /**
   * Runs batches until the stream is empty or a batch waits for its retry.
   *
   * What AWS documents for DynamoDB streams (Lambda developer guide: services-dynamodb-errors,
   * services-ddb-batchfailurereporting "Bisecting a batch", the console settings): a function
   * error splits the batch in two before retrying, "your original batch size setting remains
   * unchanged", and "splitting a batch does not count towards the retry quota"; the halves are
   * retried separately (the feature's announcement, Dec 2019); with partial batch responses on, the
   * batch is bisected at the reported record and only the remaining records are retried; a retry
   * count is reached, or a maximum age passed, and the records are discarded to the on-failure
   * destination. Assumed, as the documents do not say: the first (older) half runs first and the
   * second runs after it as the same records, never refilled with newer ones (the shard's order);
   * each half, being a new batch, starts its own retry count at zero; the invocation of a half is
   * not a retry; the records remaining after a reported failure are a retry of their batch (counted);
   * halves are run at once, retries after a pause that grows with each failure.
   */
  private async drain(): Promise<void> {
    const consumer = this.consumer;
    if (this.running || this.closed) return;
    this.running = true;
    let pause = 0;
    try {
      while (this.records.length && !this.closed) {
        this.discardExpired(consumer);
        if (!this.records.length) break;
        if (!this.parts.length) this.parts.push(Math.min(this.records.length, consumer.batchSize));
        const batch = this.records.slice(0, this.parts[0]);
        const wanted = batch.filter((r) => this.matches(r));
        let failedAt = -1;
        let functionError = false;
        if (wanted.length) {
          try {
            const result = await consumer.invoke(wanted);
            failedAt = firstReportedFailure(batch, result?.batchItemFailures);
          } catch (err) {
            // Logged as Lambda logs it; the batch is then split or retried (see above).
            logInvocationError(consumer.functionArn.replace(/^.*:function:/, ''), err);
            failedAt = 0;
            functionError = true;
          }
        }
        if (failedAt < 0) {
          this.advance(batch.length);
          this.failures = 0;
          continue;
        }
        // The records before the reported one are done: the batch now starts at it.
        if (failedAt > 0) {
          this.advance(failedAt);
          this.failures = 0;
        }
        const failing = batch.slice(failedAt);
        const failingWanted = failing.filter((r) => this.matches(r));
        if (functionError && consumer.bisectBatchOnError && failingWanted.length > 1) {
          // Split in halves by the records the function gets: this part becomes two.
          const secondHalf = failingWanted[Math.ceil(failingWanted.length / 2)] as StreamRecord;
          const firstLength = failing.indexOf(secondHalf);
          this.parts.splice(0, 1, firstLength, failing.length - firstLength);
          this.failures = 0;
          continue;
        }
        this.failures += 1;
        if (this.failures > consumer.retryAttempts) {
          this.discard(consumer, failingWanted, 'RetryAttemptsExhausted', functionError);
          this.advance(failing.length);
          this.failures = 0;
          continue;
        }
        pause = Math.min(consumer.maxRetryPauseMs, consumer.retryPauseMs * 2 ** (this.failures - 1));
        break;
      }
    } finally {
      this.running = false;
      if (pause) this.wake(pause);
      else if (this.records.length) this.wake();
    }
  }

  /** The first `count` records are done with (handed over or discarded): the parts shrink with them. */
  private advance(count: number): void {
    this.records.splice(0, count);
    let left = count;
    while (left > 0 && this.parts.length) {
      const first = this.parts[0] as number;
      if (first > left) {
        this.parts[0] = first - left;
        break;
      }
      left -= first;
      this.parts.shift();
    }
  }

  /** The records at the head older than the maximum record age: discarded, unread. */
  private discardExpired(consumer: Mapping): void {
    const oldest = this.now() / 1000 - consumer.maxRecordAgeSeconds;
    const expired = this.records.findIndex((r) => r.dynamodb.ApproximateCreationDateTime >= oldest);
    const count = expired < 0 ? this.records.length : expired;
    if (!count) return;
    const records = this.records.slice(0, count);
    this.advance(count);
    this.discard(
      consumer,
      records.filter((r) => this.matches(r)),
      'RecordAgeExceeded',
      false,
    );
    this.failures = 0;
  }

  /** What Lambda sends the on-failure destination for discarded records (their metadata, no data). */
  private discard(
    consumer: Mapping,
    records: StreamRecord[],
    condition: DiscardCondition,
    functionError: boolean,
  ): void {
    const first = records[0];
    const last = records.at(-1);
    if (!first || !last) return;
    const arrival = (r: StreamRecord) =>
      new Date(r.dynamodb.ApproximateCreationDateTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    consumer.onFailure(
      JSON.stringify({
        requestContext: {
          requestId: randomUUID(),
          functionArn: consumer.functionArn,
          condition,
          approximateInvokeCount: this.failures,
        },
        responseContext: {
          statusCode: 200,
          executedVersion: '$LATEST',
          ...(functionError ? { functionError: 'Unhandled' } : {}),
        },
        version: '1.0',
        timestamp: new Date(this.now()).toISOString(),
        DDBStreamBatchInfo: {
          shardId: 'shardId-local',
          startSequenceNumber: first.dynamodb.SequenceNumber,
          endSequenceNumber: last.dynamodb.SequenceNumber,
          approximateArrivalOfFirstRecord: arrival(first),
          approximateArrivalOfLastRecord: arrival(last),
          batchSize: records.length,
          streamArn: this.arn,
        },
      } satisfies OnFailureMessage),
    );
  }
}

/**
 * Where a partial batch response makes the batch fail: at the reported record with the lowest
 * sequence number (Lambda retries from there, whatever order the function lists them in); at the
 * start for an identifier that names no record of the batch (empty, missing, another batch's), which
 * Lambda treats as a failure of the whole batch; -1 when nothing is reported.
 */
function firstReportedFailure(
  batch: StreamRecord[],
  failures: { itemIdentifier: string }[] | undefined,
): number {
  if (!failures?.length) return -1;
  let first = batch.length;
  for (const { itemIdentifier } of failures) {
    const at = batch.findIndex((r) => r.dynamodb.SequenceNumber === itemIdentifier);
    if (at < 0) return 0;
    first = Math.min(first, at);
  }
  return first;
}
