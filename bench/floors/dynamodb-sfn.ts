/**
 * Cold-start floor of a function with the table and Step Functions: a bare handler doing one
 * GetItem and completing one task token, its clients created once per module.
 */
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { readItem } from './dynamodb.js';

const sfn = new SFNClient({});

export const handler = async (event: { key?: string; taskToken?: string }) => {
  const found = await readItem(event.key);
  await sfn.send(new SendTaskSuccessCommand({ taskToken: event.taskToken ?? 'floor', output: '{}' }));
  return { statusCode: found ? 200 : 404, body: '' };
};
