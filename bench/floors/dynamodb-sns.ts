/**
 * Cold-start floor of a function with the table and SNS: a bare handler doing one GetItem and
 * publishing one SMS, its clients created once per module.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sns = new SNSClient({});

export const handler = async (event: { key?: string; phoneNumber?: string }) => {
  const out = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: event.key ?? 'floor', SK: 'floor' } }),
  );
  await sns.send(new PublishCommand({ PhoneNumber: event.phoneNumber ?? '+41790000000', Message: 'floor' }));
  return { statusCode: out.Item ? 200 : 404, body: '' };
};
