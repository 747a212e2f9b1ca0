/**
 * Emulates SNS's Publish-to-phone-number (AWS query protocol) for the local stack: messages go to
 * an outbox that `GET /_local/sms` shows, newest first. Persisted with the data folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, page } from '../lambdas/http/html.js';
import { readDataFile } from './data-folder.js';
import type { FaultInjector } from './faults.js';

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

const SNS_FAULTS = ['Throttling', 'InternalError', 'InternalError-after-delivery'] as const;

function smsTypeOf(form: URLSearchParams): string | null {
  for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
    if (form.get(`MessageAttributes.entry.${i}.Name`) === 'AWS.SNS.SMS.SMSType') {
      return form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
    }
  }
  return null;
}

export class LocalSmsOutbox {
  private readonly messages: OutboxMessage[];
  private readonly file: string | undefined;
  private readonly listeners = new Set<(m: OutboxMessage) => void>();

  /**
   * @param faults fails a share of Publish calls: throttled or failed before delivery, or failed
   *   after delivery (the answer is lost, so the SDK's retry delivers the message a second time —
   *   SMS are at least once).
   */
  constructor(
    dataDir?: string,
    private readonly faults?: FaultInjector,
  ) {
    this.file = dataDir ? join(dataDir, 'sms-outbox.json') : undefined;
    this.messages = (dataDir ? readDataFile<OutboxMessage[]>(dataDir, 'sms-outbox.json') : undefined) ?? [];
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
  handleAwsRequest(body: string, sdkAttempt = 1): { status: number; contentType: string; body: string } {
    const form = new URLSearchParams(body);
    const requestId = randomUUID();
    const fail = (code: string, message: string, status = 400) => ({
      status,
      contentType: 'text/xml',
      body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    });
    if (form.get('Action') !== 'Publish') return fail('InvalidAction', `Not emulated: ${form.get('Action')}`);
    const phoneNumber = form.get('PhoneNumber');
    const message = form.get('Message');
    if (!phoneNumber || !/^\+[1-9]\d{7,14}$/.test(phoneNumber))
      return fail('InvalidParameter', 'Invalid PhoneNumber');
    if (!message) return fail('InvalidParameter', 'Empty message');
    if (this.faults?.enabled('sns')) {
      if (sdkAttempt > 1) this.faults.observedRetry('sns', `attempt ${sdkAttempt}`);
      const fault = this.faults.pick('sns', SNS_FAULTS);
      if (fault === 'Throttling') return fail('Throttling', 'Rate exceeded', 400);
      if (fault === 'InternalError') return fail('InternalError', 'Internal error', 500);
      if (fault === 'InternalError-after-delivery') {
        this.deliver(phoneNumber, message, smsTypeOf(form));
        return fail('InternalError', 'Internal error', 500);
      }
    }
    const entry = this.deliver(phoneNumber, message, smsTypeOf(form));
    return {
      status: 200,
      contentType: 'text/xml',
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${entry.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  }

  private deliver(phoneNumber: string, message: string, smsType: string | null): OutboxMessage {
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
      // Written aside and renamed: a process killed mid-write leaves the previous outbox, not half a file.
      writeFileSync(`${this.file}.tmp`, JSON.stringify(this.messages));
      renameSync(`${this.file}.tmp`, this.file);
    }
    for (const l of this.listeners) l(entry);
    return entry;
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
