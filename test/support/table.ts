import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createRepository, type Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { embeddedDocumentClient, startDynamo } from '../../local/dynamodb.js';

export interface TableStore {
  store: Repository;
  /** The raw item under a key, for what the ports do not return (keys, expiry). */
  rawItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

export async function startTableStore(tableName = 'srs-test'): Promise<TableStore> {
  const dynamo = await startDynamo({ tableName });
  const db = embeddedDocumentClient(dynamo.endpoint);
  return {
    store: createRepository(db, tableName),
    rawItem: async (key) => (await db.send(new GetCommand({ TableName: tableName, Key: key }))).Item,
    close: async () => {
      db.destroy();
      await dynamo.close();
    },
  };
}
