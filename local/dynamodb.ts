/**
 * Embedded DynamoDB: dynalite in this process, in memory or persisted to a folder (LevelDB).
 * The table is created from the same key-schema module as the CDK table.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../lambdas/adapters/dynamo/table-schema.js';
import type { LocalMetrics } from './metrics.js';

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynamo(options: {
  dataDir?: string | undefined;
  tableName: string;
  port?: number | undefined;
  /** Sum the capacity units each request consumes (benchmarks' cost model). */
  metrics?: LocalMetrics | undefined;
}): Promise<EmbeddedDynamo> {
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    path: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
  });
  options.metrics?.instrumentDynalite(server);
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
