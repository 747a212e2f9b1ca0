/**
 * An SP's webhook receiver for tests: records every request it gets and answers as told —
 * 2xx, an error status, late (slower than the delivery timeout), or not at all (stopped).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMessage {
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export type ReceiverBehaviour = { status: number; delayMs?: number };

export class WebhookReceiver {
  readonly received: ReceivedMessage[] = [];
  /** Answers in turn; the last one repeats. */
  behaviours: ReceiverBehaviour[] = [{ status: 204 }];
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        });
        const behaviour = this.behaviours.length > 1 ? this.behaviours.shift() : this.behaviours[0];
        const answer = () => {
          if (!res.destroyed) res.writeHead(behaviour?.status ?? 204).end();
        };
        if (behaviour?.delayMs) setTimeout(answer, behaviour.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening: connections are refused until `start()` again (on the same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The messages of one order, by `webhook-id`, in arrival order. */
  bodies(): { id: string; body: Record<string, unknown> }[] {
    return this.received.map((m) => ({ id: m.headers['webhook-id'] as string, body: JSON.parse(m.body) }));
  }
}
