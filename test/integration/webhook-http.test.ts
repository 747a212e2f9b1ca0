/**
 * The webhook transport (adapters/webhook-http.ts) against real receivers on loopback: what an
 * attempt records for each kind of answer — delivered on 2xx, a redirect not followed, an error
 * status, an answer too large (its status still decides), no answer in time, nobody listening — and
 * that it connects only to addresses the policy allows, looked up once (a host name that resolves
 * to loopback is refused on an AWS stage), on a new connection for every message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AllAddressesLookup, HttpWebhookTransport } from '../../lambdas/adapters/webhook-http.js';
import type { UrlPolicy } from '../../lambdas/core/webhook-address.js';
import type { SignedMessage } from '../../lambdas/usecases/ports/webhooks.js';

const LOCAL: UrlPolicy = { allowLoopbackHttp: true };
const AWS_STAGE: UrlPolicy = { allowLoopbackHttp: false };

const message: SignedMessage = {
  id: 'msg_test_1',
  timestamp: 1_760_000_000,
  body: JSON.stringify({ type: 'webhook.test', timestamp: '2026-11-30T09:00:00Z', data: {} }),
  signature: 'v1,c2lnbmF0dXJl',
};

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: a new one per connection. */
  remotePort: number | undefined;
}

/** A receiver that records each request and answers with `answer`. */
class Receiver {
  readonly received: Received[] = [];
  answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: req.socket.remotePort,
      });
      this.answer(res);
    });
  });

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const running: Receiver[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function receiver(): Promise<{ r: Receiver; port: number }> {
  const r = new Receiver();
  running.push(r);
  return { r, port: await r.start() };
}

const transport = new HttpWebhookTransport(2_000);

describe('a webhook message sent', () => {
  it('is delivered on a 2xx, with its signature headers and body as given', async () => {
    const { r, port } = await receiver();

    const outcome = await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL);

    expect(outcome).toEqual({ ok: true, statusCode: 204 });
    expect(r.received).toHaveLength(1);
    expect(r.received[0]?.body).toBe(message.body);
    expect(r.received[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'msg_test_1',
      'webhook-timestamp': '1760000000',
      'webhook-signature': 'v1,c2lnbmF0dXJl',
    });
  });

  it('opens a new connection for every message (no kept-alive socket to find closed after a freeze)', async () => {
    const { r, port } = await receiver();
    r.answer = (res) => res.writeHead(200, { connection: 'keep-alive' }).end('ok');

    await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL);
    await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL);

    const ports = r.received.map((m) => m.remotePort);
    expect(ports).toHaveLength(2);
    expect(ports[0]).not.toBe(ports[1]);
  });

  it('does not follow a redirect', async () => {
    const { r: target, port: targetPort } = await receiver();
    const { r, port } = await receiver();
    r.answer = (res) => res.writeHead(307, { location: `http://127.0.0.1:${targetPort}/hooks` }).end();

    const outcome = await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL);

    expect(outcome).toEqual({ ok: false, statusCode: 307, error: 'redirect not followed' });
    expect(target.received).toHaveLength(0);
  });

  it('records an error status', async () => {
    const { r, port } = await receiver();
    r.answer = (res) => res.writeHead(500).end('down for maintenance');

    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL)).toEqual({
      ok: false,
      statusCode: 500,
      error: 'HTTP 500',
    });
  });

  it('reads no more than 64 KB of an answer, whose status still decides', async () => {
    const { r, port } = await receiver();
    // A declared length over the limit ends the exchange at the headers: this receiver sends the
    // first 64 KB of its 16 MB and then waits, which a transport reading on would wait out.
    let held: ServerResponse | undefined;
    r.answer = (res) => {
      res.writeHead(200, { 'content-length': String(16 * 1024 * 1024) });
      res.write('x'.repeat(64 * 1024));
      held = res;
    };
    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL)).toEqual({
      ok: true,
      statusCode: 200,
    });
    held?.destroy();

    let written = 0;
    r.answer = (res) => {
      res.writeHead(503); // chunked: no length declared
      const more = () => {
        while (!res.destroyed && written < 16 * 1024 * 1024) {
          written += 16 * 1024;
          if (!res.write('y'.repeat(16 * 1024))) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    };
    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL)).toEqual({
      ok: false,
      statusCode: 503,
      error: 'HTTP 503',
    });
    // The connection was closed long before the receiver's 16 MB were sent.
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('counts the status of a receiver that closes the connection in the middle of its answer', async () => {
    const { r, port } = await receiver();
    r.answer = (res) => {
      res.writeHead(200, { 'content-length': '2048' });
      res.write('accepted, and then');
      setImmediate(() => res.socket?.destroy());
    };

    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL)).toEqual({
      ok: true,
      statusCode: 200,
    });
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const { r, port } = await receiver();
    r.answer = () => {}; // holds the request open

    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL, 200)).toEqual({
      ok: false,
      statusCode: null,
      error: 'timed out',
    });
  });

  it('records nobody listening as a refused connection', async () => {
    const { r, port } = await receiver();
    await r.stop();
    running.splice(0);

    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, LOCAL)).toEqual({
      ok: false,
      statusCode: null,
      error: 'connection refused',
    });
  });
});

describe('the addresses a message may go to', () => {
  it('refuses a loopback literal on an AWS stage without connecting', async () => {
    const { r, port } = await receiver();

    expect(await transport.post(`http://127.0.0.1:${port}/hooks`, message, AWS_STAGE)).toEqual({
      ok: false,
      statusCode: null,
      error: 'address not allowed',
    });
    expect(r.received).toHaveLength(0);
  });

  it('refuses a host name that resolves to loopback on an AWS stage, and connects to it where allowed', async () => {
    const { r, port } = await receiver();

    expect(await transport.post(`http://localhost:${port}/hooks`, message, AWS_STAGE)).toEqual({
      ok: false,
      statusCode: null,
      error: 'address not allowed',
    });
    expect(r.received).toHaveLength(0);

    // The same name on the local stage: the checked address is the one connected to.
    expect(await transport.post(`http://localhost:${port}/hooks`, message, LOCAL)).toEqual({
      ok: true,
      statusCode: 204,
    });
    expect(r.received).toHaveLength(1);
  });
});

describe('a host name resolved when an endpoint is registered', () => {
  it('answers its addresses', async () => {
    expect(await transport.resolve('localhost')).toContain('127.0.0.1');
  });

  it('answers none, in time, when the name server never answers', async () => {
    // An SP's own name server can hold a lookup for as long as the system resolver waits (seconds
    // per try, several tries): the registration call would pass the API function's timeout.
    const asked: string[] = [];
    const silent: AllAddressesLookup = (host) => void asked.push(host);
    const bounded = new HttpWebhookTransport(2_000, silent, 200);

    expect(await bounded.resolve('slow.sp.example')).toEqual([]);
    expect(asked).toEqual(['slow.sp.example']);
  });
});
