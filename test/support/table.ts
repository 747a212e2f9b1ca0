/** The table alone (no stack): the embedded DynamoDB with the real table schema and a repository on it. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createRepository, type Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { startDynamo } from '../../local/dynamodb.js';

export interface TableStore {
  store: Repository;
  /** The raw item under a key, for what the ports do not return (keys, expiry). */
  rawItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

export async function startTableStore(tableName = 'srs-test'): Promise<TableStore> {
  const dynamo = await startDynamo({ tableName });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return {
    store: createRepository(db, tableName),
    rawItem: async (key) => (await db.send(new GetCommand({ TableName: tableName, Key: key }))).Item,
    close: async () => {
      db.destroy();
      await dynamo.close();
    },
  };
}
