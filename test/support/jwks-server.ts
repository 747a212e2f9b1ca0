/**
 * A JSON Web Key Set endpoint on loopback, for the tests of a key set fetched over HTTP
 * (adapters/remote-key-set.ts): it answers each request as `answer` says (changeable between
 * requests) and counts the requests; `statusOnly` and `connectionClosed` are the answers of an
 * endpoint that is down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the endpoint answers one request. */
export type JwksAnswer = (res: ServerResponse) => void;

/** An error status and no body (a key set endpoint down behind its load balancer). */
export const statusOnly =
  (status: number): JwksAnswer =>
  (res) => {
    res.writeHead(status).end();
  };

/** No answer at all: the connection closed before anything was written. */
export const connectionClosed: JwksAnswer = (res) => {
  res.socket?.destroy();
};

export class JwksServer {
  requests = 0;
  /** Each request's client port: a new one per connection. */
  readonly clientPorts: (number | undefined)[] = [];
  answer: JwksAnswer = () => {};
  private readonly server: Server;
  private readonly hanging = new Set<IncomingMessage>();

  constructor() {
    this.server = createServer((req, res) => {
      this.requests++;
      this.clientPorts.push(req.socket.remotePort);
      this.hanging.add(req);
      res.on('close', () => this.hanging.delete(req));
      this.answer(res);
    });
  }

  /** Answers `body` (JSON unless a string) with status 200. */
  serve(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    this.answer = (res) => {
      res.writeHead(200, headers);
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
  }

  /** Listens on a free loopback port; the URL of its key set. */
  async start(): Promise<URL> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`);
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
