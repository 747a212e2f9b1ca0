/**
 * Cold-start floor of a function that reads the table: a bare handler doing one GetItem through the
 * document client (the client the functions use), created once per module, bundled like the others.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** The one GetItem every floor with the table makes. */
export async function readItem(key = 'floor'): Promise<boolean> {
  const out = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: key, SK: 'floor' } }),
  );
  return out.Item !== undefined;
}

export const handler = async (event: { key?: string }) => ({
  statusCode: (await readItem(event.key)) ? 200 : 404,
  body: '',
});
