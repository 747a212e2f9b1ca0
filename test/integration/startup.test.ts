/**
 * `npm start` binds its port before the stack is ready (the issuer and public URLs need the real
 * port). A request in between is answered at once — 503 with Retry-After — never left hanging.
 */
import { connect, createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { waitFor } from '../support/stack.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

let stack: LocalStack | undefined;
afterAll(async () => stack?.close());

describe('start-up', () => {
  it('answers 503 with Retry-After while starting, then serves', async () => {
    const port = await freePort();
    let finishStarting = () => {};
    const held = new Promise<void>((resolve) => {
      finishStarting = resolve;
    });
    const starting = startLocalStack({ port, logLevel: 'SILENT', startupGate: held });
    await waitFor(
      () => accepts(port),
      (up) => up,
    );

    // Generous: without an answer the client would wait for ever.
    const during = await fetch(`http://127.0.0.1:${port}/isp/v1/jwks.json`, {
      signal: AbortSignal.timeout(20_000),
    });
    finishStarting();
    stack = await starting;
    const after = await fetch(`http://127.0.0.1:${port}/isp/v1/jwks.json`);

    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(during.headers.get('content-type')).toBe('application/problem+json');
    expect(await during.json()).toMatchObject({ status: 503, title: 'Service unavailable' });
    expect(after.status).toBe(200);
  });
});
