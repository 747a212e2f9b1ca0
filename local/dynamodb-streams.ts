/**
 * Emulates DynamoDB Streams (view type NEW_AND_OLD_IMAGES) on the embedded DynamoDB, which has
 * none, and Lambda's event source mapping for it. Every successful PutItem, UpdateItem and
 * DeleteItem on the table becomes a stream record: the request is given `ReturnValues` on its
 * way in (ALL_OLD for puts and deletes, ALL_NEW for updates) and the answer's `Attributes` become
 * the image — then removed again when the caller had not asked for them, so callers see
 * DynamoDB's answer. A put's new image is its item. Limits: an update's record has no old image,
 * and the stream lives in memory (records not yet consumed do not survive a restart).
 *
 * The consumer gets the records in write order, in batches; a batch that fails (or reports a
 * failed record) is retried from the failed record on, with growing pauses.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { replayWithAnswer } from './dynalite-replay.js';

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

const WRITES: Record<string, string> = { PutItem: 'ALL_OLD', DeleteItem: 'ALL_OLD', UpdateItem: 'ALL_NEW' };
const MAX_RETRY_PAUSE_MS = 30_000;

export class LocalDynamoStream {
  private readonly records: StreamRecord[] = [];
  private sequence = 0;
  private consumer:
    | { invoke: Consumer; batchSize: number; keyFilter: Record<string, string>; retryPauseMs: number }
    | undefined;
  private running = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set once the consumer has stopped: from then on writes are refused (the table closes next). */
  private refusing = false;
  /** Writes on their way through dynalite: closing waits for them. */
  private inFlight = 0;
  readonly arn: string;

  constructor(
    private readonly tableName: string,
    private readonly keyNames: string[],
  ) {
    this.arn = `arn:aws:dynamodb:local:000000000000:table/${tableName}/stream/local`;
  }

  /** Wraps the embedded DynamoDB's request handling (after any other instrumentation). */
  instrument(server: Server): void {
    const listeners = server.listeners('request') as RequestListener[];
    const inner = listeners[0];
    if (!inner || listeners.length !== 1)
      throw new Error('Expected one request listener on the DynamoDB server');
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (req.method !== 'POST' || !(operation in WRITES)) return inner(req, res);
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

  /** Lambda's event source mapping: records whose keys match the filter go to `invoke`. */
  subscribe(
    invoke: Consumer,
    options: { batchSize: number; keyFilter: Record<string, string>; retryPauseMs?: number },
  ) {
    this.consumer = { invoke, retryPauseMs: 100, ...options };
    this.wake();
  }

  /**
   * Stops the consumer and lets a running batch finish (its writes still go through), then
   * refuses further writes and waits for those on their way: nothing reaches a closed table.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
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
    let request:
      | { TableName?: string; Item?: AttributeMap; Key?: AttributeMap; ReturnValues?: string }
      | undefined;
    try {
      request = JSON.parse(raw.toString('utf8')) as typeof request;
    } catch {
      request = undefined;
    }
    let body = raw;
    const askedFor = request?.ReturnValues;
    const forced = request?.TableName === this.tableName && (askedFor === undefined || askedFor === 'NONE');
    if (request && forced) {
      body = Buffer.from(JSON.stringify({ ...request, ReturnValues: WRITES[operation] }), 'utf8');
    }
    replayWithAnswer(inner, req, res, body, (answer, statusCode) => {
      if (!request || request.TableName !== this.tableName || statusCode !== 200) return undefined;
      const attributes = answer.Attributes as AttributeMap | undefined;
      this.record(operation, request, askedFor ?? 'NONE', attributes);
      if (!forced || !attributes) return undefined;
      const { Attributes: _, ...rest } = answer;
      return rest;
    });
  }

  private record(
    operation: string,
    request: { Item?: AttributeMap; Key?: AttributeMap },
    askedFor: string,
    attributes: AttributeMap | undefined,
  ): void {
    let oldImage: AttributeMap | undefined;
    let newImage: AttributeMap | undefined;
    // Images only from what DynamoDB answered for the values we (or the caller) asked for.
    if (operation === 'PutItem') {
      newImage = request.Item;
      oldImage = askedFor === 'NONE' || askedFor === 'ALL_OLD' ? attributes : undefined;
    } else if (operation === 'DeleteItem') {
      oldImage = askedFor === 'NONE' || askedFor === 'ALL_OLD' ? attributes : undefined;
      if (!oldImage && askedFor === 'NONE') return; // nothing was deleted
    } else {
      newImage = askedFor === 'NONE' || askedFor === 'ALL_NEW' ? attributes : undefined;
    }
    const source = request.Key ?? request.Item ?? {};
    const keys = Object.fromEntries(this.keyNames.filter((k) => k in source).map((k) => [k, source[k]]));
    const eventName =
      operation === 'DeleteItem' ? 'REMOVE' : operation === 'PutItem' && !oldImage ? 'INSERT' : 'MODIFY';
    this.sequence += 1;
    this.records.push({
      eventID: `${this.sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'local',
      eventSourceARN: this.arn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keys,
        ...(newImage ? { NewImage: newImage } : {}),
        ...(oldImage ? { OldImage: oldImage } : {}),
        SequenceNumber: String(this.sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(newImage ?? oldImage ?? keys).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    this.wake();
  }

  private matches(record: StreamRecord): boolean {
    const filter = this.consumer?.keyFilter ?? {};
    return Object.entries(filter).every(
      ([name, value]) => (record.dynamodb.Keys[name] as { S?: string } | undefined)?.S === value,
    );
  }

  private wake(delayMs = 0): void {
    if (!this.consumer || this.running || this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), delayMs);
  }

  private async drain(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.running || this.closed) return;
    this.running = true;
    let pause = 0;
    try {
      while (this.records.length && !this.closed) {
        const batch = this.records.slice(0, consumer.batchSize);
        const wanted = batch.filter((r) => this.matches(r));
        let failedAt = -1;
        if (wanted.length) {
          try {
            const result = await consumer.invoke(wanted);
            const first = result?.batchItemFailures?.[0]?.itemIdentifier;
            if (first !== undefined) failedAt = batch.findIndex((r) => r.dynamodb.SequenceNumber === first);
            if (first !== undefined && failedAt < 0) failedAt = 0;
          } catch {
            failedAt = 0;
          }
        }
        if (failedAt < 0) {
          this.records.splice(0, batch.length);
          this.failures = 0;
          continue;
        }
        // Retry from the failed record on, after a pause that grows with each failure.
        this.records.splice(0, failedAt);
        this.failures += 1;
        pause = Math.min(MAX_RETRY_PAUSE_MS, consumer.retryPauseMs * 2 ** (this.failures - 1));
        break;
      }
    } finally {
      this.running = false;
      if (pause) this.wake(pause);
      else if (this.records.length) this.wake();
    }
  }
}
