/**
 * Emulates SQS for the embedded stack: standard queues with message delays, visibility timeouts,
 * a redrive policy to a dead-letter queue, the AWS JSON protocol for `SendMessage`, and Lambda's
 * event source mapping (batches to a handler, partial batch failures). In memory only: the
 * queues do not survive a restart. `GET /_local/queues` shows them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { logInvocationError } from './lambda-context.js';

export interface QueueMessage {
  messageId: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
}

export interface SqsBatchResult {
  batchItemFailures?: { itemIdentifier: string }[];
}

type Consumer = (records: ReturnType<typeof toRecord>[]) => Promise<SqsBatchResult | undefined>;

interface Queue {
  name: string;
  url: string;
  arn: string;
  messages: QueueMessage[];
  consumer?:
    | { invoke: Consumer; functionName: string; batchSize: number; visibilityTimeoutMs: number }
    | undefined;
  redrive?: { deadLetter: Queue; maxReceiveCount: number } | undefined;
  timer?: NodeJS.Timeout | undefined;
  polling: boolean;
}

function toRecord(queue: Queue, m: QueueMessage) {
  return {
    messageId: m.messageId,
    receiptHandle: `${m.messageId}#${m.receiveCount}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(m.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: 'local',
  };
}

export class LocalSqs {
  private readonly queues = new Map<string, Queue>();
  private closed = false;

  constructor(private readonly endpoint: string) {}

  /** A queue's URL: under the emulation's endpoint, as the SDK expects. */
  urlOf(name: string): string {
    return `${this.endpoint}/000000000000/${name}`;
  }

  /** Creates a queue (at `urlOf(name)`). */
  createQueue(name: string, options: { deadLetter?: string; maxReceiveCount?: number } = {}): string {
    const queue: Queue = {
      name,
      url: this.urlOf(name),
      arn: `arn:aws:sqs:local:000000000000:${name}`,
      messages: [],
      polling: false,
    };
    if (options.deadLetter) {
      const deadLetter = this.queues.get(options.deadLetter);
      if (!deadLetter) throw new Error(`No queue ${options.deadLetter}`);
      queue.redrive = { deadLetter, maxReceiveCount: options.maxReceiveCount ?? 5 };
    }
    this.queues.set(name, queue);
    return queue.url;
  }

  /**
   * Deletes a queue and its messages, as SQS's DeleteQueue does: a later send to its URL is refused
   * (QueueDoesNotExist), and a queue that redrove to it keeps its messages instead.
   */
  deleteQueue(name: string): void {
    const queue = this.queue(name);
    clearTimeout(queue.timer);
    this.queues.delete(name);
  }

  /** Lambda's event source mapping: visible messages go to `invoke` in batches. */
  subscribe(
    name: string,
    invoke: Consumer,
    options: { functionName: string; batchSize: number; visibilityTimeoutSeconds: number },
  ) {
    const queue = this.queue(name);
    queue.consumer = {
      invoke,
      functionName: options.functionName,
      batchSize: options.batchSize,
      visibilityTimeoutMs: options.visibilityTimeoutSeconds * 1000,
    };
    this.schedule(queue);
  }

  /** What a queue holds (the `/_local/queues` page and tests). */
  list(): Record<
    string,
    { url: string; messages: { messageId: string; body: string; receiveCount: number; visibleAt: string }[] }
  > {
    const out: ReturnType<LocalSqs['list']> = {};
    for (const q of this.queues.values()) {
      out[q.name] = {
        url: q.url,
        messages: q.messages.map((m) => ({
          messageId: m.messageId,
          body: m.body,
          receiveCount: m.receiveCount,
          visibleAt: new Date(m.visibleAt).toISOString(),
        })),
      };
    }
    return out;
  }

  /** Serves the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Action>`). */
  handleAwsRequest(target: string | undefined, body: string): { status: number; body: unknown } {
    const fail = (type: string, message: string, status = 400) => ({
      status,
      body: { __type: `com.amazonaws.sqs#${type}`, message },
    });
    let input: { QueueUrl?: string; MessageBody?: string; DelaySeconds?: number };
    try {
      input = JSON.parse(body || '{}') as typeof input;
    } catch {
      return fail('InvalidParameterValue', 'Malformed JSON');
    }
    const queue = [...this.queues.values()].find((q) => q.url === input.QueueUrl);
    if (!queue) return fail('QueueDoesNotExist', 'The specified queue does not exist.');
    if (target !== 'AmazonSQS.SendMessage') return fail('UnsupportedOperation', `Not emulated: ${target}`);
    if (typeof input.MessageBody !== 'string' || input.MessageBody === '') {
      return fail('InvalidParameterValue', 'MessageBody is required.');
    }
    const delay = input.DelaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
      return fail('InvalidParameterValue', 'DelaySeconds must be 0 to 900.');
    }
    const message = this.send(queue, input.MessageBody, delay);
    return {
      status: 200,
      body: {
        MessageId: message.messageId,
        MD5OfMessageBody: createHash('md5').update(message.body).digest('hex'),
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queues.values()) clearTimeout(q.timer);
    // Let a running batch finish, so no handler writes to a closed table.
    while ([...this.queues.values()].some((q) => q.polling)) await new Promise((r) => setTimeout(r, 10));
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`No queue ${name}`);
    return queue;
  }

  private send(queue: Queue, body: string, delaySeconds: number): QueueMessage {
    const now = Date.now();
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    this.schedule(queue);
    return message;
  }

  /** Wakes the consumer when the next message becomes visible. */
  private schedule(queue: Queue): void {
    if (!queue.consumer || this.closed || queue.polling) return;
    clearTimeout(queue.timer);
    if (!queue.messages.length) return;
    const next = Math.min(...queue.messages.map((m) => m.visibleAt));
    queue.timer = setTimeout(() => void this.poll(queue), Math.max(0, next - Date.now()));
  }

  private async poll(queue: Queue): Promise<void> {
    const consumer = queue.consumer;
    if (!consumer || this.closed) return;
    queue.polling = true;
    try {
      const now = Date.now();
      const batch: QueueMessage[] = [];
      for (const m of queue.messages) {
        if (batch.length >= consumer.batchSize) break;
        if (m.visibleAt > now) continue;
        m.receiveCount += 1;
        const redrive = queue.redrive;
        if (redrive && m.receiveCount > redrive.maxReceiveCount && this.queues.has(redrive.deadLetter.name)) {
          this.moveTo(queue, m, redrive.deadLetter);
          continue;
        }
        m.visibleAt = now + consumer.visibilityTimeoutMs;
        batch.push(m);
      }
      if (!batch.length) return;
      let failed: Set<string>;
      try {
        const result = await consumer.invoke(batch.map((m) => toRecord(queue, m)));
        failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (err) {
        // Logged as Lambda logs it; the whole batch comes back after its visibility timeout, and a
        // message received maxReceiveCount times goes to the dead-letter queue.
        logInvocationError(consumer.functionName, err);
        failed = new Set(batch.map((m) => m.messageId));
      }
      queue.messages = queue.messages.filter((m) => !batch.includes(m) || failed.has(m.messageId));
    } finally {
      queue.polling = false;
      this.schedule(queue);
    }
  }

  private moveTo(from: Queue, message: QueueMessage, to: Queue): void {
    from.messages = from.messages.filter((m) => m !== message);
    to.messages.push({ ...message, visibleAt: Date.now(), receiveCount: 0 });
    this.schedule(to);
  }
}
