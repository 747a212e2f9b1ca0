/**
 * Sending an SMS: SNS Publish straight to a phone number, as a transactional message. Locally the
 * same SDK call reaches the embedded stack's SNS emulation (an outbox) through AWS_ENDPOINT_URL_SNS.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

import type { SmsSender } from '../usecases/ports/sms.js';

export class SnsSmsSender implements SmsSender {
  constructor(
    private readonly client: SNSClient,
    private readonly senderId?: string,
  ) {}

  async send(phoneNumber: string, message: string): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new PublishCommand({
        PhoneNumber: phoneNumber,
        Message: message,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(this.senderId
            ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId } }
            : {}),
        },
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}

let client: SNSClient | undefined;
export function snsClient(): SNSClient {
  client ??= new SNSClient({});
  return client;
}
