/**
 * Embedded DynamoDB: dynalite in this process, in memory or persisted to a folder (LevelDB).
 * The table is created from the same key-schema module as the CDK table.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
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
  options.metrics?.instrumentDynalite(server);
  options.stream?.instrument(server);
  if (options.faults?.enabled('dynamodb')) injectFaults(server, options.faults);
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
  try {
    await client.send(new DescribeTableCommand({ TableName: options.tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(new CreateTableCommand(createTableInput(options.tableName)));
  }
  client.destroy();
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
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
