/**
 * Cold-start floor of a function with the table and Step Functions: a bare handler doing one
 * GetItem and completing one task token, its clients created once per module.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sfn = new SFNClient({});

export const handler = async (event: { key?: string; taskToken?: string }) => {
  const out = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: event.key ?? 'floor', SK: 'floor' } }),
  );
  await sfn.send(new SendTaskSuccessCommand({ taskToken: event.taskToken ?? 'floor', output: '{}' }));
  return { statusCode: out.Item ? 200 : 404, body: '' };
};
