import { once } from 'node:events';
import { createServer } from 'node:net';

/** Ports this process has handed out; never handed out twice. */
const handedOut = new Set<number>();

/**
 * A free loopback TCP port: bound to port 0, then released. For tests, benchmarks and the private
 * servers they start on one machine. Another process could take it before the caller binds it;
 * within this process a port is never handed out twice, because the kernel readily gives a port
 * just released to the next caller, and two ports picked for one test before either is bound
 * then collide (CI once saw the demo's MQTT broker and its lift OPC UA server get the same port).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindZero();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no fresh loopback port after 50 attempts');
}

async function bindZero(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
