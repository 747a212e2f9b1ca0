/** Port for sending an SMS (at least once: a failure after delivery is possible). */

export interface SmsSender {
  send(phoneNumber: string, message: string): Promise<{ messageId: string }>;
}
