/**
 * Cold-start floor of a function with the table and SNS: a bare handler doing one GetItem and
 * publishing one SMS, its clients created once per module.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { readItem } from './dynamodb.js';

const sns = new SNSClient({});

export const handler = async (event: { key?: string; phoneNumber?: string }) => {
  const found = await readItem(event.key);
  await sns.send(new PublishCommand({ PhoneNumber: event.phoneNumber ?? '+41790000000', Message: 'floor' }));
  return { statusCode: found ? 200 : 404, body: '' };
};
