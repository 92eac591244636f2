import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A free loopback TCP port: bound to port 0, then released. For tests, benchmarks and the private
 * servers they start on one machine (another process could take it in between; nothing here races).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
