/**
 * Emulates SNS's Publish-to-phone-number (AWS query protocol) for the local stack: messages go to
 * an outbox that `GET /_local/sms` shows, newest first. Persisted with the data folder.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, page } from '../lambdas/http/html.js';

export interface OutboxMessage {
  messageId: string;
  phoneNumber: string;
  message: string;
  sentAt: string;
  smsType: string | null;
}

const xmlEscape = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );

export class LocalSmsOutbox {
  private readonly messages: OutboxMessage[];
  private readonly file: string | undefined;
  private readonly listeners = new Set<(m: OutboxMessage) => void>();

  constructor(dataDir?: string) {
    this.file = dataDir ? join(dataDir, 'sms-outbox.json') : undefined;
    this.messages =
      this.file && existsSync(this.file)
        ? (JSON.parse(readFileSync(this.file, 'utf8')) as OutboxMessage[])
        : [];
  }

  /** Newest first. */
  list(): OutboxMessage[] {
    return [...this.messages].reverse();
  }

  /** Calls back for every new message (tests wait on this rather than polling on a timer). */
  onMessage(listener: (m: OutboxMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Serves `Action=Publish` with a `PhoneNumber` (the only SNS call the service makes). */
  handleAwsRequest(body: string): { status: number; contentType: string; body: string } {
    const form = new URLSearchParams(body);
    const requestId = randomUUID();
    const fail = (code: string, message: string) => ({
      status: 400,
      contentType: 'text/xml',
      body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    });
    if (form.get('Action') !== 'Publish') return fail('InvalidAction', `Not emulated: ${form.get('Action')}`);
    const phoneNumber = form.get('PhoneNumber');
    const message = form.get('Message');
    if (!phoneNumber || !/^\+[1-9]\d{7,14}$/.test(phoneNumber))
      return fail('InvalidParameter', 'Invalid PhoneNumber');
    if (!message) return fail('InvalidParameter', 'Empty message');
    let smsType: string | null = null;
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      if (form.get(`MessageAttributes.entry.${i}.Name`) === 'AWS.SNS.SMS.SMSType') {
        smsType = form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
      }
    }
    const entry: OutboxMessage = {
      messageId: randomUUID(),
      phoneNumber,
      message,
      sentAt: new Date().toISOString(),
      smsType,
    };
    this.messages.push(entry);
    if (this.file) {
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileSync(this.file, JSON.stringify(this.messages));
    }
    for (const l of this.listeners) l(entry);
    return {
      status: 200,
      contentType: 'text/xml',
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${entry.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  }

  html(): string {
    const linkify = (s: string) => escapeHtml(s).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
    const rows = this.list()
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.sentAt)}</td><td>${escapeHtml(m.phoneNumber)}</td><td class="url">${linkify(m.message)}</td></tr>`,
      )
      .join('\n');
    return page(
      'Local SMS outbox',
      `<h1>Local SMS outbox</h1><p>Messages the service sent through (emulated) SNS, newest first. JSON: <a href="/_local/sms">/_local/sms</a>.</p>
<div class="table-scroll"><table><thead><tr><th scope="col">Sent at</th><th scope="col">To</th><th scope="col">Message</th></tr></thead><tbody>
${rows || '<tr><td colspan="3">No messages yet.</td></tr>'}
</tbody></table></div>`,
    );
  }
}
