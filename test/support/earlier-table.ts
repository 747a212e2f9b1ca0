/**
 * A local data folder as an earlier version left it: the table created without the indexes added
 * since (GSI1 only), holding the given items. For the tests of the local stack's table upgrade.
 */
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../../lambdas/adapters/dynamo/table-schema.js';

export type EarlierTable = {
  /** A document client on the folder's dynalite while it is open. */
  db: DynamoDBDocumentClient;
  close(): Promise<void>;
};

/**
 * Opens `dataDir` in dynalite and creates the table in it as an earlier version did (or, with
 * `current`, as this one does) and leaves both open for writes.
 */
export async function openEarlierTable(
  dataDir: string,
  tableName: string,
  current = false,
): Promise<EarlierTable> {
  const server = dynalite({ createTableMs: 0, path: join(dataDir, 'dynamodb') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const schema = createTableInput(tableName);
  await client.send(
    new CreateTableCommand(
      current
        ? schema
        : {
            ...schema,
            AttributeDefinitions: schema.AttributeDefinitions.filter(
              (a) => !a.AttributeName.startsWith('GSI2'),
            ),
            GlobalSecondaryIndexes: schema.GlobalSecondaryIndexes.filter((g) => g.IndexName === 'GSI1'),
          },
    ),
  );
  // dynalite refuses writes while the table is CREATING (with a data folder that can outlast a tick).
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  const db = DynamoDBDocumentClient.from(client);
  return {
    db,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
