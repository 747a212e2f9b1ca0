/**
 * Embedded DynamoDB: dynalite in this process, in memory or persisted to a folder (LevelDB).
 * The table is created from the same key-schema module as the CDK table.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
  TagResourceCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../lambdas/adapters/dynamo/table-schema.js';
import { STAGE_TAG } from '../lambdas/core/stage.js';
import { checkTableFolder } from './data-folder.js';
import type { LocalDynamoStream } from './dynamodb-streams.js';
import { type FaultInjector, sdkAttemptOf } from './faults.js';
import type { MetricsHooks } from './metrics-hooks.js';

/** A document client for the embedded DynamoDB at `endpoint`, configured as the handlers' is. */
export function embeddedDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

export interface EmbeddedDynamo {
  endpoint: string;
  /** The data folder's table was created by an earlier version and copied into the current schema. */
  tableUpgraded: boolean;
  close(): Promise<void>;
}

export async function startDynamo(options: {
  dataDir?: string | undefined;
  tableName: string;
  port?: number | undefined;
  /** Sum the capacity units each request consumes (benchmarks' cost model). */
  metrics?: MetricsHooks | undefined;
  /** Throttle or fail a share of requests before DynamoDB sees them (off when absent). */
  faults?: FaultInjector | undefined;
  /** The table's change feed (emulated DynamoDB Streams). */
  stream?: LocalDynamoStream | undefined;
  /** The stage the table is tagged with, as the CDK app tags a deployment's (lib/app.ts). */
  stage?: string | undefined;
}): Promise<EmbeddedDynamo> {
  if (options.dataDir) await checkTableFolder(options.dataDir);
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    path: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let tableUpgraded: boolean;
  try {
    // Before the change feed, metrics and faults see requests: setting up the table is none of theirs.
    tableUpgraded = await ensureTable(client, options.tableName, options.dataDir);
    if (options.stage !== undefined) await tagStage(client, options.tableName, options.stage);
  } finally {
    client.destroy();
  }
  options.stream?.instrument(server);
  options.metrics?.instrumentDynalite(server);
  if (options.faults?.enabled('dynamodb')) injectFaults(server, options.faults);
  return {
    endpoint,
    tableUpgraded,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/**
 * Creates a table and waits until it is ACTIVE: dynalite answers CreateTable while the table is
 * still CREATING and refuses reads and writes to it until then (ResourceNotFoundException).
 */
async function createActiveTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Tags the table with its stage (STAGE_TAG), by which the admin CLI tells a table's stage. */
async function tagStage(client: DynamoDBClient, tableName: string, stage: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  await client.send(
    new TagResourceCommand({ ResourceArn: Table?.TableArn, Tags: [{ Key: STAGE_TAG, Value: stage }] }),
  );
}

/** Waits until dynalite has deleted the table: it answers DeleteTable before it is done. */
async function waitUntilDeleted(client: DynamoDBClient, tableName: string): Promise<void> {
  for (;;) {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return;
      throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Item = Record<string, AttributeValue>;

/**
 * Where an upgrade keeps the table's items while it recreates the table: written before the old
 * table is deleted, removed once every item is in the new one. Finding it at start means an
 * upgrade was interrupted (the process killed between the two), and it holds the items.
 */
export const UPGRADE_DUMP_FILE = 'dynamodb-upgrade.json';

/** Binary attribute values (`B`, `BS`) as `{"$base64": "..."}`: JSON has no bytes. */
export function dumpItems(path: string, items: Item[]): void {
  const json = JSON.stringify(items, (_key, value) =>
    value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value,
  );
  // Written whole, then renamed into place: a kill while writing leaves no half a dump behind.
  writeFileSync(`${path}.partial`, json);
  renameSync(`${path}.partial`, path);
}

export function readDump(path: string): Item[] {
  return JSON.parse(readFileSync(path, 'utf8'), (_key, value) =>
    value && typeof value === 'object' && typeof value.$base64 === 'string' && Object.keys(value).length === 1
      ? new Uint8Array(Buffer.from(value.$base64, 'base64'))
      : value,
  ) as Item[];
}

async function scanAll(client: DynamoDBClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

async function writeAll(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let batch: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`Copying ${tableName}: DynamoDB left items unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
      batch = out.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/**
 * The table as the schema module defines it. A table kept in a data folder by an earlier version
 * may lack an index added since: DynamoDB adds one in place (UpdateTable), dynalite cannot, so its
 * items are copied into a table created with the current schema. With a data folder the items are
 * dumped to UPGRADE_DUMP_FILE first, so that a kill during the copy loses nothing: the next start
 * finds the dump and finishes the copy. Answers whether the table was upgraded.
 */
async function ensureTable(client: DynamoDBClient, tableName: string, dataDir?: string): Promise<boolean> {
  const wanted = createTableInput(tableName);
  const dump = dataDir ? join(dataDir, UPGRADE_DUMP_FILE) : undefined;
  let existing: DescribeTableCommandOutput | undefined;
  try {
    existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  let items: Item[];
  if (dump && existsSync(dump)) {
    // An interrupted upgrade: the dump holds every item; the table may be gone, new or half full.
    items = readDump(dump);
  } else if (!existing) {
    await createActiveTable(client, wanted);
    return false;
  } else {
    const indexes = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    if (wanted.GlobalSecondaryIndexes.every((i) => indexes.has(i.IndexName))) return false;
    items = await scanAll(client, tableName);
    if (dump) dumpItems(dump, items);
  }
  if (existing) {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    await waitUntilDeleted(client, tableName);
  }
  await createActiveTable(client, wanted);
  await writeAll(client, tableName, items);
  if (dump) rmSync(dump, { force: true });
  return true;
}

/** What DynamoDB answers when it throttles or fails a request: the SDK retries all three. */
const DYNAMO_FAULTS = {
  ProvisionedThroughputExceededException: {
    status: 400,
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  ThrottlingException: { status: 400, message: 'Rate of requests exceeds the allowed throughput.' },
  InternalServerError: { status: 500, message: 'Internal server error' },
} as const;
const DYNAMO_FAULT_NAMES = Object.keys(DYNAMO_FAULTS) as (keyof typeof DYNAMO_FAULTS)[];

/**
 * A fault-injecting front on dynalite's port: a faulted request is answered before dynalite sees
 * it (as DynamoDB throttles before it applies anything); the rest go through unchanged.
 */
function injectFaults(server: Server, faults: FaultInjector): void {
  const inner = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const attempt = sdkAttemptOf(req.headers['amz-sdk-request']);
    if (attempt > 1) faults.observedRetry('dynamodb', `attempt ${attempt}`);
    const fault = faults.pick('dynamodb', DYNAMO_FAULT_NAMES);
    if (!fault) {
      for (const listener of inner) listener.call(server, req, res);
      return;
    }
    req.resume();
    req.on('end', () => {
      const { status, message } = DYNAMO_FAULTS[fault];
      res.writeHead(status, {
        'Content-Type': 'application/x-amz-json-1.0',
        'x-amzn-RequestId': randomUUID(),
      });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${fault}`, message }));
    });
  });
}
