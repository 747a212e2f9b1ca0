/**
 * Embedded DynamoDB: dynalite in this process, in memory or persisted to a folder (LevelDB).
 * The table is created from the same key-schema module as the CDK table.
 */

import { randomUUID } from 'node:crypto';
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
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../lambdas/adapters/dynamo/table-schema.js';
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
}): Promise<EmbeddedDynamo> {
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
    tableUpgraded = await ensureTable(client, options.tableName);
  } finally {
    client.destroy();
  }
  options.metrics?.instrumentDynalite(server);
  options.stream?.instrument(server);
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

/**
 * The table as the schema module defines it. A table kept in a data folder by an earlier version
 * may lack an index added since: DynamoDB adds one in place (UpdateTable), dynalite cannot, so its
 * items are copied into a table created with the current schema.
 */
async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const wanted = createTableInput(tableName);
  let existing: DescribeTableCommandOutput;
  try {
    existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await createActiveTable(client, wanted);
    return false;
  }
  const indexes = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  if (wanted.GlobalSecondaryIndexes.every((i) => indexes.has(i.IndexName))) return false;
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  // dynalite deletes a table after answering: the name is free once DescribeTable no longer finds it.
  for (;;) {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) break;
      throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await createActiveTable(client, wanted);
  for (let i = 0; i < items.length; i += 25) {
    let batch: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`Copying ${tableName}: DynamoDB left items unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
      batch = out.UnprocessedItems?.[tableName] ?? [];
    }
  }
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
