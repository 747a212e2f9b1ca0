/**
 * Cold-start floor of a function with the table and SQS (the webhook functions): a bare handler
 * doing one GetItem and sending one queue message, its clients created once per module.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readItem } from './dynamodb.js';

const sqs = new SQSClient({});

export const handler = async (event: { key?: string }) => {
  const found = await readItem(event.key);
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.WEBHOOK_QUEUE_URL, MessageBody: '{}' }));
  return { statusCode: found ? 200 : 404, body: '' };
};
