/**
 * The connections this process opened: on the embedded stack, the functions' own calls to the
 * stack's routes — the Test-ISP posting its messages to the ISP callback routes, the demo portal
 * asking the token endpoint and the API, a webhook delivered to a receiver on the stack — as well
 * as to the emulations (/_aws/). A request that arrives on one of them comes from a function at
 * work in this process, not from a caller outside, which a stopping stack tells apart (stack.ts).
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** The client connections open in this process, each as its two ends (`connectionOf`). */
const openedHere = new Set<string>();
let watching = false;

/** An address as both ends print it (`::ffff:127.0.0.1` is `127.0.0.1`). */
const addressOf = (address: string | undefined) => (address ?? '').replace(/^::ffff:/, '');

/**
 * A connection as its two ends, from its client's end first: the whole of them, since the kernel
 * may give one local port to connections to different servers (another process's to this one).
 */
const connectionOf = (
  client: { address?: string | undefined; port?: number | undefined },
  server: { address?: string | undefined; port?: number | undefined },
) => `${addressOf(client.address)}:${client.port} ${addressOf(server.address)}:${server.port}`;

/** From now on, notes every client connection this process opens (fetch, node:http, the AWS SDK). */
export function watchOwnConnections(): void {
  if (watching) return;
  watching = true;
  subscribe('net.client.socket', (message) => {
    const { socket } = message as { socket: Socket };
    socket.once('connect', () => {
      const connection = connectionOf(
        { address: socket.localAddress, port: socket.localPort },
        { address: socket.remoteAddress, port: socket.remotePort },
      );
      openedHere.add(connection);
      socket.once('close', () => openedHere.delete(connection));
    });
  });
}

/** Whether a server connection's peer is a connection this process opened (watchOwnConnections). */
export function isOwnConnection(serverSocket: Socket): boolean {
  return openedHere.has(
    connectionOf(
      { address: serverSocket.remoteAddress, port: serverSocket.remotePort },
      { address: serverSocket.localAddress, port: serverSocket.localPort },
    ),
  );
}
