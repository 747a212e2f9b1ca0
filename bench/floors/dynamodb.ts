/**
 * Cold-start floor of a function that reads the table: a bare handler doing one GetItem through the
 * document client (the client the functions use), created once per module, bundled like the others.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { key?: string }) => {
  const out = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: event.key ?? 'floor', SK: 'floor' } }),
  );
  return { statusCode: out.Item ? 200 : 404, body: '' };
};
