/**
 * The connections this process opened: on the embedded stack, the functions' own calls to the
 * stack's routes — the Test-ISP posting its messages to the ISP callback routes, the demo portal
 * asking the token endpoint and the API, a webhook delivered to a receiver on the stack — as well
 * as to the emulations (/_aws/). A request that arrives on one of them comes from a function at
 * work in this process, not from a caller outside, which a stopping stack tells apart (stack.ts).
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** The local ends (address:port) of the client connections open in this process. */
const openedHere = new Set<string>();
let watching = false;

/** An address as both ends print it (`::ffff:127.0.0.1` is `127.0.0.1`). */
const endOf = (address: string | undefined, port: number | undefined) =>
  `${(address ?? '').replace(/^::ffff:/, '')}:${port}`;

/** From now on, notes every client connection this process opens (fetch, node:http, the AWS SDK). */
export function watchOwnConnections(): void {
  if (watching) return;
  watching = true;
  subscribe('net.client.socket', (message) => {
    const { socket } = message as { socket: Socket };
    socket.once('connect', () => {
      const end = endOf(socket.localAddress, socket.localPort);
      openedHere.add(end);
      socket.once('close', () => openedHere.delete(end));
    });
  });
}

/** Whether a server connection's peer is a connection this process opened (watchOwnConnections). */
export function isOwnConnection(serverSocket: Socket): boolean {
  return openedHere.has(endOf(serverSocket.remoteAddress, serverSocket.remotePort));
}
