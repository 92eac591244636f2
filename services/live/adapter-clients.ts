import type { Redis } from 'ioredis';
import type { Logger } from '../runtime/logger.ts';

type Listener = Parameters<Redis['on']>[1];

/**
 * The two clients @socket.io/redis-adapter is given, as narrow wrappers over ioredis. The
 * adapter calls publish/subscribe without handling their promises: while Redis is away (or as
 * the clients close at shutdown) those would reject unhandled and end the process. Here every
 * rejection is caught and logged: the adapter's cross-process requests simply time out. It also
 * runs PUBSUB NUMSUB (serverCount) through `send_command`, which ioredis 6 no longer has.
 */
export function adapterClients(
  publisher: Redis,
  subscriber: Redis,
  logger: Logger,
): { readonly pubClient: object; readonly subClient: object } {
  const swallow =
    (what: string) =>
    (error: unknown): undefined => {
      logger.warn({ err: error }, `socket.io adapter: ${what} failed`);
      return undefined;
    };
  const events = (client: Redis) => ({
    on(event: string, listener: Listener) {
      client.on(event, listener);
      return this;
    },
    off(event: string, listener: Listener) {
      client.off(event, listener);
      return this;
    },
  });
  const pubClient = {
    ...events(publisher),
    publish: (channel: string, message: string | Buffer) =>
      publisher.publish(channel, message).catch(swallow('publish')),
    send_command(
      command: string,
      args: readonly (string | Buffer)[],
      callback: (error: unknown, reply?: unknown) => void,
    ) {
      publisher.call(command, ...args).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(error),
      );
    },
  };
  const subscription =
    (method: 'subscribe' | 'psubscribe' | 'unsubscribe' | 'punsubscribe') =>
    (channels: string | readonly string[]) =>
      subscriber[method](...(typeof channels === 'string' ? [channels] : channels)).catch(swallow(method));
  const subClient = {
    ...events(subscriber),
    subscribe: subscription('subscribe'),
    psubscribe: subscription('psubscribe'),
    unsubscribe: subscription('unsubscribe'),
    punsubscribe: subscription('punsubscribe'),
  };
  return { pubClient, subClient };
}
